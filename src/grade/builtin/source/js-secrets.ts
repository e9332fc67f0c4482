/**
 * The credential rules of the JavaScript source analysis:
 * - `source.secret-logged` (CWE-532): a value read from a credential-named environment variable
 *   (`process.env.X`, X matching {@link SECRET_ENV_NAME}) or from an `Authorization` header
 *   reaches `console.*`, a logger (`logger.*`, `log.*`, `*Logger.*`), `process.stdout/stderr.write`
 *   or an error message (`new …Error(…)`) in the same function. Names assigned from such a value
 *   at the top level of the file count in every function; inside a function, in it and the
 *   functions nested in it. Propagation is `js-taint.ts`'s `carries` (so `x.length`, `!!x`,
 *   `x ? 'set' : 'unset'` and masking calls do not carry the secret).
 * - `source.hardcoded-secret` (CWE-798): string literals and template chunks of 16+ characters
 *   that look token-like are handed to the project's secret detector (`findLiteralSecrets` in
 *   `src/config/secrets.ts`: secretlint's recommended rules plus this project's vendor-token,
 *   URL-password, `KEY=value` and header rules; placeholders such as `your-api-key`, `xxx`,
 *   `<token>`, `sk-...` are not secrets there).
 */
import type { Node } from 'estree'
import { findLiteralSecrets } from '../../../config/secrets.js'
import type { ServerEntry } from '../../../config/types.js'
import { dottedPath, lineOf, patternNames, propertyName, stringValue, unwrap } from './js-ast.js'
import type { ModuleBindings } from './js-bindings.js'
import { carries, type TaintQuery } from './js-taint.js'

/** Environment variable names that hold credentials (issue 4 point 2, CWE-532). */
export const SECRET_ENV_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIAL|AUTH/i

/** Names matching {@link SECRET_ENV_NAME} that still hold no secret (`GIT_AUTHOR_NAME`, `AUTH_URL`). */
const NOT_SECRET_ENV_NAME =
  /AUTHOR|(?:_|^)(?:URL|URI|ID|NAME|FILE|PATH|HOST|PORT|TYPE|MODE|ENABLED|HEADER|ENDPOINT|SERVER|DOMAIN|METHOD|SCOPE|SCOPES|PROVIDER|EXPIRY|TTL|TIMEOUT)$/i

/** Shortest literal handed to the secret detector, in characters. */
export const MIN_SECRET_LITERAL = 16

/** Most literals handed to the secret detector per package. */
export const MAX_SECRET_CANDIDATES = 2000

/** Longest literal handed to the secret detector, in characters (the rest is cut). */
const MAX_CANDIDATE_CHARS = 8192

/** A token-like run, a private key block, or a URL with a password. */
const CANDIDATE_SHAPE =
  /(?=[A-Za-z0-9_+/=.-]{16,})(?=[^\s]*\d)[A-Za-z0-9_+/=.-]{16,}|PRIVATE KEY|:\/\/[^\s/:@]+:[^\s/@]+@/

/** True for a credential-reading expression (see the module doc). */
export function isSecretSource(node: Node): boolean {
  const n = unwrap(node)
  if (n.type === 'MemberExpression') {
    const name = propertyName(n)
    if (name === null) return false
    const object = dottedPath(n.object)
    if (object?.length === 2 && object[0] === 'process' && object[1] === 'env') {
      return isSecretEnvName(name)
    }
    if (/^(?:proxy-)?authorization$/i.test(name)) {
      const owner = unwrap(n.object)
      const ownerName = owner.type === 'MemberExpression' ? propertyName(owner) : null
      return owner.type === 'Identifier'
        ? /headers?$/i.test(owner.name)
        : /headers?$/i.test(ownerName ?? '')
    }
    return false
  }
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression') {
    const method = propertyName(n.callee)
    const arg = stringValue(n.arguments[0])
    return (
      (method === 'get' || method === 'header' || method === 'getHeader') &&
      arg !== null &&
      /^(?:proxy-)?authorization$/i.test(arg)
    )
  }
  return false
}

/** True for an environment variable name that holds a credential. */
export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV_NAME.test(name) && !NOT_SECRET_ENV_NAME.test(name)
}

/**
 * Follows credential values through one file during its walk (`enterFunction`/`leaveFunction`
 * around function nodes, `observe` on every node) and reports the log and error calls they reach.
 */
export class SecretFlow {
  private readonly scopes: Array<Set<string>> = [new Set()]
  private readonly query: TaintQuery

  constructor(bindings: ModuleBindings) {
    this.query = {
      bindings,
      isName: (name) => this.scopes.some((s) => s.has(name)),
      isSource: isSecretSource
    }
  }

  /** Call when the walk enters a function. */
  enterFunction(): void {
    this.scopes.push(new Set())
  }

  /** Call when the walk leaves a function. */
  leaveFunction(): void {
    if (this.scopes.length > 1) this.scopes.pop()
  }

  /** Record assignments of credentials; true when `node` logs or throws one. */
  observe(node: Node): boolean {
    const scope = this.scopes[this.scopes.length - 1] as Set<string>
    if (node.type === 'VariableDeclarator' && node.init) {
      const init = unwrap(node.init)
      const path = dottedPath(init)
      if (node.id.type === 'ObjectPattern' && path?.join('.') === 'process.env') {
        for (const p of node.id.properties) {
          if (p.type !== 'Property') continue
          const key = p.key.type === 'Identifier' ? p.key.name : stringValue(p.key)
          if (key !== null && isSecretEnvName(key)) {
            for (const name of patternNames(p.value)) scope.add(name)
          }
        }
      } else if (carries(init, this.query)) {
        for (const name of patternNames(node.id)) scope.add(name)
      }
      return false
    }
    if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier') {
      if (carries(node.right, this.query)) scope.add(node.left.name)
      return false
    }
    if (node.type === 'NewExpression') {
      const callee = unwrap(node.callee)
      const name = callee.type === 'Identifier' ? callee.name : null
      return name !== null && /Error$/.test(name) && this.anyCarries(node.arguments)
    }
    if (node.type !== 'CallExpression') return false
    const path = this.query.bindings.qualify(node.callee)
    if (!path || path.length < 2) return false
    const receiver = path[path.length - 2] as string
    const method = path[path.length - 1] as string
    const logs =
      (receiver === 'console' &&
        ['log', 'info', 'warn', 'error', 'debug', 'trace'].includes(method)) ||
      /^(?:logger|log|winston|pino)$/i.test(receiver) ||
      /Logger$/.test(receiver) ||
      (path.length === 3 &&
        path[0] === 'process' &&
        (receiver === 'stderr' || receiver === 'stdout') &&
        method === 'write')
    return logs && this.anyCarries(node.arguments)
  }

  private anyCarries(args: Node[]): boolean {
    return args.some((a) => carries(a, this.query))
  }
}

/** A string literal or template chunk worth asking the secret detector about. */
export interface SecretCandidate {
  file: string
  line: number
  column: number
  text: string
}

/** The literal text of `node` if it is a candidate (see `CANDIDATE_SHAPE`), else null. */
export function secretCandidateOf(node: Node): { text: string; line: number; column: number }[] {
  const out: { text: string; line: number; column: number }[] = []
  const consider = (text: string, at: Node): void => {
    if (text.length >= MIN_SECRET_LITERAL && CANDIDATE_SHAPE.test(text)) {
      out.push({
        text: text.slice(0, MAX_CANDIDATE_CHARS),
        line: lineOf(at),
        column: at.loc?.start.column ?? 0
      })
    }
  }
  if (node.type === 'Literal' && typeof node.value === 'string') consider(node.value, node)
  else if (node.type === 'TemplateLiteral') {
    for (const q of node.quasis) consider(q.value.cooked ?? q.value.raw, q)
  }
  return out
}

/**
 * The candidates the project's secret detector recognises as credentials, with the kind it
 * reported (e.g. "GitHub token"). Never rejects (a detector failure finds nothing).
 */
export async function detectHardcodedSecrets(
  candidates: readonly SecretCandidate[]
): Promise<Array<SecretCandidate & { kind: string }>> {
  if (candidates.length === 0) return []
  const list = candidates.slice(0, MAX_SECRET_CANDIDATES)
  const entry: ServerEntry = {
    config: 'package-source',
    format: 'generic',
    name: 'package-source',
    location: { line: 1, column: 1 },
    launch: { args: list.map((c) => c.text), env: {}, headers: {} },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: []
  }
  try {
    const found = await findLiteralSecrets(entry)
    const out: Array<SecretCandidate & { kind: string }> = []
    const seen = new Set<number>()
    for (const secret of found) {
      const m = /^args\.(\d+)$/.exec(secret.field)
      const i = m ? Number(m[1]) : -1
      const candidate = list[i]
      if (!candidate || seen.has(i)) continue
      seen.add(i)
      out.push({ ...candidate, kind: secret.kind })
    }
    return out
  } catch {
    return []
  }
}
