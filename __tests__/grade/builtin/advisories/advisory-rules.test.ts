import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  ADVISORY_RULE,
  ADVISORY_RULES,
  checkAdvisories
} from '../../../../src/grade/builtin/advisories/advisory-rules.js'
import { loadOsvDatabase } from '../../../../src/grade/builtin/advisories/osv-db.js'
import type { OsvRecord } from '../../../../src/grade/builtin/advisories/osv-record.js'
import {
  AdvisoryLookupError,
  type AdvisorySource
} from '../../../../src/grade/builtin/advisories/source.js'
import { FindingSchema } from '../../../../src/grade/report.js'
import { OSV_FIXTURES, osvRecord } from './osv-fixtures.js'

let source: AdvisorySource
beforeAll(async () => {
  source = await loadOsvDatabase(OSV_FIXTURES)
})

/** A source answering fixed records for every query (they are still matched locally). */
function fixedSource(records: OsvRecord[]): AdvisorySource {
  return { name: 'test source', lookup: (queries) => Promise.resolve(queries.map(() => records)) }
}

describe('ADVISORY_RULES', () => {
  it('are all security rules with the documented deductions', () => {
    expect(ADVISORY_RULES.every((rule) => rule.axis === 'security')).toBe(true)
    expect(ADVISORY_RULES.map((r) => [r.id, r.severity, r.deduction])).toEqual([
      ['advisory.critical', 'critical', 100],
      ['advisory.high', 'high', 70],
      ['advisory.medium', 'medium', 25],
      ['advisory.low', 'low', 10],
      ['advisory.dependency-critical', 'critical', 30],
      ['advisory.dependency-high', 'high', 15],
      ['advisory.dependency-medium', 'medium', 5],
      ['advisory.dependency-low', 'low', 2],
      ['advisory.malware', 'critical', 100],
      ['advisory.not-checked', 'medium', 15]
    ])
    // Two high advisories in dependencies keep security above the quarantine line (60).
    expect(100 - 2 * ADVISORY_RULE.dependencyHigh.deduction).toBeGreaterThanOrEqual(60)
    // Critical/high on the package itself alone take security below 40 (F, SPEC §5).
    expect(100 - ADVISORY_RULE.high.deduction).toBeLessThan(40)
  })
})

describe('checkAdvisories', () => {
  it('mcp-remote 0.1.15: a critical advisory on the package itself', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' },
      dependencies: [],
      source
    })
    expect(findings).toEqual([
      {
        ruleId: 'advisory.critical',
        axis: 'security',
        severity: 'critical',
        deduction: 100,
        title:
          'GHSA-6xpm-ggf7-wc3p: mcp-remote exposed to OS command injection via untrusted MCP server connections',
        cwe: 'CWE-78',
        evidence: { snippet: 'affected: >=0.0.5 <0.1.16; fixed in 0.1.16; severity CVSS_V3 9.6' },
        advisory: {
          id: 'GHSA-6xpm-ggf7-wc3p',
          aliases: ['CVE-2025-6514'],
          url: 'https://osv.dev/vulnerability/GHSA-6xpm-ggf7-wc3p',
          fixedIn: '0.1.16'
        }
      }
    ])
    for (const finding of findings) expect(FindingSchema.parse(finding)).toEqual(finding)
  })

  it('server-filesystem 2025.3.28 has two high advisories; 2025.7.1 none', async () => {
    const name = '@modelcontextprotocol/server-filesystem'
    const old = await checkAdvisories({
      root: { ecosystem: 'npm', name, version: '2025.3.28' },
      dependencies: [],
      source
    })
    expect(old.map((f) => [f.ruleId, f.advisory?.id, f.advisory?.fixedIn, f.cwe])).toEqual([
      ['advisory.high', 'GHSA-hc55-p739-j48w', '2025.7.1', 'CWE-22'],
      ['advisory.high', 'GHSA-q66q-fx2p-7w4m', '2025.7.1', 'CWE-59']
    ])
    const fixed = await checkAdvisories({
      root: { ecosystem: 'npm', name, version: '2025.7.1' },
      dependencies: [],
      source
    })
    expect(fixed).toEqual([])
  })

  it('dependencies: lower deductions, the chain as evidence, malware at full weight', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'my-server', version: '1.0.0' },
      dependencies: [
        { name: 'mcp-remote', version: '0.1.15', via: ['my-server@1.0.0', 'proxy@2.0.0'] },
        { name: 'postmark-mcp', version: '1.0.16', via: ['my-server@1.0.0'] },
        { name: 'mcp-remote', version: '0.1.15', via: ['my-server@1.0.0'] },
        { name: 'mcp-remote', version: '0.1.16', via: ['my-server@1.0.0'] }
      ],
      source
    })
    expect(findings.map((f) => [f.ruleId, f.deduction, f.advisory?.package])).toEqual([
      ['advisory.dependency-critical', 30, 'mcp-remote@0.1.15'],
      ['advisory.malware', 100, 'postmark-mcp@1.0.16']
    ])
    expect(findings[0]?.evidence?.snippet).toBe(
      'mcp-remote@0.1.15; affected: >=0.0.5 <0.1.16; fixed in 0.1.16; severity CVSS_V3 9.6; via my-server@1.0.0 → proxy@2.0.0'
    )
    expect(findings[1]).toMatchObject({
      severity: 'critical',
      cwe: 'CWE-506',
      title: 'MAL-2025-47604: Malicious code in postmark-mcp (npm)',
      advisory: { id: 'MAL-2025-47604', url: 'https://osv.dev/vulnerability/MAL-2025-47604' }
    })
    expect(findings[1]?.advisory?.fixedIn).toBeUndefined()
  })

  it('postmark-mcp itself is malware', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'postmark-mcp', version: '1.0.16' },
      dependencies: [],
      source
    })
    expect(findings.map((f) => f.ruleId)).toEqual(['advisory.malware'])
  })

  it('PyPI mcp-server-git: each advisory rated from its own CVSS v4 vector', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'PyPI', name: 'mcp-server-git', version: '2025.9.1' },
      dependencies: [],
      source
    })
    expect(findings.map((f) => f.advisory?.id).sort()).toEqual([
      'GHSA-5cgr-j3jf-jw3v',
      'GHSA-9xwc-hfwc-8w59',
      'GHSA-j22h-9j4x-23w5'
    ])
    for (const finding of findings) {
      expect(finding.evidence?.snippet).toMatch(/severity CVSS_V4 \d+\.\d$/)
      expect(finding.ruleId).toMatch(/^advisory\.(critical|high|medium|low)$/)
    }
    const lastAffected = findings.find((f) => f.advisory?.id === 'GHSA-9xwc-hfwc-8w59')
    expect(lastAffected?.evidence?.snippet).toContain(
      'affected: >=0 <=2025.11.25; no fixed version'
    )
  })

  it('counts records that alias each other once, preferring the GHSA', async () => {
    const ghsa = osvRecord('GHSA-6xpm-ggf7-wc3p')
    const twin: OsvRecord = {
      ...ghsa,
      id: 'PYSEC-0000-1',
      aliases: ['CVE-2025-6514'],
      database_specific: { severity: 'LOW' }
    }
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' },
      dependencies: [],
      source: fixedSource([twin, ghsa])
    })
    expect(findings.map((f) => f.advisory?.id)).toEqual(['GHSA-6xpm-ggf7-wc3p'])
  })

  it('records a source does not match locally are not reported', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.16' },
      dependencies: [],
      source: fixedSource([osvRecord('GHSA-6xpm-ggf7-wc3p')])
    })
    expect(findings).toEqual([])
  })

  it('no source: not checked is a finding, not a pass', async () => {
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'a', version: '1.0.0' },
      dependencies: [],
      source: null
    })
    expect(findings).toEqual([
      {
        ruleId: 'advisory.not-checked',
        axis: 'security',
        severity: 'medium',
        deduction: 15,
        title: 'Known advisories could not be checked',
        evidence: { snippet: 'advisory lookup is turned off' }
      }
    ])
  })

  it('a failed lookup never rejects: not-checked with the reason, secrets masked', async () => {
    const failing: AdvisorySource = {
      name: 'osv.dev API',
      lookup: () =>
        Promise.reject(
          new AdvisoryLookupError(
            'POST answered 500 for token ghp_abcdefghijklmnopqrstuvwxyz0123456789'
          )
        )
    }
    const findings = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'a', version: '1.0.0' },
      dependencies: [{ name: 'b', version: '1.0.0', via: ['a@1.0.0'] }],
      source: failing
    })
    expect(findings).toHaveLength(1)
    expect(findings[0]?.ruleId).toBe('advisory.not-checked')
    expect(findings[0]?.evidence?.snippet).toContain('osv.dev API: POST answered 500')
    expect(findings[0]?.evidence?.snippet).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789')
  })

  it('clips long summaries and ignores malformed CWE ids', async () => {
    const record: OsvRecord = {
      ...osvRecord('GHSA-6xpm-ggf7-wc3p'),
      summary: 'x'.repeat(1000),
      database_specific: { cwe_ids: ['NVD-CWE-noinfo', 'CWE-94'] }
    }
    const [finding] = await checkAdvisories({
      root: { ecosystem: 'npm', name: 'mcp-remote', version: '0.1.15' },
      dependencies: [],
      source: fixedSource([record])
    })
    expect(finding?.title.length).toBeLessThanOrEqual(200)
    expect(finding?.title.startsWith('GHSA-6xpm-ggf7-wc3p: xxx')).toBe(true)
    expect(finding?.cwe).toBe('CWE-94')
    expect(FindingSchema.safeParse(finding).success).toBe(true)
  })
})
