import { describe, expect, it } from '@jest/globals'
import { blocksInScope, parseChangeScope } from '../../src/change/scope.js'
import { changeText, summariseChanges, summaryText } from '../../src/change/summary.js'
import { classifyTexts } from './helpers.js'

describe('summariseChanges', () => {
  it('counts servers per kind and configs per status', () => {
    const a = classifyTexts(
      '.mcp.json',
      '{"mcpServers": {"a": {"command": "npx", "args": ["a@2.0.0"]}, "n": {"command": "npx", "args": ["n"]}, "u": {"command": "uvx", "args": ["u"]}}}',
      '{"mcpServers": {"a": {"command": "npx", "args": ["a@1.0.0"]}, "r": {"command": "npx", "args": ["r"]}, "u": {"command": "uvx", "args": ["u"]}}}'
    )
    const b = classifyTexts(
      'mcp.json',
      '{"mcpServers": {"x": {"command": "npx", "args": ["x"]}}}',
      null
    )
    const summary = summariseChanges([a, b])
    expect(summary).toEqual({
      servers: { added: 2, changed: 1, removed: 1, unchanged: 1 },
      configs: { added: 1, removed: 0, modified: 1, unchanged: 0, unknown: 0 }
    })
    expect(summaryText(summary)).toBe('2 added, 1 changed, 1 removed, 1 unchanged')
    expect(summaryText(summariseChanges([]))).toBe('no servers')
    expect(a.servers.map(changeText)).toEqual(['changed: 1.0.0 → 2.0.0', 'added', 'unchanged'])
    expect(a.removed.map(changeText)).toEqual(['removed'])
  })
})

describe('scope', () => {
  it('reads the input: empty is all, case and spaces ignored', () => {
    expect(parseChangeScope(undefined)).toBe('all')
    expect(parseChangeScope('  ')).toBe('all')
    expect(parseChangeScope(' Changed ')).toBe('changed')
    expect(() => parseChangeScope('everything')).toThrow(
      'scope must be "all" or "changed", got "everything": set the input "scope" to one of them'
    )
  })

  it('unchanged servers block only with scope all; removed ones never', () => {
    expect(
      ['added', 'changed', 'unchanged', 'removed'].map((k) => blocksInScope(k as never, 'all'))
    ).toEqual([true, true, true, false])
    expect(
      ['added', 'changed', 'unchanged', 'removed'].map((k) => blocksInScope(k as never, 'changed'))
    ).toEqual([true, true, false, false])
  })
})
