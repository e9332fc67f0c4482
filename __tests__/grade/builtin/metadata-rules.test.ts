import { describe, expect, it } from '@jest/globals'
import {
  checkRegistryMetadata,
  isRecognisableRepository
} from '../../../src/grade/builtin/metadata-rules.js'
import { ids, manifestOf, packumentOf } from './helpers.js'

const now = new Date('2026-11-21T00:00:00Z')
const recent = { '1.0.0': '2026-10-01T00:00:00Z' }
const repo = { type: 'git', url: 'git+https://github.com/example/example-mcp.git' }
const team = [{ name: 'alice' }, { name: 'bob' }]

function check(
  manifestFields: Record<string, unknown>,
  packumentFields: Record<string, unknown> = {}
): ReturnType<typeof checkRegistryMetadata> {
  const manifest = manifestOf({ repository: repo, ...manifestFields })
  const packument = packumentOf({
    'dist-tags': { latest: manifest.version },
    time: recent,
    maintainers: team,
    ...packumentFields
  })
  return checkRegistryMetadata(packument, manifest, now)
}

describe('checkRegistryMetadata', () => {
  it('only notes the missing provenance (3 points) for a current, maintained, traceable package', () => {
    const findings = check({})
    expect(ids(findings)).toEqual(['npm.no-provenance'])
    expect(findings[0]).toMatchObject({ axis: 'security', severity: 'low', deduction: 3 })
  })

  it('reports a deprecated version with its message', () => {
    const findings = check({ deprecated: 'use other-mcp instead' })
    expect(findings[0]).toMatchObject({
      ruleId: 'npm.deprecated',
      axis: 'maintenance',
      severity: 'high',
      deduction: 40,
      evidence: { snippet: 'use other-mcp instead' }
    })
    // npm un-deprecates with an empty message
    expect(ids(check({ deprecated: '' }))).not.toContain('npm.deprecated')
  })

  it('deducts for no publish in 12 months, more for 24 months', () => {
    const stale = check({}, { time: { '1.0.0': '2025-10-01T00:00:00Z' } })
    expect(ids(stale)).toContain('npm.stale-12m')
    expect(stale.find((f) => f.ruleId === 'npm.stale-12m')?.evidence?.snippet).toBe(
      'newest publish: 1.0.0 on 2025-10-01 (416 days ago)'
    )
    const abandoned = check({}, { time: { '1.0.0': '2023-01-01T00:00:00Z' } })
    expect(ids(abandoned)).toContain('npm.stale-24m')
    expect(ids(abandoned)).not.toContain('npm.stale-12m')
    // created/modified do not count as publishes
    const touched = check(
      {},
      { time: { created: '2026-11-01T00:00:00Z', '1.0.0': '2023-01-01T00:00:00Z' } }
    )
    expect(ids(touched)).toContain('npm.stale-24m')
  })

  it('does not let a publish date from the future hide staleness', () => {
    const hidden = check(
      {},
      { time: { '1.0.0': '2023-01-01T00:00:00Z', '1.0.1': '2999-01-01T00:00:00Z' } }
    )
    expect(ids(hidden)).toContain('npm.stale-24m')
    expect(hidden.find((f) => f.ruleId === 'npm.stale-24m')?.evidence?.snippet).toMatch(
      /^newest publish: 1\.0\.0 on 2023-01-01/
    )
    // Only future dates: recency cannot be assessed, and says so.
    expect(ids(check({}, { time: { '1.0.0': '2999-01-01T00:00:00Z' } }))).toContain(
      'npm.publish-dates-unknown'
    )
    // Within a day of the clock is clock skew, not the future.
    expect(ids(check({}, { time: { '1.0.0': '2026-11-21T20:00:00Z' } }))).toEqual([
      'npm.no-provenance'
    ])
  })

  it('says when the registry gives no publish dates, without deducting', () => {
    const findings = check({}, { time: undefined })
    const unknown = findings.find((f) => f.ruleId === 'npm.publish-dates-unknown')
    expect(unknown).toMatchObject({ severity: 'info' })
    expect(unknown?.deduction).toBeUndefined()
  })

  it('compares the graded version with latest', () => {
    const times = { '1.0.0': '2026-06-01T00:00:00Z', '2.0.0': '2026-11-01T00:00:00Z' }
    const behind = check({}, { 'dist-tags': { latest: '2.0.0' }, time: times })
    expect(behind.find((f) => f.ruleId === 'npm.version-behind-latest')?.evidence?.snippet).toBe(
      'graded 1.0.0 (published 2026-06-01, 173 days ago); latest is 2.0.0 (published 2026-11-01)'
    )
    const old = check(
      {},
      {
        'dist-tags': { latest: '2.0.0' },
        time: { '1.0.0': '2024-06-01T00:00:00Z', '2.0.0': '2026-11-01T00:00:00Z' }
      }
    )
    expect(ids(old)).toContain('npm.version-old')
    expect(ids(old)).not.toContain('npm.version-behind-latest')
    // a version above latest (a prerelease channel, a backport) is not "behind"
    expect(ids(check({ version: '3.0.0' }, { 'dist-tags': { latest: '2.0.0' } }))).not.toContain(
      'npm.version-behind-latest'
    )
  })

  it('says when maintainers are not available, without deducting', () => {
    const findings = check({}, { maintainers: undefined })
    const unknown = findings.find((f) => f.ruleId === 'npm.maintainers-unknown')
    expect(unknown).toMatchObject({ axis: 'maintenance', severity: 'info' })
    expect(unknown?.deduction).toBeUndefined()
  })

  it('deducts for a single maintainer (name only, no e-mail) and for none', () => {
    const single = check({}, { maintainers: ['carol <carol@example.com>'] })
    expect(single.find((f) => f.ruleId === 'npm.single-maintainer')).toMatchObject({
      deduction: 5,
      evidence: { snippet: 'maintainer: carol' }
    })
    expect(ids(check({}, { maintainers: [] }))).toContain('npm.maintainers-none')
    // the version manifest's list is used when the packument has none
    expect(ids(check({ maintainers: [{ name: 'dave' }] }, { maintainers: undefined }))).toContain(
      'npm.single-maintainer'
    )
  })

  it('checks the repository', () => {
    expect(ids(check({ repository: undefined }))).toContain('npm.repository-missing')
    expect(ids(check({ repository: { type: 'git' } }))).toContain('npm.repository-missing')
    const odd = check({ repository: 'see our website' })
    expect(odd.find((f) => f.ruleId === 'npm.repository-unrecognised')?.evidence?.snippet).toBe(
      'see our website'
    )
    expect(ids(check({ repository: 'github:example/example-mcp' }))).not.toContain(
      'npm.repository-unrecognised'
    )
  })

  it('reports provenance as info, without deduction', () => {
    const findings = check({
      dist: {
        tarball: 'https://registry.test/x.tgz',
        attestations: {
          url: 'https://registry.test/-/npm/v1/attestations/x@1.0.0',
          provenance: { predicateType: 'https://slsa.dev/provenance/v1' }
        }
      }
    })
    expect(ids(findings)).toEqual(['npm.provenance'])
    expect(findings[0]).toMatchObject({ severity: 'info', axis: 'security' })
  })
})

describe('isRecognisableRepository', () => {
  it.each([
    ['git+https://github.com/upstash/context7.git', true],
    ['https://github.com/punkpeye/mcp-remote', true],
    ['git@github.com:x/y.git', true],
    ['owner/repo', true],
    ['https://git.example.org/team/repo', true],
    ['git://git.sv.gnu.org/x.git', true],
    ['not a url', false],
    ['ftp://example.org/repo', false],
    ['https://localhost/x', false]
  ])('%s → %s', (url, expected) => {
    expect(isRecognisableRepository(url)).toBe(expected)
  })
})
