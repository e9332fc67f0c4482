import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { classifyConfig } from '../../src/change/classify.js'
import { parseConfig } from '../../src/config/parse.js'
import { shownStrings } from './helpers.js'

/*
 * Properties of the classification over generated configs: the same config is all unchanged,
 * however it is formatted; against an empty or absent base everything is added; pairing
 * accounts for every base server once; env values never reach a shown string; nothing throws.
 */

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/)
const version = fc.oneof(
  fc.constant(''),
  fc.constantFrom('@latest', '@^1.2', '==1.0.0', ':1.0'),
  fc.tuple(fc.nat(9), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `@${a}.${b}.${c}`)
)
const arg = fc.oneof(
  fc.tuple(word, version).map(([name, v]) => `${name}${v}`),
  fc.constantFrom(
    '-y',
    '--rm',
    '-i',
    'run',
    '/c',
    '-c',
    '--from',
    '-p',
    'https://mcp.example.com/mcp'
  ),
  fc.string({ maxLength: 12 })
)
/** Env values with a marker no generated argument or name holds. */
const envValue = fc.stringMatching(/^ZQ[0-9A-F]{14}$/)
const entry = fc.record(
  {
    command: fc.constantFrom('npx', 'uvx', 'docker', 'node', 'cmd', 'bash', 'python', 'bunx'),
    args: fc.array(arg, { maxLength: 6 }),
    env: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,7}$/), envValue, { maxKeys: 3 }),
    url: fc.constantFrom('https://mcp.example.com/mcp', 'http://localhost:3000/sse'),
    type: fc.constantFrom('stdio', 'http', 'sse'),
    disabled: fc.boolean(),
    autoApprove: fc.array(word, { maxLength: 2 })
  },
  { requiredKeys: ['command'] }
)
const config = fc
  .dictionary(word, entry, { maxKeys: 6 })
  .map((servers) => ({ mcpServers: servers }))

/** `value` with the keys of every object in reverse order (arrays keep their order). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)])
  )
}

const PATH = 'claude_desktop_config.json'

describe('classification properties', () => {
  it('a config against itself, or a reformatted copy, is all unchanged', () => {
    fc.assert(
      fc.property(config, (value) => {
        const text = JSON.stringify(value, null, 2)
        const head = parseConfig(PATH, text)
        for (const base of [text, JSON.stringify(reversedKeys(value))]) {
          const change = classifyConfig(head, base)
          expect(change.status).toBe('unchanged')
          expect(change.removed).toEqual([])
          expect(change.servers.map((s) => s.kind)).toEqual(head.servers.map(() => 'unchanged'))
        }
      }),
      { numRuns: 150 }
    )
  })

  it('against an empty or absent base everything is added', () => {
    fc.assert(
      fc.property(config, fc.constantFrom('{}', '{"mcpServers": {}}', null), (value, base) => {
        const head = parseConfig(PATH, JSON.stringify(value))
        const change = classifyConfig(head, base)
        expect(change.servers.map((s) => s.kind)).toEqual(head.servers.map(() => 'added'))
        expect(change.servers.every((s) => s.base === null && s.aspects.length === 0)).toBe(true)
        expect(change.removed).toEqual([])
        expect(change.status).toBe(
          base === null ? 'added' : head.servers.length > 0 ? 'modified' : 'unchanged'
        )
      }),
      { numRuns: 100 }
    )
  })

  it('pairs every base server at most once and lists the rest as removed', () => {
    fc.assert(
      fc.property(config, config, (headValue, baseValue) => {
        const head = parseConfig(PATH, JSON.stringify(headValue))
        const baseText = JSON.stringify(baseValue)
        const base = parseConfig(PATH, baseText)
        const change = classifyConfig(head, baseText)
        expect(change.servers).toHaveLength(head.servers.length)
        const paired = change.servers.filter((s) => s.base !== null)
        const baseNames = [...paired, ...change.removed].map((s) => s.base!.entry.name).sort()
        expect(baseNames).toEqual(base.servers.map((s) => s.name).sort())
        for (const server of change.servers) {
          expect(server.head?.entry).toBe(head.servers[change.servers.indexOf(server)])
          expect(server.kind === 'changed').toBe(server.aspects.length > 0)
        }
        const shown = shownStrings(change).join('\n')
        expect(shown).not.toMatch(/ZQ[0-9A-F]{14}/)
      }),
      { numRuns: 150 }
    )
  })

  it('new env values are reported per variable and never shown', () => {
    fc.assert(
      fc.property(config, envValue, (value, fresh) => {
        const rotated = structuredClone(value)
        for (const server of Object.values(rotated.mcpServers)) {
          for (const key of Object.keys(server.env ?? {})) server.env![key] = `${fresh}${key}`
        }
        const head = parseConfig(PATH, JSON.stringify(rotated))
        const change = classifyConfig(head, JSON.stringify(value))
        for (const [i, server] of change.servers.entries()) {
          const keys = Object.keys(head.servers[i]!.launch.env)
          expect(server.aspects.map((a) => a.message)).toEqual(
            keys.map((key) => `env value of ${key} changed`)
          )
        }
        expect(shownStrings(change).join('\n')).not.toMatch(/ZQ[0-9A-F]{14}/)
      }),
      { numRuns: 100 }
    )
  })

  it('never throws on arbitrary base texts', () => {
    const head = parseConfig(PATH, '{"mcpServers": {"a": {"command": "npx", "args": ["a@1.0.0"]}}}')
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          config.map((v) => JSON.stringify(v))
        ),
        (text) => {
          const change = classifyConfig(head, text)
          expect(change.servers).toHaveLength(1)
        }
      ),
      { numRuns: 200 }
    )
  })
})
