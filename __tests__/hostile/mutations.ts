/**
 * Mutations of real MCP configs for the hostile-input fuzz suites (issue 6, scope 1).
 *
 * Seeds are the vendored corpus (`__tests__/corpus.ts`: 176 real config files and MANIFEST.tsv,
 * SPEC §3), plus the same server maps written as Codex TOML. A mutation is plain data (so
 * fast-check prints a counterexample that can be replayed) applied by `applyJsonPlan` /
 * `applyTomlPlan`:
 * - structural, on a JSON tree that keeps duplicate keys and key order: a wrong type for any
 *   value, `__proto__`/`constructor`/`prototype` members, duplicate members, 1 MiB strings,
 *   odd Unicode in strings and keys (lone surrogates, bidi controls, zero-width, NUL), 10 000
 *   levels of nesting;
 * - textual: truncation, inserted characters (NUL, odd Unicode), CRLF or lone-CR line ends, a BOM;
 * - TOML snippets: deep dotted keys and headers, deep inline values, duplicate tables,
 *   `__proto__` tables, wrong types, huge strings.
 * `encodeText` writes a text as UTF-8, UTF-8 with BOM, or UTF-16LE/BE with BOM (what Windows
 * editors save), for `readConfig`; `adversarialFiles` are hand-made hostile documents of about
 * 1 MiB; `mutateLaunch` changes a parsed entry's launch (wrappers, odd Unicode, 1 MiB arguments,
 * launcher-changing variables, url/type clashes, shell syntax, a fake token) for the resolver.
 *
 * Every property using these is seeded with {@link FUZZ_SEED} (fast-check prints the seed and
 * path of a failure; rerun with them to reproduce).
 */
import fc from 'fast-check'
import { parse as parseJsoncValue, parseTree } from 'jsonc-parser'
import type { Node, ParseError } from 'jsonc-parser'
import { stringify as stringifyToml } from 'smol-toml'
import type { RawLaunch } from '../../src/config/types.js'
import { CORPUS_DIR, loadCorpus } from '../corpus.js'

/** The fixed fast-check seed of every fuzz property (printed by fast-check on failure). */
export const FUZZ_SEED = 20_261_121

/** 1 MiB, the size of the "huge string" mutations (and of `DEFAULT_MAX_CONFIG_BYTES`). */
export const MIB = 1024 * 1024

/** Nesting depth of the "deep nesting" mutations (issue 6: 10k levels). */
export const DEEP_LEVELS = 10_000

/** A config file of the corpus: its flattened file name, logical path in its repo, and text. */
export interface CorpusFile {
  file: string
  /** The path in its repository (MANIFEST.tsv `path`): what format detection sees. */
  path: string
  text: string
}

/** Every corpus file, sorted by file name, with its logical path from MANIFEST.tsv. */
export const CORPUS: readonly CorpusFile[] = loadCorpus(CORPUS_DIR).files.map((f) => ({
  file: f.file,
  path: f.logicalPath,
  text: f.text
}))

// ---------------------------------------------------------------------------------------------
// A JSON tree that keeps what JSON.parse loses (duplicate keys, `__proto__`, raw number text)

/** A JSON value as written: members in order, duplicates kept, literals as their source text. */
export type JsonTree =
  | { kind: 'object'; members: JsonMember[] }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'string'; value: string }
  /** A number, `true`, `false`, `null`, or prebuilt text spliced in as is (deep nesting). */
  | { kind: 'literal'; text: string }

/** One `"key": value` member of a {@link JsonTree} object. */
export interface JsonMember {
  key: string
  value: JsonTree
}

/**
 * The tree of a JSONC document (comments and trailing commas allowed), or undefined when the
 * text has a syntax error or no value. Comments are dropped.
 */
export function jsonTreeOf(text: string): JsonTree | undefined {
  const errors: ParseError[] = []
  const root = parseTree(text.replace(/^\uFEFF/, ''), errors, {
    allowTrailingComma: true,
    allowEmptyContent: true
  })
  if (errors.length > 0 || root === undefined) return undefined
  const source = text.replace(/^\uFEFF/, '')
  const convert = (node: Node): JsonTree => {
    switch (node.type) {
      case 'object':
        return {
          kind: 'object',
          members: (node.children ?? []).flatMap((member) => {
            const [key, value] = member.children ?? []
            return key === undefined || value === undefined
              ? []
              : [{ key: String(key.value), value: convert(value) }]
          })
        }
      case 'array':
        return { kind: 'array', items: (node.children ?? []).map(convert) }
      case 'string':
        return { kind: 'string', value: String(node.value) }
      default:
        return { kind: 'literal', text: source.slice(node.offset, node.offset + node.length) }
    }
  }
  return convert(root)
}

/** How {@link printJson} writes a tree. */
export interface JsonStyle {
  /** Indentation per level; 0 writes everything on one line. */
  indent: 0 | 2 | 4
  /**
   * True: non-ASCII characters (lone surrogates included) are written raw; false: as `\uXXXX`
   * escapes. Control characters below U+0020 are always escaped, as JSON requires.
   */
  rawUnicode: boolean
}

/** Characters a JSON string must escape, and those `rawUnicode: false` escapes too. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const MUST_ESCAPE = /["\\\u0000-\u001f]/g
// eslint-disable-next-line no-control-regex -- control characters are what JSON must escape
const ESCAPE_NON_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/g

/** A JSON string literal for `value` (see {@link JsonStyle.rawUnicode}). */
export function jsonString(value: string, rawUnicode: boolean): string {
  const escaped = value.replace(rawUnicode ? MUST_ESCAPE : ESCAPE_NON_ASCII, (ch) =>
    ch === '"' || ch === '\\' ? `\\${ch}` : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return `"${escaped}"`
}

/** The text of a tree (LF line ends; see {@link JsonStyle}). */
export function printJson(tree: JsonTree, style: JsonStyle, depth = 0): string {
  const pad = (d: number) => (style.indent === 0 ? '' : `\n${' '.repeat(style.indent * d)}`)
  switch (tree.kind) {
    case 'string':
      return jsonString(tree.value, style.rawUnicode)
    case 'literal':
      return tree.text
    case 'array':
      if (tree.items.length === 0) return '[]'
      return `[${tree.items.map((item) => pad(depth + 1) + printJson(item, style, depth + 1)).join(',')}${pad(depth)}]`
    case 'object':
      if (tree.members.length === 0) return '{}'
      return `{${tree.members
        .map(
          (m) =>
            `${pad(depth + 1)}${jsonString(m.key, style.rawUnicode)}:${style.indent === 0 ? '' : ' '}${printJson(m.value, style, depth + 1)}`
        )
        .join(',')}${pad(depth)}}`
  }
}

/** Every node of a tree in document order (the root first), with the object holding it. */
function nodesOf(tree: JsonTree): JsonTree[] {
  const nodes: JsonTree[] = []
  const stack: JsonTree[] = [tree]
  while (stack.length > 0) {
    const node = stack.pop()!
    nodes.push(node)
    if (node.kind === 'object') stack.push(...node.members.map((m) => m.value).reverse())
    if (node.kind === 'array') stack.push(...[...node.items].reverse())
  }
  return nodes
}

// ---------------------------------------------------------------------------------------------
// Odd characters and huge strings

/**
 * Characters that trip up text handling: NUL, lone surrogates (both halves), bidi overrides and
 * isolates (Trojan Source), zero-width characters, a BOM in the middle, line/paragraph
 * separators, other C0/C1 controls, a private-use character, an astral emoji, a combining mark.
 */
export const ODD_CHARACTERS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2069',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u001b',
  '\u007f',
  '\ue000',
  '\ud83d\ude00',
  '\u0301'
] as const

/** Short runs of odd characters (1–4 of {@link ODD_CHARACTERS}). */
export const oddText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...ODD_CHARACTERS), { minLength: 1, maxLength: 4 })
  .map((chars) => chars.join(''))

/**
 * The content of the 1 MiB strings: plain letters, a token shape (a fake GitHub token's prefix
 * repeated: what a secret detector looks at), shell-looking words, path separators, JSON
 * punctuation (escaped when written as JSON), odd characters.
 */
export const HUGE_PATTERNS = {
  letters: 'x',
  token: ['gh', 'p_', 'Zq3xV9mP2kL8wN4rT6yB1cD5eF7gH0jK2'].join(''),
  shell: 'npx -y "a b" && ',
  path: '../',
  punctuation: '{"[,]:}\\',
  odd: ODD_CHARACTERS.join('')
} as const
export type HugePattern = keyof typeof HUGE_PATTERNS

/** `pattern` repeated to `length` UTF-16 code units (built by doubling, so fast). */
export function hugeString(pattern: HugePattern, length = MIB): string {
  const unit = HUGE_PATTERNS[pattern]
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length)
}

/** A marker placed in values: no message or note may echo it (values may be secrets). */
export const CANARY = 'canary-Vq7Jx2Lp9Rz4Tw6Ky1'

// ---------------------------------------------------------------------------------------------
// Structural mutations (on a JsonTree)

/** Wrong-typed replacements for a value. */
export const WRONG_VALUES = {
  number: '42',
  huge: '1e400',
  negative: '-0',
  true: 'true',
  false: 'false',
  null: 'null',
  'empty-array': '[]',
  'empty-object': '{}',
  string: JSON.stringify(CANARY),
  mixed: `[1, null, {}, [], true, ${JSON.stringify(CANARY)}]`,
  nested: `{"${CANARY}": {"command": 7, "args": {"0": "x"}}}`
} as const
export type WrongValue = keyof typeof WRONG_VALUES

/** Keys that name `Object.prototype` members or reach it. */
export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__'
] as const

/** What a `prototype-key` mutation writes as the member's value. */
export const PROTOTYPE_VALUES = {
  /** Would pollute `Object.prototype` if a reader assigned it naively. */
  polluter: '{"polluted": "yes", "command": "npx", "args": ["-y", "evil"]}',
  server: '{"command": "npx", "args": ["-y", "proto-server@1.0.0"], "env": {"__proto__": "x"}}',
  string: '"polluted"',
  array: '["polluted"]',
  null: 'null'
} as const
export type PrototypeValue = keyof typeof PROTOTYPE_VALUES

/** One change to a JSON tree; `at` picks a node (or object) modulo how many there are. */
export type TreeMutation =
  | { kind: 'wrong-type'; at: number; value: WrongValue }
  | { kind: 'prototype-key'; at: number; key: string; value: PrototypeValue }
  | { kind: 'duplicate-key'; at: number; member: number; before: boolean; value?: WrongValue }
  | { kind: 'huge-string'; at: number; pattern: HugePattern; inKey: boolean }
  | { kind: 'odd-unicode'; at: number; where: number; chars: string; inKey: boolean }
  | { kind: 'deep-nesting'; at: number; levels: number; shape: 'array' | 'object'; closed: boolean }

const position = fc.nat({ max: 1_000_000 })

/** Arbitrary {@link TreeMutation}s (`deepLevels`: nesting depth of `deep-nesting`). */
export function treeMutation(deepLevels = DEEP_LEVELS): fc.Arbitrary<TreeMutation> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('wrong-type' as const),
      at: position,
      value: fc.constantFrom(...(Object.keys(WRONG_VALUES) as WrongValue[]))
    }),
    fc.record({
      kind: fc.constant('prototype-key' as const),
      at: position,
      key: fc.constantFrom(...PROTOTYPE_KEYS),
      value: fc.constantFrom(...(Object.keys(PROTOTYPE_VALUES) as PrototypeValue[]))
    }),
    fc.record(
      {
        kind: fc.constant('duplicate-key' as const),
        at: position,
        member: position,
        before: fc.boolean(),
        value: fc.constantFrom(...(Object.keys(WRONG_VALUES) as WrongValue[]))
      },
      { requiredKeys: ['kind', 'at', 'member', 'before'] }
    ),
    fc.record({
      kind: fc.constant('huge-string' as const),
      at: position,
      pattern: fc.constantFrom(...(Object.keys(HUGE_PATTERNS) as HugePattern[])),
      inKey: fc.boolean()
    }),
    fc.record({
      kind: fc.constant('odd-unicode' as const),
      at: position,
      where: position,
      chars: oddText,
      inKey: fc.boolean()
    }),
    fc.record({
      kind: fc.constant('deep-nesting' as const),
      at: position,
      levels: fc.constant(deepLevels),
      shape: fc.constantFrom('array' as const, 'object' as const),
      closed: fc.boolean()
    })
  )
}

/** The deep-nesting text: `levels` arrays or objects around `null`, closed or not. */
export function deepNesting(levels: number, shape: 'array' | 'object', closed = true): string {
  const open = shape === 'array' ? '[' : '{"a":'
  const close = shape === 'array' ? ']' : '}'
  return open.repeat(levels) + 'null' + (closed ? close.repeat(levels) : '')
}

/** Applies one mutation to `tree` in place (the tree must be a private copy). */
export function mutateTree(tree: JsonTree, mutation: TreeMutation): void {
  const nodes = nodesOf(tree)
  const objects = nodes.filter((n) => n.kind === 'object')
  const node = nodes[mutation.at % nodes.length]!
  const replace = (target: JsonTree, by: JsonTree): void => {
    for (const key of Object.keys(target))
      delete (target as unknown as Record<string, unknown>)[key]
    Object.assign(target, by)
  }
  switch (mutation.kind) {
    case 'wrong-type':
      replace(node, { kind: 'literal', text: WRONG_VALUES[mutation.value] })
      return
    case 'prototype-key': {
      const object = objects[mutation.at % Math.max(objects.length, 1)]
      if (object?.kind !== 'object') return
      const at = mutation.at % (object.members.length + 1)
      object.members.splice(at, 0, {
        key: mutation.key,
        value: { kind: 'literal', text: PROTOTYPE_VALUES[mutation.value] }
      })
      return
    }
    case 'duplicate-key': {
      const object = objects[mutation.at % Math.max(objects.length, 1)]
      if (object?.kind !== 'object' || object.members.length === 0) return
      const index = mutation.member % object.members.length
      const original = object.members[index]!
      const copy: JsonMember = {
        key: original.key,
        value:
          mutation.value === undefined
            ? original.value
            : { kind: 'literal', text: WRONG_VALUES[mutation.value] }
      }
      object.members.splice(mutation.before ? index : index + 1, 0, copy)
      return
    }
    case 'huge-string': {
      const text = hugeString(mutation.pattern)
      const object = objects[mutation.at % Math.max(objects.length, 1)]
      if (mutation.inKey && object?.kind === 'object' && object.members.length > 0) {
        object.members[mutation.at % object.members.length]!.key = text
      } else {
        replace(node, { kind: 'string', value: text })
      }
      return
    }
    case 'odd-unicode': {
      const insert = (s: string) => {
        const at = mutation.where % (s.length + 1)
        return s.slice(0, at) + mutation.chars + s.slice(at)
      }
      const object = objects[mutation.at % Math.max(objects.length, 1)]
      if (mutation.inKey && object?.kind === 'object' && object.members.length > 0) {
        const member = object.members[mutation.at % object.members.length]!
        member.key = insert(member.key)
      } else if (node.kind === 'string') {
        node.value = insert(node.value)
      } else {
        replace(node, { kind: 'string', value: insert(CANARY) })
      }
      return
    }
    case 'deep-nesting':
      replace(node, {
        kind: 'literal',
        text: deepNesting(mutation.levels, mutation.shape, mutation.closed)
      })
      return
  }
}

// ---------------------------------------------------------------------------------------------
// Text mutations

/** One change to a document's text; positions are millionths of its length. */
export type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; chars: string }
  | { kind: 'line-ends'; eol: '\r\n' | '\r' }
  | { kind: 'bom' }

/** Arbitrary {@link TextMutation}s. */
export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    chars: fc.oneof(oddText, fc.constantFrom('\u0000', '\u0000\u0000', '"', '{', '\\', '/*'))
  }),
  fc.record({
    kind: fc.constant('line-ends' as const),
    eol: fc.constantFrom('\r\n' as const, '\r' as const)
  }),
  fc.constant({ kind: 'bom' as const })
)

/** `text` with one {@link TextMutation} applied. */
export function mutateText(text: string, mutation: TextMutation): string {
  const at = (fraction: number) => Math.floor((text.length * fraction) / 1_000_001)
  switch (mutation.kind) {
    case 'truncate':
      return text.slice(0, at(mutation.at))
    case 'insert': {
      const i = at(mutation.at)
      return text.slice(0, i) + mutation.chars + text.slice(i)
    }
    case 'line-ends':
      return text.replace(/\r\n|\r|\n/g, mutation.eol)
    case 'bom':
      return `\ufeff${text}`
  }
}

// ---------------------------------------------------------------------------------------------
// Plans: which corpus file, which mutations

/** A mutated JSON(C) corpus file: which seed, how it is printed, what is changed. */
export interface JsonPlan {
  /** Index into {@link CORPUS} (modulo its length). */
  seed: number
  style: JsonStyle
  tree: TreeMutation[]
  text: TextMutation[]
}

/** Arbitrary {@link JsonPlan}s with up to `maxTree` structural and `maxText` text mutations. */
export function jsonPlan(
  options: { maxTree?: number; maxText?: number; deepLevels?: number } = {}
): fc.Arbitrary<JsonPlan> {
  return fc.record({
    seed: fc.nat(),
    style: fc.record({
      indent: fc.constantFrom(0 as const, 2 as const, 4 as const),
      rawUnicode: fc.boolean()
    }),
    tree: fc.array(treeMutation(options.deepLevels), { maxLength: options.maxTree ?? 3 }),
    text: fc.array(textMutation, { maxLength: options.maxText ?? 2 })
  })
}

/** A mutated document: the logical path it is parsed under and its text. */
export interface MutatedFile {
  path: string
  text: string
  /** The corpus file it came from. */
  from: string
}

/**
 * The document a plan describes: the seed's tree (when it parses) mutated and printed, then the
 * text mutations. A seed that is not valid JSONC gets the text mutations only.
 */
export function applyJsonPlan(plan: JsonPlan): MutatedFile {
  const seed = CORPUS[plan.seed % CORPUS.length]!
  const tree = jsonTreeOf(seed.text)
  let text = seed.text
  if (tree !== undefined) {
    for (const mutation of plan.tree) mutateTree(tree, mutation)
    text = printJson(tree, plan.style)
  }
  for (const mutation of plan.text) text = mutateText(text, mutation)
  return { path: seed.path, text, from: seed.file }
}

// ---------------------------------------------------------------------------------------------
// Codex TOML seeds and mutations

/**
 * The corpus's `mcpServers` maps written as Codex `config.toml` (`[mcp_servers.<name>]`) by
 * smol-toml's `stringify`: the corpus has no TOML, and Codex is a supported client (SPEC §3).
 * Maps smol-toml cannot write (nulls) are left out.
 */
export const TOML_SEEDS: readonly CorpusFile[] = CORPUS.flatMap((file) => {
  const value: unknown = parseJsoncValue(file.text, [], { allowTrailingComma: true })
  if (typeof value !== 'object' || value === null || !('mcpServers' in value)) return []
  try {
    const text = stringifyToml({ mcp_servers: value.mcpServers })
    return [{ file: file.file, path: '.codex/config.toml', text }]
  } catch {
    return []
  }
})

/** TOML text that is hostile to a reader (see the module doc); `levels` for the deep ones. */
export function tomlSnippet(kind: TomlSnippet, levels = DEEP_LEVELS): string {
  switch (kind) {
    case 'deep-header':
      return `\n[${Array.from({ length: levels }, () => 'a').join('.')}]\nx = 1\n`
    case 'deep-dotted-key':
      return `\n${Array.from({ length: levels }, () => 'b').join('.')} = 1\n`
    case 'deep-array':
      return `\ndeep = ${'['.repeat(levels)}1${']'.repeat(levels)}\n`
    case 'deep-inline-table':
      return `\ndeep = ${'{a='.repeat(levels)}1${'}'.repeat(levels)}\n`
    case 'duplicate-table':
      return '\n[mcp_servers.dup]\ncommand = "npx"\n[mcp_servers.dup]\ncommand = "uvx"\n'
    case 'proto-table':
      return '\n[mcp_servers.__proto__]\ncommand = "npx"\nargs = ["-y", "evil"]\npolluted = "yes"\n[mcp_servers.constructor.env]\n__proto__ = "x"\n'
    case 'wrong-types':
      return '\n[mcp_servers.wrong]\ncommand = 1\nargs = "x"\nenv = [1, 2]\nheaders = true\nurl = 2024-01-01T00:00:00Z\ndisabled = "no"\n'
    case 'huge-string':
      return `\n[mcp_servers.huge]\ncommand = "npx"\nargs = ["${hugeString('letters')}"]\n`
    case 'huge-multiline':
      return `\n[mcp_servers.huge]\ncommand = """${hugeString('shell')}`
    case 'odd-key':
      return `\n[mcp_servers."${ODD_CHARACTERS.filter((c) => c !== '\u0000' && c >= ' ').join('')}"]\ncommand = "npx"\n`
  }
}

/** The kinds of {@link tomlSnippet}. */
export const TOML_SNIPPETS = [
  'deep-header',
  'deep-dotted-key',
  'deep-array',
  'deep-inline-table',
  'duplicate-table',
  'proto-table',
  'wrong-types',
  'huge-string',
  'huge-multiline',
  'odd-key'
] as const
export type TomlSnippet = (typeof TOML_SNIPPETS)[number]

/** A mutated Codex TOML seed: snippets appended, then text mutations. */
export interface TomlPlan {
  /** Index into {@link TOML_SEEDS} (modulo its length). */
  seed: number
  snippets: TomlSnippet[]
  text: TextMutation[]
}

/** Arbitrary {@link TomlPlan}s. */
export const tomlPlan: fc.Arbitrary<TomlPlan> = fc.record({
  seed: fc.nat(),
  snippets: fc.array(fc.constantFrom(...TOML_SNIPPETS), { maxLength: 2 }),
  text: fc.array(textMutation, { maxLength: 2 })
})

/** The document a {@link TomlPlan} describes. */
export function applyTomlPlan(plan: TomlPlan): MutatedFile {
  const seed = TOML_SEEDS[plan.seed % TOML_SEEDS.length]!
  let text = seed.text + plan.snippets.map((s) => tomlSnippet(s)).join('')
  for (const mutation of plan.text) text = mutateText(text, mutation)
  return { path: seed.path, text, from: seed.file }
}

// ---------------------------------------------------------------------------------------------
// Encodings

/** How a config file's bytes are written (SPEC §3 readers decode all four). */
export const ENCODINGS = ['utf8', 'utf8-bom', 'utf16le-bom', 'utf16be-bom'] as const
export type Encoding = (typeof ENCODINGS)[number]

/**
 * `text` as bytes. UTF-16 keeps every code unit, lone surrogates included; UTF-8 cannot hold a
 * lone surrogate (Node writes U+FFFD for it, see {@link wellFormed}).
 */
export function encodeText(text: string, encoding: Encoding): Uint8Array {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8')
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    case 'utf16be-bom': {
      const bytes = Buffer.from(text, 'utf16le')
      bytes.swap16()
      return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes])
    }
  }
}

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 round trip leaves it. */
export function wellFormed(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd'
  )
}

// ---------------------------------------------------------------------------------------------
// Whole adversarial files of about 1 MiB

/** A hand-made hostile document of about 1 MiB (UTF-8 bytes at most `MIB`). */
export interface AdversarialFile {
  label: string
  path: string
  text: string
  /** What reading it must give: an error, or this many servers. */
  expected: 'error' | number
}

/**
 * Hostile documents of about 1 MiB each (never more, so `readConfig` reads them), JSON and TOML:
 * nesting as deep as the size allows, one huge string, 20 000 servers, duplicate and
 * `__proto__` keys by the thousand, an unterminated comment or string, a 1 MiB number, escapes.
 */
export function adversarialFiles(): AdversarialFile[] {
  const fit = (label: string, text: string) => {
    const bytes = Buffer.byteLength(text, 'utf8')
    if (bytes > MIB) throw new Error(`adversarial file "${label}" is ${bytes} bytes, over 1 MiB`)
    return text
  }
  const servers = (count: number, make: (i: number) => string) =>
    `{"mcpServers": {${Array.from({ length: count }, (_, i) => make(i)).join(',')}}}`
  const json = (label: string, expected: 'error' | number, text: string): AdversarialFile => ({
    label,
    path: '.mcp.json',
    text: fit(label, text),
    expected
  })
  const toml = (label: string, expected: 'error' | number, text: string): AdversarialFile => ({
    label: `${label} (TOML)`,
    path: '.codex/config.toml',
    text: fit(label, text),
    expected
  })
  const around = (inner: string) => `{"mcpServers": {"s": {"command": "npx", "args": [${inner}]}}}`
  return [
    json('1 MiB of [', 'error', '['.repeat(MIB)),
    json('nested arrays, closed', 'error', deepNesting(MIB / 2 - 4, 'array')),
    json(
      'nested objects, unclosed',
      'error',
      deepNesting(Math.floor(MIB / 5) - 4, 'object', false)
    ),
    json('a 1 MiB argument', 1, around(JSON.stringify(hugeString('letters', MIB - 100)))),
    json(
      'a 1 MiB token-shaped env value',
      1,
      `{"mcpServers": {"s": {"command": "npx", "env": {"T": "${hugeString('token', MIB - 100)}"}}}}`
    ),
    json(
      'a 1 MiB shell command',
      1,
      `{"mcpServers": {"s": {"command": ${JSON.stringify(hugeString('shell', 880_000))}}}}`
    ),
    json(
      'a 1 MiB server name',
      1,
      `{"mcpServers": {"${hugeString('letters', MIB - 100)}": {"command": "npx"}}}`
    ),
    json(
      '20 000 servers',
      20_000,
      servers(20_000, (i) => `"s${i}":{"command":"npx","args":["-y","p${i}@1"]}`)
    ),
    json(
      '30 000 duplicate server names',
      1,
      servers(30_000, () => '"dup":{"command":"npx"}')
    ),
    json(
      '25 000 __proto__ members',
      1,
      servers(25_000, (i) => `"__proto__":{"command":"x${i}"}`)
    ),
    json(
      '40 000 env keys',
      1,
      `{"mcpServers": {"s": {"command": "npx", "env": {${Array.from({ length: 40_000 }, (_, i) => `"K${i}":"v"`).join(',')}}}}}`
    ),
    json('100 000 args', 1, around(Array.from({ length: 100_000 }, () => '"a"').join(','))),
    json('an unterminated block comment', 'error', `{"mcpServers": {} /*${' '.repeat(MIB - 100)}`),
    json(
      'an unterminated string',
      'error',
      `{"mcpServers": {"s": {"command": "${'x'.repeat(MIB - 100)}`
    ),
    json('a 1 MiB number', 1, `{"mcpServers": {"s": {"command": ${'9'.repeat(MIB - 100)}}}}`),
    json('100 000 \\u0000 escapes', 1, around(`"${'\\u0000'.repeat(100_000)}"`)),
    json('lone surrogates by the 100 000', 1, around(`"${'\\ud800'.repeat(100_000)}"`)),
    json('NUL bytes', 'error', '\u0000'.repeat(MIB)),
    json('line breaks only', 0, '\r\n'.repeat(MIB / 2)),
    json('bidi overrides outside strings', 'error', '\u202e'.repeat(MIB / 3)),
    toml(
      'a dotted header of 300 000 keys',
      'error',
      `[${Array.from({ length: 300_000 }, () => 'a').join('.')}]\n`
    ),
    toml(
      'a dotted key of 300 000 keys',
      'error',
      `${Array.from({ length: 300_000 }, () => 'b').join('.')} = 1\n`
    ),
    toml('deep inline arrays', 'error', `x = ${'['.repeat(MIB / 2 - 10)}`),
    toml(
      '20 000 server tables',
      20_000,
      Array.from({ length: 20_000 }, (_, i) => `[mcp_servers.s${i}]\ncommand = "npx"\n`).join('')
    ),
    toml(
      'an unterminated multi-line string',
      'error',
      `[mcp_servers.s]\ncommand = """${'x'.repeat(MIB - 100)}`
    ),
    toml(
      'a 1 MiB argument',
      1,
      `[mcp_servers.s]\ncommand = "npx"\nargs = ["${hugeString('letters', MIB - 100)}"]\n`
    )
  ]
}

// ---------------------------------------------------------------------------------------------
// Launch mutations (on a parsed ServerEntry)

/**
 * A fake GitHub token of the real shape (`ghp_` + 36 alphanumerics), assembled at run time so
 * the source holds no token-shaped literal.
 */
export const FAKE_TOKEN = ['gh', 'p_', 'Zq3xV9mP2kL8wN4rT6yB1cD5eF7gH0jK2aBcD'].join('')

/** Wrappers SPEC §4 unwraps, and the whole command line written into `command`. */
export const WRAPPERS = [
  'bash -c',
  'sh -c',
  'cmd /c',
  'wsl',
  'mise exec --',
  'env',
  'whole-command'
] as const
export type Wrapper = (typeof WRAPPERS)[number]

/** Environment variables that change what a launcher runs, and prototype names. */
export const LAUNCH_ENV_KEYS = [
  '__proto__',
  'constructor',
  'NPM_CONFIG_REGISTRY',
  'npm_config_registry',
  'PATH',
  'NODE_OPTIONS',
  'UV_INDEX_URL',
  'PIP_INDEX_URL',
  'DOCKER_HOST',
  'LD_PRELOAD'
] as const

/** Shell syntax that makes a command line mean something else. */
export const SHELL_NOISE = [
  '&&',
  '|',
  ';',
  '$(id)',
  '`id`',
  "'",
  '"',
  '^',
  '%PATH%',
  '\\',
  '#'
] as const

/** One change to a server entry's launch (`at`/`where` pick positions modulo the lengths). */
export type LaunchMutation =
  | { kind: 'wrap'; wrapper: Wrapper }
  | { kind: 'odd-unicode'; inCommand: boolean; at: number; where: number; chars: string }
  | { kind: 'huge-arg'; pattern: HugePattern; at: number }
  | { kind: 'drop-args'; keep: number }
  | { kind: 'env'; key: (typeof LAUNCH_ENV_KEYS)[number]; value: string }
  | { kind: 'type-url'; type: string | null; url: string }
  | { kind: 'secret'; target: 'arg' | 'env' | 'url' | 'command'; at: number }
  | { kind: 'shell-noise'; at: number; noise: (typeof SHELL_NOISE)[number] }

/** Arbitrary {@link LaunchMutation}s. */
export const launchMutation: fc.Arbitrary<LaunchMutation> = fc.oneof(
  fc.record({ kind: fc.constant('wrap' as const), wrapper: fc.constantFrom(...WRAPPERS) }),
  fc.record({
    kind: fc.constant('odd-unicode' as const),
    inCommand: fc.boolean(),
    at: position,
    where: position,
    chars: oddText
  }),
  fc.record({
    kind: fc.constant('huge-arg' as const),
    pattern: fc.constantFrom(...(Object.keys(HUGE_PATTERNS) as HugePattern[])),
    at: position
  }),
  fc.record({ kind: fc.constant('drop-args' as const), keep: fc.nat({ max: 4 }) }),
  fc.record({
    kind: fc.constant('env' as const),
    key: fc.constantFrom(...LAUNCH_ENV_KEYS),
    value: fc.constantFrom('https://evil.example/npm/', '/tmp/bin:$PATH', '--require ./x.js', '')
  }),
  fc.record({
    kind: fc.constant('type-url' as const),
    type: fc.constantFrom(null, 'stdio', 'http', 'sse', 'streamable-http', 'ws', 'STDIO', 'bogus'),
    url: fc.constantFrom(
      'https://mcp.example.com/mcp',
      'http://127.0.0.1:3000/sse',
      'https://user:pw@mcp.example.com/x?token=abc',
      'not a url',
      ''
    )
  }),
  fc.record({
    kind: fc.constant('secret' as const),
    target: fc.constantFrom('arg' as const, 'env' as const, 'url' as const, 'command' as const),
    at: position
  }),
  fc.record({
    kind: fc.constant('shell-noise' as const),
    at: position,
    noise: fc.constantFrom(...SHELL_NOISE)
  })
)

/** A word as a POSIX shell would need it quoted (single quotes, `'\''` for a quote). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
}

/** `launch` with one mutation applied, as a new launch (`launch` is not changed). */
export function mutateLaunch(launch: RawLaunch, mutation: LaunchMutation): RawLaunch {
  const next: RawLaunch = {
    ...launch,
    args: [...launch.args],
    env: Object.assign(Object.create(null) as Record<string, string>, launch.env),
    headers: Object.assign(Object.create(null) as Record<string, string>, launch.headers)
  }
  const setOwn = (record: Record<string, string>, key: string, value: string) =>
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    })
  const argAt = (at: number) => at % Math.max(next.args.length, 1)
  switch (mutation.kind) {
    case 'wrap': {
      const line = [next.command ?? '', ...next.args]
      const joined = line.map(shellWord).join(' ')
      const wrapped: Record<Wrapper, [string, string[]]> = {
        'bash -c': ['bash', ['-c', joined]],
        'sh -c': ['sh', ['-c', joined]],
        'cmd /c': ['cmd', ['/c', ...line]],
        wsl: ['wsl', line],
        'mise exec --': ['mise', ['exec', 'node@20', '--', ...line]],
        env: ['env', ['MCP_FUZZ=1', ...line]],
        'whole-command': [joined, []]
      }
      const [command, args] = wrapped[mutation.wrapper]
      next.command = command
      next.args = args
      return next
    }
    case 'odd-unicode': {
      const insert = (s: string) => {
        const at = mutation.where % (s.length + 1)
        return s.slice(0, at) + mutation.chars + s.slice(at)
      }
      if (mutation.inCommand || next.args.length === 0) next.command = insert(next.command ?? '')
      else next.args[argAt(mutation.at)] = insert(next.args[argAt(mutation.at)] ?? '')
      return next
    }
    case 'huge-arg':
      next.args.splice(argAt(mutation.at), 0, hugeString(mutation.pattern))
      return next
    case 'drop-args':
      next.args = next.args.slice(0, mutation.keep)
      return next
    case 'env':
      setOwn(next.env, mutation.key, mutation.value)
      return next
    case 'type-url':
      if (mutation.type === null) delete next.type
      else next.type = mutation.type
      next.url = mutation.url
      return next
    case 'secret':
      switch (mutation.target) {
        case 'arg':
          next.args.splice(argAt(mutation.at), 0, `--token=${FAKE_TOKEN}`)
          break
        case 'env':
          setOwn(next.env, 'GITHUB_TOKEN', FAKE_TOKEN)
          break
        case 'url':
          next.url = `https://x:${FAKE_TOKEN}@mcp.example.com/mcp?key=${FAKE_TOKEN}`
          break
        case 'command':
          next.command = `${next.command ?? 'npx'} --auth ${FAKE_TOKEN}`
          break
      }
      return next
    case 'shell-noise': {
      const i = argAt(mutation.at)
      if (next.args.length === 0) next.command = `${next.command ?? ''} ${mutation.noise}`
      else next.args[i] = `${next.args[i] ?? ''}${mutation.noise}`
      return next
    }
  }
}
