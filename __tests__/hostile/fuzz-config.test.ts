/**
 * Hostile input, scope 1 (issue 6): config parsing fuzzed from the real corpus.
 *
 * `__tests__/config/never-throws.test.ts` feeds `parseConfig` random text and random JSON; this
 * suite starts from the 176 real configs (and the same maps as Codex TOML) and mutates them the
 * way a hostile or broken pull request would (see `mutations.ts`): every file must end as
 * servers or as one located error (1-based line and column inside the file, echoed in the
 * message), in bounded time, without touching `Object.prototype`, and without echoing values or
 * invisible characters into messages. `readConfig` must read every encoding a client writes
 * like the text itself, and refuse a file one byte over its size limit.
 *
 * Properties run with the fixed seed `FUZZ_SEED`; fast-check prints the seed, path and
 * counterexample of a failure.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { DiscoveredConfig } from '../../src/config/discover.js'
import { MAX_JSON_DEPTH } from '../../src/config/jsonc.js'
import { parseConfig } from '../../src/config/parse.js'
import { DEFAULT_MAX_CONFIG_BYTES, readConfig } from '../../src/config/read.js'
import { MAX_TOML_DEPTH } from '../../src/config/toml.js'
import type { ParsedConfig } from '../../src/config/types.js'
import {
  adversarialFiles,
  applyJsonPlan,
  applyTomlPlan,
  CANARY,
  CORPUS,
  DEEP_LEVELS,
  encodeText,
  ENCODINGS,
  type Encoding,
  FUZZ_SEED,
  HUGE_PATTERNS,
  jsonPlan,
  jsonString,
  jsonTreeOf,
  type MutatedFile,
  mutateText,
  ODD_CHARACTERS,
  PROTOTYPE_KEYS,
  printJson,
  TOML_SEEDS,
  tomlPlan,
  tomlSnippet,
  wellFormed
} from './mutations.js'

/** Time limits (issue 6): a mutated corpus file, and a 1 MiB adversarial file. */
const FILE_MS = 1000
const MIB_FILE_MS = 2000

/** Characters no message or note may carry raw: controls, format (bidi, zero-width), surrogates. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u

const OBJECT_PROTOTYPE = Object.getOwnPropertyNames(Object.prototype).sort()
const ARRAY_PROTOTYPE = Object.getOwnPropertyNames(Array.prototype).sort()

/** Nothing reached a prototype: no `polluted` anywhere, no new or changed members. */
function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE)
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_PROTOTYPE)
  expect(typeof Object.prototype.toString).toBe('function')
  expect(typeof Object.prototype.hasOwnProperty).toBe('function')
}

/** The lines of `text` as the parser counts them (LF, CRLF, lone CR), after a leading BOM. */
function linesOf(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
}

/** `location` is a real place in a text of these `lines`: 1-based, at most one past a line's end. */
function expectInside(lines: readonly string[], location: { line: number; column: number }): void {
  const inside =
    Number.isInteger(location.line) &&
    Number.isInteger(location.column) &&
    location.line >= 1 &&
    location.line <= lines.length &&
    location.column >= 1 &&
    location.column <= (lines[location.line - 1] ?? '').length + 1
  if (!inside) {
    throw new Error(
      `location ${JSON.stringify(location)} is outside the file (${lines.length} lines)`
    )
  }
}

/**
 * The outcome contract for one file: servers (maybe none) or one located error, never both;
 * messages that name a place inside the file, quote no value and carry no invisible character;
 * notes of bounded length; entries whose fields are strings.
 */
function expectWellFormed(file: MutatedFile, config: ParsedConfig): void {
  expect(config.path).toBe(file.path)
  const lines = linesOf(file.text)
  if (config.error !== null) {
    expect(config.servers).toEqual([])
    expect(config.hasServerMap).toBe(false)
    expectInside(lines, config.error)
    expect(config.error.message).toMatch(
      new RegExp(`\\(line ${config.error.line}, column ${config.error.column}\\)$`)
    )
    expect(config.error.message.length).toBeLessThan(400)
    expect(config.error.message).not.toMatch(INVISIBLE)
    expect(config.error.message).not.toContain(CANARY)
    expect(config.error.message).not.toContain(HUGE_PATTERNS.token.slice(0, 12))
  }
  // Plain checks per entry (a file may hold 20 000), one expectation for them all.
  const problems: string[] = []
  const check = (ok: boolean, what: string) => {
    if (!ok && problems.length < 5) problems.push(what)
  }
  for (const note of config.notes) check(note.length < 1000, `a file note of ${note.length} chars`)
  for (const entry of config.servers) {
    check(entry.config === file.path, `entry.config ${entry.config}`)
    check(typeof entry.name === 'string', 'a name that is not a string')
    expectInside(lines, entry.location)
    for (const location of Object.values(entry.fieldLocations)) expectInside(lines, location)
    check(
      entry.launch.args.every((a) => typeof a === 'string'),
      'an argument that is not a string'
    )
    check(
      Object.values(entry.launch.env).every((v) => typeof v === 'string'),
      'an env value that is not a string'
    )
    check(
      Object.values(entry.launch.headers).every((v) => typeof v === 'string'),
      'a header value that is not a string'
    )
    check(
      entry.flags.autoApprove.every((t) => typeof t === 'string'),
      'an auto-approved tool that is not a string'
    )
    for (const note of entry.notes)
      check(note.length < 1000, `an entry note of ${note.length} chars`)
  }
  expect(problems).toEqual([])
}

/**
 * `run()`'s result and duration in ms; when it took `limitMs` or more it runs once more and the
 * faster time counts (a loaded CI machine can stall one run; a parser that is really slow is
 * slow every time).
 */
function timed<T>(run: () => T, limitMs: number): { result: T; ms: number } {
  let start = performance.now()
  const result = run()
  let ms = performance.now() - start
  if (ms >= limitMs) {
    start = performance.now()
    run()
    ms = Math.min(ms, performance.now() - start)
  }
  return { result, ms }
}

/**
 * Parses a mutated file under the contract. A file the gate would read (at most
 * `DEFAULT_MAX_CONFIG_BYTES` in UTF-8; `readConfig` refuses larger ones unparsed) must parse in
 * under `limitMs`.
 */
function parseChecked(file: MutatedFile, limitMs = FILE_MS): ParsedConfig {
  const { result, ms } = timed(() => parseConfig(file.path, file.text), limitMs)
  expectWellFormed(file, result)
  if (Buffer.byteLength(file.text, 'utf8') <= DEFAULT_MAX_CONFIG_BYTES) {
    expect(ms).toBeLessThan(limitMs)
  }
  expectNoPollution()
  return result
}

let root: string
let fileCount = 0

/** Writes `bytes` to a fresh file under the temp root, discovered as `logicalPath`. */
function onDisk(logicalPath: string, bytes: Uint8Array): DiscoveredConfig {
  const absolutePath = path.join(root, String(fileCount++), logicalPath)
  mkdirSync(path.dirname(absolutePath), { recursive: true })
  writeFileSync(absolutePath, bytes)
  return { path: logicalPath, absolutePath }
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'mcp-fuzz-config-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('parseConfig on mutated corpus files (fuzz)', () => {
  it('has seeds: the whole corpus, nearly all of it valid JSONC, and TOML versions of it', () => {
    expect(CORPUS.length).toBe(176)
    expect(CORPUS.filter((f) => jsonTreeOf(f.text) !== undefined).length).toBeGreaterThan(170)
    expect(TOML_SEEDS.length).toBeGreaterThan(100)
    for (const seed of TOML_SEEDS.slice(0, 20)) {
      const config = parseConfig(seed.path, seed.text)
      expect(config.error).toBeNull()
      expect(config.hasServerMap).toBe(true)
    }
  })

  it('JSON: servers or a located error, in bounded time, nothing polluted', () => {
    fc.assert(
      fc.property(jsonPlan(), (plan) => {
        parseChecked(applyJsonPlan(plan))
      }),
      { seed: FUZZ_SEED, numRuns: 100 }
    )
  })

  it('JSON with only text mutations (truncation, NUL, odd Unicode, line ends, BOM)', () => {
    fc.assert(
      fc.property(jsonPlan({ maxTree: 0, maxText: 3 }), (plan) => {
        parseChecked(applyJsonPlan(plan))
      }),
      { seed: FUZZ_SEED, numRuns: 400 }
    )
  })

  it('Codex TOML: servers or a located error, in bounded time, nothing polluted', () => {
    fc.assert(
      fc.property(tomlPlan, (plan) => {
        parseChecked(applyTomlPlan(plan))
      }),
      { seed: FUZZ_SEED, numRuns: 120 }
    )
  })

  it('10 000 levels of nesting anywhere in a real config: an error at the deep part, fast', () => {
    for (const seed of CORPUS.filter((f) => jsonTreeOf(f.text) !== undefined).slice(0, 40)) {
      const tree = jsonTreeOf(seed.text)!
      const text = printJson(tree, { indent: 2, rawUnicode: false })
      const at = text.lastIndexOf('}')
      const before = `${text.slice(0, at)}, "deep": `
      for (const levels of [MAX_JSON_DEPTH + 10, DEEP_LEVELS]) {
        for (const open of ['[', '{"a":']) {
          const close = open === '[' ? ']' : '}'
          const deep = `${open.repeat(levels)}1${close.repeat(levels)}`
          const config = parseChecked({ path: seed.path, text: `${before}${deep}}`, from: '' })
          // It names the limit and points into the nested value, not at the top of the file.
          expect(config.error?.message).toMatch(
            new RegExp(`^Values are nested more than ${MAX_JSON_DEPTH} levels deep \\(`)
          )
          const lines = linesOf(before)
          expect(config.error?.line).toBe(lines.length)
          expect(config.error?.column).toBeGreaterThan((lines[lines.length - 1] ?? '').length)
        }
      }
    }
  })

  it('TOML nested deeper than the limit by dotted keys: a located error, not a crash', () => {
    const seed = TOML_SEEDS[0]!
    for (const kind of ['deep-header', 'deep-dotted-key', 'deep-array'] as const) {
      for (const levels of [MAX_TOML_DEPTH + 1, DEEP_LEVELS]) {
        const snippet = tomlSnippet(kind, levels)
        const text = seed.text + snippet
        const config = parseChecked({ path: seed.path, text, from: seed.file })
        expect(config.error?.message).toMatch(/nested/i)
        // It points at the deep part, not at the top of the file.
        expect(config.error?.line).toBeGreaterThan(linesOf(seed.text).length - 1)
      }
    }
    // At the limit a dotted header is fine (only the values below it would be deeper).
    const atLimit = `[${Array.from({ length: MAX_TOML_DEPTH - 1 }, () => 'a').join('.')}]\nx = 1\n`
    expect(parseConfig('.codex/config.toml', atLimit).error).toBeNull()
  })
})

describe('odd characters outside strings', () => {
  it('are named by code point in the error, never shown raw (they could hide or reorder it)', () => {
    const seeds = CORPUS.filter((f) => jsonTreeOf(f.text) !== undefined).slice(0, 30)
    for (const seed of seeds) {
      const text = printJson(jsonTreeOf(seed.text)!, { indent: 2, rawUnicode: false })
      const at = text.indexOf(':') + 1
      for (const ch of ODD_CHARACTERS.filter((c) => c.length === 1 && c !== '\ufeff')) {
        const file = {
          path: seed.path,
          text: `${text.slice(0, at)}${ch}${text.slice(at)}`,
          from: ''
        }
        const config = parseChecked(file)
        const code = ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
        expect(config.error?.message).toMatch(new RegExp(`^Unexpected character U\\+${code}: `))
      }
    }
  })
})

describe('line ends and byte-order marks do not change what is read (corpus)', () => {
  /** What a user sees of each server: name, where it is, what it launches. */
  const shape = (c: ParsedConfig) =>
    c.servers.map((s) => ({
      name: s.name,
      location: s.location,
      launch: s.launch,
      flags: s.flags,
      fieldLocations: s.fieldLocations
    }))

  it('CRLF, lone CR and a UTF-8 BOM give the same servers at the same lines and columns', () => {
    let compared = 0
    for (const seed of [...CORPUS, ...TOML_SEEDS]) {
      const lf = seed.text.replace(/\r\n?/g, '\n')
      const base = parseConfig(seed.path, lf)
      const variants = [
        mutateText(lf, { kind: 'line-ends', eol: '\r\n' }),
        mutateText(lf, { kind: 'bom' }),
        // TOML has no lone-CR line end (TOML 1.0 "Newline means LF or CRLF").
        ...(seed.path.endsWith('.toml') ? [] : [mutateText(lf, { kind: 'line-ends', eol: '\r' })])
      ]
      for (const text of variants) {
        const config = parseConfig(seed.path, text)
        expect({ file: seed.file, error: config.error }).toEqual({
          file: seed.file,
          error: base.error
        })
        expect(shape(config)).toEqual(shape(base))
        compared += config.servers.length
      }
    }
    expect(compared).toBeGreaterThan(1000)
  })
})

describe('readConfig: bytes on disk (fuzz)', () => {
  /**
   * The text a reader should see for `text` written in `encoding`: UTF-8 and UTF-16 decoders
   * replace lone surrogates by U+FFFD, and the decoder drops one leading BOM of a UTF-8 file
   * (parseConfig drops one more).
   */
  const decodedText = (text: string, encoding: Encoding): string =>
    encoding === 'utf8' ? wellFormed(text).replace(/^\uFEFF/, '') : wellFormed(text)

  it('reads UTF-8, UTF-8 + BOM, UTF-16LE/BE + BOM exactly like the decoded text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(jsonPlan({ maxTree: 2 }).map(applyJsonPlan), tomlPlan.map(applyTomlPlan)),
        fc.constantFrom(...ENCODINGS),
        async (file, encoding) => {
          const bytes = encodeText(file.text, encoding)
          const config = await readConfig(onDisk(file.path, bytes))
          if (bytes.length > DEFAULT_MAX_CONFIG_BYTES) {
            expect(config.error?.message).toMatch(/over the 1 MiB limit for config files/)
            expect(config.error).toMatchObject({ line: 1, column: 1 })
          } else {
            expect(config).toEqual(parseConfig(file.path, decodedText(file.text, encoding)))
          }
          expectNoPollution()
        }
      ),
      { seed: FUZZ_SEED, numRuns: 80 }
    )
  })

  /** A valid config of exactly `bytes` bytes in `encoding` (padded inside a string value). */
  function configOfSize(bytes: number, encoding: Encoding, padding: string): Uint8Array {
    const make = (n: number) =>
      `{"mcpServers": {"pad": {"command": "npx", "args": ["-y", "x@1.0.0", "${padding.repeat(n)}"]}}}\n`
    const size = (n: number) => encodeText(make(n), encoding).length
    const unit = size(1) - size(0)
    const n = Math.floor((bytes - size(0)) / unit)
    let text = make(n)
    const short = bytes - encodeText(text, encoding).length
    const space = encodeText(' ', encoding).length - encodeText('', encoding).length
    // Whatever the padding's width does not fill, spaces after the closing brace do.
    text += ' '.repeat(short / space)
    const out = encodeText(text, encoding)
    expect(out.length).toBe(bytes)
    return out
  }

  it.each([
    ['utf8', 'x'],
    ['utf8', 'é'],
    ['utf8', '€'],
    ['utf8-bom', 'x'],
    ['utf16le-bom', 'x'],
    ['utf16be-bom', '€']
  ] as const)(
    'size limit (%s, padded with %s): exactly the limit is read, one byte more is refused',
    async (encoding, padding) => {
      const limit = DEFAULT_MAX_CONFIG_BYTES
      const start = performance.now()
      const atLimit = await readConfig(onDisk('.mcp.json', configOfSize(limit, encoding, padding)))
      expect(performance.now() - start).toBeLessThan(MIB_FILE_MS)
      expect(atLimit.error).toBeNull()
      expect(atLimit.servers.map((s) => s.name)).toEqual(['pad'])
      expect(atLimit.servers[0]?.launch.args[2]?.length).toBeGreaterThan(limit / 8)

      // UTF-16 files have an even size: one stray byte more is still one byte over.
      const overBytes = encoding.startsWith('utf16')
        ? Buffer.concat([configOfSize(limit, encoding, padding), Buffer.from([0x20])])
        : configOfSize(limit + 1, encoding, padding)
      expect(overBytes.length).toBe(limit + 1)
      const over = await readConfig(onDisk('.mcp.json', overBytes))
      expect(over.servers).toEqual([])
      expect(over.error).toEqual({
        message:
          'The file is 1 MiB, over the 1 MiB limit for config files: is this really an MCP ' +
          'client config? (line 1, column 1)',
        line: 1,
        column: 1
      })
    }
  )

  it('a smaller limit is exact too, and the message names both sizes', async () => {
    const text = '{"mcpServers": {"a": {"command": "npx"}}}'
    const bytes = Buffer.byteLength(text)
    const file = onDisk('.mcp.json', Buffer.from(text))
    expect((await readConfig(file, { maxBytes: bytes })).error).toBeNull()
    const refused = await readConfig(file, { maxBytes: bytes - 1 })
    expect(refused.error?.message).toBe(
      `The file is ${bytes} bytes, over the ${bytes - 1} bytes limit for config files: is this ` +
        'really an MCP client config? (line 1, column 1)'
    )
  })
})

describe('prototype keys and duplicate keys in real configs', () => {
  /** The corpus files whose servers sit in an explicit `mcpServers` map, with their names. */
  const withMap = CORPUS.flatMap((seed) => {
    const tree = jsonTreeOf(seed.text)
    if (tree?.kind !== 'object') return []
    const map = tree.members.find((m) => m.key === 'mcpServers')?.value
    if (map?.kind !== 'object') return []
    const config = parseConfig(seed.path, seed.text)
    if (config.error !== null || !config.hasServerMap) return []
    return [{ seed, tree, map, names: config.servers.map((s) => s.name) }]
  })

  it('has enough files to say something', () => {
    expect(withMap.length).toBeGreaterThan(60)
  })

  /** `tree` with the members of its server map `map` replaced by `members`. */
  function withServers<T extends { members: { key: string; value: unknown }[] }>(
    tree: T,
    map: unknown,
    members: { key: string; value: unknown }[]
  ): T {
    return {
      ...tree,
      members: tree.members.map((m) =>
        m.value === map ? { key: m.key, value: { kind: 'object' as const, members } } : m
      )
    }
  }

  it('reads __proto__, constructor and prototype servers as servers, and pollutes nothing', () => {
    for (const { seed, tree, map, names } of withMap) {
      const server = (key: string) => ({
        key,
        value: jsonTreeOf(
          `{"command": "npx", "args": ["-y", "p-${key.replace(/_/g, '')}@1.0.0"], ` +
            `"env": {"__proto__": "e", "constructor": "c"}, "polluted": "yes"}`
        )!
      })
      const mutated = withServers(tree, map, [...map.members, ...PROTOTYPE_KEYS.map(server)])
      const text = printJson(mutated, { indent: 2, rawUnicode: true })
      const config = parseChecked({ path: seed.path, text, from: seed.file })
      expect(config.error).toBeNull()
      expect(config.servers.map((s) => s.name)).toEqual([
        ...names.filter((n) => !(PROTOTYPE_KEYS as readonly string[]).includes(n)),
        ...PROTOTYPE_KEYS
      ])
      const proto = config.servers.find((s) => s.name === '__proto__')!
      expect(proto.launch.args).toEqual(['-y', 'p-proto@1.0.0'])
      expect(Object.entries(proto.launch.env)).toEqual([
        ['__proto__', 'e'],
        ['constructor', 'c']
      ])
    }
  })

  it('a server written twice keeps its last definition, with a note', () => {
    for (const { seed, tree, map, names } of withMap) {
      const first = map.members.find((m) => names.includes(m.key))
      if (first === undefined) continue
      const again = {
        key: first.key,
        value: jsonTreeOf('{"command": "uvx", "args": ["again==1.0"]}')!
      }
      const mutated = withServers(tree, map, [...map.members, again])
      const text = printJson(mutated, { indent: 0, rawUnicode: false })
      const config = parseChecked({ path: seed.path, text, from: seed.file })
      expect(config.servers.map((s) => s.name).sort()).toEqual([...names].sort())
      const kept = config.servers.find((s) => s.name === first.key)!
      expect(kept.launch).toMatchObject({ command: 'uvx', args: ['again==1.0'] })
      expect(config.notes.join('\n')).toContain(`${jsonString(first.key, false).slice(0, 20)}`)
      expect(config.notes.join('\n')).toMatch(/defined more than once/)
    }
  })

  it('a wrong type in any field of any server keeps the server and says which field (fuzz)', () => {
    const FIELDS = [
      'command',
      'args',
      'env',
      'url',
      'headers',
      'type',
      'disabled',
      'autoApprove',
      'alwaysAllow',
      'trust',
      'cwd',
      'transport'
    ]
    const WRONG = ['7', 'true', 'null', '[1, {}]', '{"0": "x"}', '"text"', '1e400']
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.constantFrom(...WRONG),
        (fileIndex, serverIndex, field, wrong) => {
          const { seed, tree, map, names } = withMap[fileIndex % withMap.length]!
          const servers = map.members.filter((m) => names.includes(m.key))
          const target = servers[serverIndex % Math.max(servers.length, 1)]
          if (target?.value.kind !== 'object') return
          const entry = target.value
          const changed = {
            kind: 'object' as const,
            members: [
              ...entry.members.filter((m) => m.key !== field),
              { key: field, value: { kind: 'literal' as const, text: wrong } }
            ]
          }
          const mutated = withServers(
            tree,
            map,
            map.members.map((s) => (s === target ? { ...s, value: changed } : s))
          )
          const text = printJson(mutated, { indent: 2, rawUnicode: false })
          const config = parseChecked({ path: seed.path, text, from: seed.file })
          expect(config.error).toBeNull()
          expect(config.servers.map((s) => s.name)).toEqual(names)
          const server = config.servers.find((s) => s.name === target.key)!
          const expectedType = {
            command: 'string',
            args: 'array',
            env: 'object',
            headers: 'object',
            url: 'string',
            type: 'string',
            cwd: 'string',
            autoApprove: 'array',
            alwaysAllow: 'array',
            disabled: 'boolean',
            trust: 'boolean',
            transport: 'string'
          }[field]
          const value: unknown = JSON.parse(wrong === '1e400' ? '1' : wrong)
          const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value
          if (kind !== expectedType && !(field === 'args' && kind === 'string')) {
            // A value of the wrong kind is never used as if it were right.
            if (field === 'command' && kind !== 'array' && kind !== 'object') {
              expect(server.launch.command).toBeUndefined()
            }
            if (field === 'disabled') expect(server.flags.disabled).toBe(false)
            if (field === 'trust') expect(server.flags.trust).toBe(false)
            if (field === 'cwd') expect(server.launch.cwd).toBeUndefined()
            if (field === 'url') expect(server.launch.url).toBeUndefined()
            if (field === 'env' || field === 'headers') {
              const record = field === 'env' ? server.launch.env : server.launch.headers
              expect(Object.keys(record).length).toBeLessThanOrEqual(kind === 'object' ? 1 : 0)
            }
            // …and the entry or the file says so, naming the field.
            const said = [...server.notes, ...config.notes].join('\n')
            if (field !== 'url' && field !== 'transport') expect(said).toContain(`"${field}"`)
          }
        }
      ),
      { seed: FUZZ_SEED, numRuns: 400 }
    )
  })
})

describe('hostile documents of 1 MiB', () => {
  it.each(adversarialFiles().map((f) => [f.label, f] as const))(
    '%s: the expected outcome within 2 s, the same through readConfig',
    async (_label, file) => {
      const parsed = parseChecked({ ...file, from: 'adversarial' }, MIB_FILE_MS)
      expect(parsed.error === null ? parsed.servers.length : 'error').toBe(file.expected)
      const start = performance.now()
      const read = await readConfig(onDisk(file.path, Buffer.from(file.text, 'utf8')))
      expect(performance.now() - start).toBeLessThan(MIB_FILE_MS * 1.5)
      // Compared as JSON (a deep equality of 20 000 entries is slow, and its diff unreadable).
      const decoded = wellFormed(file.text)
      const expected = decoded === file.text ? parsed : parseConfig(file.path, decoded)
      expect(JSON.stringify(read) === JSON.stringify(expected)).toBe(true)
    }
  )
})
