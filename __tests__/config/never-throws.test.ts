import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { LineIndex } from '../../src/config/lines.js'
import { parseConfig } from '../../src/config/parse.js'
import type { ParsedConfig } from '../../src/config/types.js'

/** The invariants every result must satisfy, whatever the input. */
function checkShape(text: string, config: ParsedConfig): void {
  if (config.error !== null) {
    const lines = new LineIndex(text.replace(/^\uFEFF/, ''))
    expect(config.servers).toEqual([])
    expect(config.hasServerMap).toBe(false)
    expect(config.error.line).toBeGreaterThanOrEqual(1)
    expect(config.error.line).toBeLessThanOrEqual(lines.lineCount)
    expect(config.error.column).toBeGreaterThanOrEqual(1)
    expect(config.error.message).toMatch(/\(line \d+, column \d+\)$/)
  }
  for (const entry of config.servers) {
    expect(typeof entry.name).toBe('string')
    expect(entry.launch.args.every((a) => typeof a === 'string')).toBe(true)
    expect(Object.values(entry.launch.env).every((v) => typeof v === 'string')).toBe(true)
  }
}

const keys = fc.constantFrom(
  'mcpServers',
  'servers',
  'context_servers',
  'mcp',
  'command',
  'args',
  'env',
  'url',
  'headers',
  'transport',
  'type',
  'disabled',
  'autoApprove',
  '__proto__',
  'constructor',
  '// note'
)
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(keys, fc.string()), tie('value'), { maxKeys: 5 })
  )
})).value

describe('parseConfig never throws', () => {
  it('on arbitrary text, as JSON or TOML', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (text, toml) => {
        const config = parseConfig(toml ? '.codex/config.toml' : '.mcp.json', text)
        checkShape(text, config)
      }),
      { numRuns: 400 }
    )
  })

  it('on arbitrary JSON built from config-like keys', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const text = JSON.stringify({ mcpServers: value })
        checkShape(text, parseConfig('.vscode/mcp.json', text))
        const bare = JSON.stringify(value) ?? ''
        checkShape(bare, parseConfig('mcp.json', bare))
      }),
      { numRuns: 300 }
    )
  })

  it('on valid configs cut short at any point', () => {
    const full =
      '// c\n{\n  "mcpServers": {\n    "a": { "command": "npx", "args": ["-y", "x"], "env": { "K": "v" } },\n    "b": { "url": "https://x" }\n  }\n}\n'
    for (let end = 0; end <= full.length; end++) {
      checkShape(full.slice(0, end), parseConfig('.mcp.json', full.slice(0, end)))
    }
    const toml = '[mcp_servers.a]\ncommand = "npx"\nargs = ["-y", "x"]\nenv = { K = "v" }\n'
    for (let end = 0; end <= toml.length; end++) {
      checkShape(toml.slice(0, end), parseConfig('.codex/config.toml', toml.slice(0, end)))
    }
  })
})
