import { describe, expect, it, jest } from '@jest/globals'

/*
 * An unexpected failure inside the comparison must not crash the gate: the config is
 * classified `unknown` and every head server counts as added (fail closed).
 */
jest.unstable_mockModule('../../src/change/aspects.js', () => ({
  compareLaunches: () => {
    throw new TypeError('boom')
  }
}))

const { classifyConfig } = await import('../../src/change/classify.js')
const { parseConfig } = await import('../../src/config/parse.js')

describe('classifyConfig under an internal failure', () => {
  it('falls back to every head server added, status unknown', () => {
    const text = '{"mcpServers": {"a": {"command": "npx", "args": ["a@1.0.0"]}}}'
    const change = classifyConfig(parseConfig('.mcp.json', text), text)
    expect(change.status).toBe('unknown')
    expect(change.servers.map((s) => [s.name, s.kind])).toEqual([['a', 'added']])
    expect(change.notes).toEqual([
      'the change against the base could not be worked out: every server counts as added'
    ])
  })
})
