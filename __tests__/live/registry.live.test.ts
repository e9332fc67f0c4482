/**
 * Live checks against the real npm registry (`npm run test:live`; never part of `npm test`).
 * They confirm that what the unit tests simulate with recorded data still holds on the wire.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { gate } from '../../src/gate.js'

let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gate-live-'))
  writeFileSync(
    path.join(dir, '.mcp.json'),
    JSON.stringify(
      {
        mcpServers: {
          pinned: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/srv']
          },
          unpinned: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv']
          }
        }
      },
      null,
      2
    )
  )
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('against registry.npmjs.org', () => {
  it('grades a pinned server and resolves an unpinned one to a real version', async () => {
    const run = await gate({ paths: ['.mcp.json'], cwd: dir })
    const [pinned, unpinned] = run.servers
    expect(pinned?.server.package).toMatchObject({ version: '2026.8.31', pinned: true })
    expect(pinned?.grade?.overall.grade).toMatch(/^[A-F]$/)
    expect(pinned?.grade?.subScores.documentation).not.toBeNull()
    expect(unpinned?.server.package.pinned).toBe(false)
    expect(unpinned?.server.package.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(unpinned?.reasons.map((r) => r.code)).toContain('UNPINNED')
  })
})
