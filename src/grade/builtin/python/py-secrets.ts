/**
 * `source.hardcoded-secret` for Python modules, with the project's one secret detector
 * (`findLiteralSecrets`, src/config/secrets.ts: secretlint's recommended preset and this
 * project's vendor-token, named-key and URL rules) rather than a second one.
 *
 * The detector reads config entries, so each module's string literals become one synthetic entry:
 * a literal assigned to a name (`API_KEY = "…"`), passed by keyword (`token="…"`) or stored under
 * a string key (`{"password": "…"}`) is an `env` value under that name, so the named-key rules
 * see it; any other literal is an argument. Docstrings, f-strings and literals shorter than
 * 8 characters are not looked at. Only masked values leave the detector.
 */
import type { Node } from 'web-tree-sitter'
import { findLiteralSecrets } from '../../../config/secrets.js'
import type { ServerEntry } from '../../../config/types.js'
import type { Finding } from '../../report.js'
import { findingOf } from '../finding.js'
import { SOURCE_RULE as S } from '../source/rules.js'
import { lineOf, named, stringValue, walk } from './py-syntax.js'

/** Literals per module handed to the detector (the rest are not scanned). */
const MAX_LITERALS = 5_000
/** Shortest literal scanned, in characters. */
const MIN_LITERAL_CHARS = 8

/**
 * Hard-coded credentials in the string literals of one module.
 * @param module the parsed `module` node; `file` its package path (evidence).
 * @returns one finding per literal holding a secret (masked `kind: …(N chars)` snippet).
 *   Never rejects.
 */
export async function checkHardcodedSecrets(module: Node, file: string): Promise<Finding[]> {
  const entry: ServerEntry = {
    config: file,
    format: 'generic',
    name: file,
    location: { line: 1, column: 1 },
    launch: { args: [], env: {}, headers: {} },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: []
  }
  const lines = new Map<string, number>()
  let count = 0
  walk(module, (node) => {
    if (count >= MAX_LITERALS) return false
    if (node.type !== 'string' && node.type !== 'concatenated_string') return undefined
    if (isDocstring(node)) return false
    const value = stringValue(node)
    if (value === null || value.length < MIN_LITERAL_CHARS) return false
    count += 1
    const key = keyOf(node)
    if (key !== null && !(key in entry.launch.env) && /^[A-Za-z_][\w-]{0,100}$/.test(key)) {
      entry.launch.env[key] = value
      lines.set(`env.${key}`, lineOf(node))
    } else {
      lines.set(`args.${entry.launch.args.length}`, lineOf(node))
      entry.launch.args.push(value)
    }
    return false
  })
  if (count === 0) return []
  let secrets: Awaited<ReturnType<typeof findLiteralSecrets>>
  try {
    secrets = await findLiteralSecrets(entry)
  } catch {
    return []
  }
  return secrets.map((secret) => {
    const name = secret.field.startsWith('env.') ? `${secret.field.slice(4)} = ` : ''
    return findingOf(S.hardcodedSecret, {
      file,
      line: lines.get(secret.field),
      snippet: `${secret.kind}: ${name}${secret.masked}`
    })
  })
}

/** The name a literal is stored under: assignment target, keyword, or dictionary key. */
function keyOf(node: Node): string | null {
  const parent = node.parent
  if (!parent) return null
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
    const left = parent.childForFieldName('left')
    if (left?.type === 'identifier') return left.text
    if (left?.type === 'attribute') return left.childForFieldName('attribute')?.text ?? null
  }
  if (parent.type === 'keyword_argument' && parent.childForFieldName('value')?.id === node.id) {
    return parent.childForFieldName('name')?.text ?? null
  }
  if (parent.type === 'pair' && parent.childForFieldName('value')?.id === node.id) {
    return stringValue(parent.childForFieldName('key'))
  }
  return null
}

/** A module, class or function docstring (first statement of its body, PEP 257). */
function isDocstring(node: Node): boolean {
  const statement = node.parent
  if (statement?.type !== 'expression_statement') return false
  const block = statement.parent
  if (!block || (block.type !== 'block' && block.type !== 'module')) return false
  const first = named(block).find((c) => c.type !== 'comment')
  return first?.id === statement.id
}
