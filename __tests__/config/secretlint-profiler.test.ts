import { performance } from 'node:perf_hooks'
import { describe, expect, it } from '@jest/globals'
import { findLiteralSecrets } from '../../src/config/secrets.js'
import type { ServerEntry } from '../../src/config/types.js'

function entry(i: number): ServerEntry {
  return {
    config: '.mcp.json',
    format: 'claude-code',
    name: `s${i}`,
    location: { line: 1, column: 1 },
    launch: {
      command: 'npx',
      args: ['-y', `pkg-${i}@1.0.0`],
      env: { LOG_LEVEL: 'info' },
      headers: {}
    },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: []
  }
}

describe('secretlint profiler', () => {
  it('records no performance marks, so many lints do not stall the event loop', async () => {
    performance.clearMarks()
    for (let i = 0; i < 200; i++) await findLiteralSecrets(entry(i))
    expect(performance.getEntriesByType('mark')).toHaveLength(0)
    const started = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(Date.now() - started).toBeLessThan(200)
  })
})
