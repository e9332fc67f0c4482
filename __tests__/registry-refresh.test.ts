import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { refreshRegistry } from '../src/registry-refresh.js'
import { gateRun, grade, policy, result } from './fixtures/report/runs.js'

const HEADER =
  'server_id,display_name,current_grade,audit_url,audit_date,environments_approved,data_access_summary,data_classification,exception_id,owner_team'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'refresh-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function registryWith(...rows: string[]): string {
  const file = path.join(dir, 'mcp-registry.csv')
  writeFileSync(file, [HEADER, ...rows, ''].join('\n'))
  return file
}

const FS = 'npm:@modelcontextprotocol/server-filesystem'

describe('refreshRegistry (--update-registry, SPEC §7)', () => {
  it('writes the fresh letter and the run’s day into the row of the version that runs', async () => {
    const file = registryWith(`${FS}@2025.1.14,Files,C,,2026-01-01,production,,internal,,platform`)
    const counts = await refreshRegistry(gateRun([result()]), file)
    expect(counts).toEqual({ updated: 1, notInRegistry: 0, otherVersion: 0 })
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(
      `${FS}@2025.1.14,Files,B,,2026-11-21,production,,internal,,platform`
    )
  })

  it('never writes an audit of one version into the row of another', async () => {
    const row = `${FS}@2025.1.13,Files,C,,2026-01-01,production,,internal,,platform`
    const file = registryWith(row)
    const counts = await refreshRegistry(gateRun([result()]), file)
    expect(counts).toEqual({ updated: 0, notInRegistry: 0, otherVersion: 1 })
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(row)
  })

  it('prefers the row of the same version over a row for every version, and counts servers with none', async () => {
    const every = `${FS},Files,C,,2026-01-01,production,,internal,,platform`
    const exact = `${FS}@2025.1.14,Files,C,,2026-01-01,production,,internal,,platform`
    const file = registryWith(every, exact)
    const other = result({
      name: 'other',
      pkg: { name: 'other-mcp', purl: 'pkg:npm/other-mcp@1.0.0' }
    })
    const counts = await refreshRegistry(gateRun([result(), other]), file)
    expect(counts).toEqual({ updated: 1, notInRegistry: 1, otherVersion: 0 })
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(lines[1]).toBe(every)
    expect(lines[2]).toContain(',B,,2026-11-21,')
  })

  it('writes the letter the policy’s scale gives, so the next check sees no drift', async () => {
    // 81 is B on the default scale; under a scale with A from 80 it is A.
    const strict = { ...policy(), scale: { A: 80, B: 70, C: 60, D: 40 } }
    const graded = {
      ...result({ grade: grade({ overall: { score: 81, grade: 'B' } }) }),
      policy: strict
    }
    const file = registryWith(`${FS}@2025.1.14,Files,C,,2026-01-01,production,,internal,,platform`)
    await refreshRegistry(gateRun([graded]), file)
    expect(readFileSync(file, 'utf8').split('\n')[1]).toContain(',A,,2026-11-21,')
  })

  it('skips servers without a grade and grades copied from the registry', async () => {
    const row = `${FS}@2025.1.14,Files,C,,2026-01-01,production,,internal,,platform`
    const file = registryWith(row)
    const copied = result({ grade: grade({ source: 'registry' }) })
    const ungraded = result({ grade: null, gradeProblem: { kind: 'ungraded', message: 'x' } })
    const counts = await refreshRegistry(gateRun([copied, ungraded]), file)
    expect(counts).toEqual({ updated: 0, notInRegistry: 0, otherVersion: 0 })
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe(row)
  })
})
