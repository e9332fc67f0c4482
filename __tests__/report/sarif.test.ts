import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import type { Log, ReportingDescriptor, Result } from 'sarif'
import { ADVISORY_RULE } from '../../src/grade/builtin/advisories/advisory-rules.js'
import { CONFIG_RULE } from '../../src/grade/builtin/config-rules.js'
import { SOURCE_RULE } from '../../src/grade/builtin/source/rules.js'
import { SEVERITIES, type Finding } from '../../src/grade/report.js'
import { REASON_CODES, type Reason } from '../../src/policy/reasons.js'
import { buildReportModel } from '../../src/report/model.js'
import {
  DEFAULT_MAX_RESULTS,
  FINGERPRINT_KEY,
  fingerprintOf,
  plainText,
  renderSarif,
  sarifText
} from '../../src/report/sarif.js'
import { FINDING_SEVERITY, REASON_RULES, cweTag } from '../../src/report/sarif-rules.js'
import { TOOL_VERSION } from '../../src/version.js'
import {
  BELOW_MIN,
  UNPINNED,
  blockedServer,
  config,
  exceptionStatus,
  finding,
  gateRun,
  grade,
  result
} from '../fixtures/report/runs.js'

// The official SARIF 2.1.0 schema (draft-04 dialect: `id`, not `$id`). Ajv 8 speaks draft-07,
// which reads this schema the same once the dialect markers are adapted (it uses no draft-04
// only keyword such as boolean `exclusiveMinimum`).
const schemaPath = new URL(
  '../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
  import.meta.url
)
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>
delete schema.$schema
schema.$id = schema.id
delete schema.id
// ajv is CommonJS: under NodeNext its class is the default export's `default`. `unicodeRegExp:
// false`: the schema's `language` pattern (`…[a-zA-Z]{2}]?$`, a stray `]`) is valid JavaScript
// only without the `u` flag.
const ajv = new Ajv.default({ strict: false, allErrors: true, unicodeRegExp: false })
addFormats.default(ajv)
const validateSarif = ajv.compile(schema)

function expectValidSarif(log: unknown): void {
  const ok = validateSarif(log)
  expect(ajv.errorsText(validateSarif.errors)).toBe('No errors')
  expect(ok).toBe(true)
}

const docs = readFileSync(new URL('../../docs/sarif.md', import.meta.url), 'utf8')

function run0(log: Log) {
  const run = log.runs[0]!
  return {
    run,
    rules: run.tool.driver.rules ?? [],
    results: run.results ?? []
  }
}

function ruleOf(log: Log, r: Result): ReportingDescriptor {
  const { rules } = run0(log)
  const rule = rules[r.ruleIndex!]
  expect(rule?.id).toBe(r.ruleId)
  return rule!
}

const fp = (r: Result): string => r.partialFingerprints![FINGERPRINT_KEY]!

const advisoryFinding: Finding = {
  ruleId: ADVISORY_RULE.high.id,
  axis: 'security',
  severity: 'high',
  title: ADVISORY_RULE.high.title,
  deduction: 70,
  evidence: { file: 'package.json', snippet: 'GHSA-abcd-efgh-ijkl: path traversal' },
  advisory: {
    id: 'GHSA-abcd-efgh-ijkl',
    url: 'https://github.com/advisories/GHSA-abcd-efgh-ijkl',
    fixedIn: '2025.2.0',
    package: 'glob@7.2.0'
  }
}

const commandInjection: Finding = {
  ruleId: SOURCE_RULE.commandInjection.id,
  axis: 'security',
  severity: 'critical',
  title: SOURCE_RULE.commandInjection.title,
  cwe: 'CWE-78',
  evidence: { file: 'dist/tools/exec.js', line: 42, snippet: 'exec(`git ${args.ref}`)' }
}

const literalSecret: Finding = {
  ruleId: CONFIG_RULE.literalSecret.id,
  axis: 'credentials',
  severity: 'critical',
  title: CONFIG_RULE.literalSecret.title,
  cwe: 'CWE-798',
  evidence: { file: '.mcp.json', line: 9, snippet: 'env.GITHUB_TOKEN = ghp_…(40 chars)' }
}

/** A finding id from an `api` grader, in no built-in catalog. */
const apiFinding: Finding = {
  ruleId: 'vendor/SA-104',
  axis: 'permissions',
  severity: 'medium',
  title: 'Tool can delete repositories',
  cwe: 'CWE-732'
}

const SECRET_REASON: Reason = {
  code: 'LITERAL_SECRET',
  severity: 'error',
  message: 'server "github": env.GITHUB_TOKEN holds a GitHub token (ghp_…(40 chars))',
  fix: 'revoke it and read it from ${env:GITHUB_TOKEN}'
}

const NOTICE: Reason = {
  code: 'EXCEPTION_APPLIED',
  severity: 'notice',
  message: 'server "fs": exception EXC-12 waives GRADE_BELOW_MIN'
}

function blockedRun() {
  return gateRun(
    [
      result({
        name: 'github',
        line: 7,
        column: 5,
        pkg: {
          name: '@modelcontextprotocol/server-github',
          versionSpec: '2025.1.14',
          version: '2025.1.14',
          purl: 'pkg:npm/%40modelcontextprotocol/server-github@2025.1.14'
        },
        grade: grade({
          overall: { score: 41, grade: 'D' },
          findings: [advisoryFinding, commandInjection, apiFinding, literalSecret]
        }),
        configFindings: [literalSecret],
        verdict: 'fail',
        reasons: [
          SECRET_REASON,
          { ...BELOW_MIN, message: 'server "github": overall grade D (41) is below B' },
          {
            code: 'KNOWN_VULNERABILITY',
            severity: 'error',
            message: 'server "github": GHSA-abcd-efgh-ijkl (high) affects glob@7.2.0',
            fix: 'upgrade to 2025.2.0'
          }
        ]
      }),
      result({
        name: 'fs',
        line: 15,
        verdict: 'excepted',
        grade: grade({ findings: [finding({ ruleId: 'vendor/SA-7', severity: 'low' })] }),
        exception: exceptionStatus(),
        reasons: [
          NOTICE,
          {
            ...BELOW_MIN,
            severity: 'warning',
            message: `${BELOW_MIN.message} (waived by exception EXC-12)`
          }
        ]
      }),
      result({
        name: 'ok',
        line: 22,
        grade: grade({ findings: [finding({ ruleId: 'vendor/passed-only' })] })
      })
    ],
    {
      configs: [
        config({ path: '.mcp.json' }),
        config({
          path: 'tools/broken mcp.json',
          error: { message: 'Expected comma', line: 4, column: 12 }
        })
      ]
    }
  )
}

describe('renderSarif', () => {
  it('writes a valid, empty-result log with one rule per reason code for a clean pass', () => {
    const log = renderSarif(buildReportModel(gateRun([result(), result({ name: 'b', line: 9 })])))
    expectValidSarif(log)
    const { run, rules, results } = run0(log)
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
    expect(run.tool.driver).toMatchObject({
      name: 'mcp-grade-gate',
      semanticVersion: TOOL_VERSION,
      informationUri: 'https://github.com/mcp-grade-gate/mcp-grade-gate#readme'
    })
    expect(rules.map((r) => r.id)).toEqual([...REASON_CODES])
    expect(results).toEqual([])
    expect(run.properties).toMatchObject({ verdict: 'pass', droppedResults: 0 })
    expect(run.invocations).toEqual([
      { executionSuccessful: true, startTimeUtc: '2026-11-21T10:00:00.000Z' }
    ])
  })

  it('gives every reason-code rule descriptions, a fix, a level, tags and security-severity', () => {
    const { rules } = run0(renderSarif(buildReportModel(gateRun([]))))
    for (const rule of rules) {
      const info = REASON_RULES[rule.id as keyof typeof REASON_RULES]
      expect(rule.shortDescription?.text).toBe(info.short)
      expect(rule.fullDescription?.text).toBe(info.full)
      expect(rule.help?.text).toContain(`Fix: ${info.fix}`)
      expect(rule.helpUri).toBe('https://github.com/mcp-grade-gate/mcp-grade-gate#reason-codes')
      expect(rule.defaultConfiguration?.level).toBe(info.level)
      expect(rule.properties?.tags).toEqual(expect.arrayContaining(['security', 'mcp']))
      expect(rule.properties?.['security-severity']).toBe(info.securitySeverity)
    }
    const byId = new Map(rules.map((r) => [r.id, r]))
    expect(byId.get('MALWARE')?.properties?.['security-severity']).toBe('10.0')
    expect(byId.get('LITERAL_SECRET')?.properties?.tags).toEqual([
      'security',
      'mcp',
      'config',
      'credentials',
      'external/cwe/cwe-798'
    ])
    expect(byId.get('EXCEPTION_APPLIED')?.defaultConfiguration?.level).toBe('note')
  })

  it('turns a blocked run into located results for reasons, findings and config errors', () => {
    const log = renderSarif(buildReportModel(blockedRun()))
    expectValidSarif(log)
    const { results } = run0(log)
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ['CONFIG_INVALID', 'error'],
      // github (blocked): its reasons, worst first, then findings, worst first
      ['LITERAL_SECRET', 'error'],
      ['GRADE_BELOW_MIN', 'error'],
      ['KNOWN_VULNERABILITY', 'error'],
      ['source.command-injection', 'error'],
      ['config.literal-secret', 'error'],
      ['advisory.high', 'error'],
      ['vendor/SA-104', 'warning'],
      // fs (excepted): the waived reason as a warning; the notice is left out
      ['GRADE_BELOW_MIN', 'warning'],
      ['vendor/SA-7', 'note']
      // ok (passed): nothing, its finding included
    ])

    const [configError, secret, , , injection, , advisory, api] = results
    expect(configError!.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'tools/broken%20mcp.json', uriBaseId: '%SRCROOT%' },
          region: { startLine: 4, startColumn: 12 }
        }
      }
    ])
    expect(configError!.message.text).toContain('Expected comma')
    for (const r of results.slice(1, 8)) {
      expect(r.locations![0]!.physicalLocation).toEqual({
        artifactLocation: { uri: '.mcp.json', uriBaseId: '%SRCROOT%' },
        region: { startLine: 7, startColumn: 5 }
      })
    }
    expect(results[8]!.locations![0]!.physicalLocation!.region).toEqual({
      startLine: 15,
      startColumn: 5
    })

    expect(secret!.message.text).toBe(
      'server "github": env.GITHUB_TOKEN holds a GitHub token (ghp_…(40 chars)). Fix: revoke it and read it from ${env:GITHUB_TOKEN}'
    )
    expect(injection!.message.text).toBe(
      'MCP server "github" (@modelcontextprotocol/server-github@2025.1.14): critical finding: ' +
        `${SOURCE_RULE.commandInjection.title} — evidence: dist/tools/exec.js:42; CWE-78; ` +
        'snippet "exec(`git ${args.ref}`)"'
    )
    expect(advisory!.message.text).toContain(
      'evidence: package.json; advisory GHSA-abcd-efgh-ijkl in glob@7.2.0, fixed in 2025.2.0'
    )
    expect(advisory!.properties).toMatchObject({
      server: 'github',
      verdict: 'fail',
      grade: 'D (41)',
      purl: 'pkg:npm/%40modelcontextprotocol/server-github@2025.1.14',
      advisory: 'GHSA-abcd-efgh-ijkl'
    })
    expect(api!.message.text).toContain('medium finding: Tool can delete repositories')
    expect(results[8]!.message.text).toContain('(waived by exception EXC-12)')
  })

  it('lists the grader rules the results use, from the catalogs or from the findings', () => {
    const log = renderSarif(buildReportModel(blockedRun()))
    const { rules, results } = run0(log)
    expect(rules.slice(REASON_CODES.length).map((r) => r.id)).toEqual([
      'advisory.high',
      'config.literal-secret',
      'source.command-injection',
      'vendor/SA-104',
      'vendor/SA-7'
    ])
    for (const r of results) ruleOf(log, r)

    const injection = ruleOf(
      log,
      results.find((r) => r.ruleId === 'source.command-injection')!
    )
    expect(injection.shortDescription?.text).toBe(SOURCE_RULE.commandInjection.title)
    expect(injection.fullDescription?.text).toBe(SOURCE_RULE.commandInjection.rationale)
    expect(injection.helpUri).toBe(
      'https://github.com/mcp-grade-gate/mcp-grade-gate/blob/main/docs/grading.md#source-rules'
    )
    expect(injection.properties?.['security-severity']).toBe(
      FINDING_SEVERITY[SOURCE_RULE.commandInjection.severity].securitySeverity
    )
    expect(injection.properties?.tags).toEqual([
      'security',
      'mcp',
      'builtin-grader',
      ...(SOURCE_RULE.commandInjection.cwe ? [cweTag(SOURCE_RULE.commandInjection.cwe)] : [])
    ])

    const api = ruleOf(
      log,
      results.find((r) => r.ruleId === 'vendor/SA-104')!
    )
    expect(api.shortDescription?.text).toBe('Tool can delete repositories')
    expect(api.defaultConfiguration?.level).toBe('warning')
    expect(api.properties).toEqual({
      tags: ['security', 'mcp', 'grader', 'permissions', 'external/cwe/cwe-732'],
      'security-severity': '5.5'
    })
    expect(api.fullDescription?.text).toContain('builtin: mcp-grade-gate-builtin 0.1.0')
  })

  it('rates an external rule by the worst severity among its findings', () => {
    const servers = ['low', 'high', 'medium'].map((severity, i) =>
      result({
        name: `s${i}`,
        line: i + 1,
        verdict: 'fail',
        reasons: [UNPINNED],
        grade: grade({
          findings: [finding({ ruleId: 'vendor/X', severity: severity as Finding['severity'] })]
        })
      })
    )
    const { rules } = run0(renderSarif(buildReportModel(gateRun(servers))))
    const rule = rules.find((r) => r.id === 'vendor/X')!
    expect(rule.properties?.['security-severity']).toBe('8.0')
    expect(rule.defaultConfiguration?.level).toBe('error')
  })

  it('keeps a grader rule id that equals a reason code apart from the reason rule', () => {
    const run = gateRun([
      result({
        verdict: 'fail',
        reasons: [UNPINNED],
        grade: grade({ findings: [finding({ ruleId: 'UNPINNED', title: 'floating tag' })] })
      })
    ])
    const log = renderSarif(buildReportModel(run))
    expectValidSarif(log)
    const { rules, results } = run0(log)
    expect(results.map((r) => r.ruleId)).toEqual(['UNPINNED', 'finding/UNPINNED'])
    expect(rules.filter((r) => r.id === 'UNPINNED')).toHaveLength(1)
    expect(ruleOf(log, results[1]!).shortDescription?.text).toBe('floating tag')
  })

  it('locates absolute config paths with a file URI and encodes odd path characters', () => {
    const run = gateRun([
      result({ config: '/home/dev/my repo/.mcp.json', verdict: 'fail', reasons: [UNPINNED] }),
      result({ config: './a#b/c:d/mcp.json', verdict: 'fail', reasons: [UNPINNED] })
    ])
    const log = renderSarif(buildReportModel(run))
    expectValidSarif(log)
    expect(
      run0(log).results.map((r) => r.locations![0]!.physicalLocation!.artifactLocation)
    ).toEqual([
      { uri: 'file:///home/dev/my%20repo/.mcp.json' },
      { uri: 'a%23b/c%3Ad/mcp.json', uriBaseId: '%SRCROOT%' }
    ])
  })

  it('uses the given information URI for the driver and the reason-code help links', () => {
    const log = renderSarif(buildReportModel(gateRun([])), {
      informationUri: 'https://example.com/gate/README.md',
      rubricUri: 'https://example.com/gate/grading.md#top'
    })
    const { run, rules } = run0(log)
    expect(run.tool.driver.informationUri).toBe('https://example.com/gate/README.md')
    expect(rules[0]!.helpUri).toBe('https://example.com/gate/README.md#reason-codes')
    expect(() => renderSarif(buildReportModel(gateRun([])), { informationUri: 'no url' })).toThrow(
      TypeError
    )
  })

  it('rejects a maxResults that is not a positive integer', () => {
    const model = buildReportModel(gateRun([]))
    for (const maxResults of [0, -1, 1.5, Number.NaN]) {
      expect(() => renderSarif(model, { maxResults })).toThrow(RangeError)
    }
  })
})

describe('renderSarif with many servers', () => {
  /** 200 blocked servers (2 error reasons + a high and a low finding) and 100 warned ones. */
  function bigRun() {
    const blocked = Array.from({ length: 200 }, (_, i) =>
      result({
        name: `blocked-${i}`,
        line: i + 1,
        verdict: 'fail',
        reasons: [BELOW_MIN, UNPINNED],
        grade: grade({
          findings: [
            finding({ ruleId: 'vendor/high', severity: 'high' }),
            finding({ ruleId: 'vendor/low', severity: 'low' })
          ]
        })
      })
    )
    const warned = Array.from({ length: 100 }, (_, i) =>
      result({
        name: `warned-${i}`,
        line: 500 + i,
        verdict: 'warn',
        reasons: [{ ...UNPINNED, severity: 'warning' }]
      })
    )
    return gateRun([...blocked, ...warned])
  }

  it('writes every result of a 300-server run under the default limit', () => {
    const log = renderSarif(buildReportModel(bigRun()))
    expectValidSarif(log)
    const { run, results } = run0(log)
    expect(results).toHaveLength(200 * 4 + 100)
    expect(run.properties).toMatchObject({ maxResults: DEFAULT_MAX_RESULTS, droppedResults: 0 })
    expect(run.invocations![0]!.toolExecutionNotifications).toBeUndefined()
    expect(new Set(results.map(fp)).size).toBe(results.length)
  })

  it('keeps the worst results beyond maxResults and says how many were dropped', () => {
    const log = renderSarif(buildReportModel(bigRun()), { maxResults: 700 })
    expectValidSarif(log)
    const { run, rules, results } = run0(log)
    expect(results).toHaveLength(700)
    // 600 errors (400 reasons + 200 high findings) and the 100 warnings, no note-level result
    expect(results.filter((r) => r.level === 'error')).toHaveLength(600)
    expect(results.filter((r) => r.level === 'warning')).toHaveLength(100)
    expect(results.some((r) => r.ruleId === 'vendor/low')).toBe(false)
    expect(rules.map((r) => r.id)).not.toContain('vendor/low')
    expect(rules.map((r) => r.id)).toContain('vendor/high')
    // report order is kept among the kept results
    expect(results.slice(0, 3).map((r) => r.ruleId)).toEqual([
      'GRADE_BELOW_MIN',
      'UNPINNED',
      'vendor/high'
    ])
    expect(run.properties).toMatchObject({ maxResults: 700, droppedResults: 200 })
    expect(run.invocations![0]!.toolExecutionNotifications![0]!.message.text).toContain(
      '200 of 900 results were left out'
    )
  })

  it('ranks by security-severity within a level when cutting', () => {
    const log = renderSarif(buildReportModel(bigRun()), { maxResults: 250 })
    const { results } = run0(log)
    // high findings (8.0) beat GRADE_BELOW_MIN (7.0) and UNPINNED (5.5)
    expect(results.filter((r) => r.ruleId === 'vendor/high')).toHaveLength(200)
    expect(results.filter((r) => r.ruleId === 'GRADE_BELOW_MIN')).toHaveLength(50)
  })
})

describe('fingerprints', () => {
  const bumped = (version: string, name = '@modelcontextprotocol/server-filesystem') =>
    gateRun([
      result({
        verdict: 'fail',
        pkg: {
          name,
          version,
          versionSpec: version,
          purl: `pkg:npm/${name.replace('@', '%40')}@${version}`
        },
        reasons: [BELOW_MIN],
        grade: grade({
          findings: [finding(), finding({ ruleId: 'advisory.high', advisory: { id: 'GHSA-1' } })]
        })
      })
    ])

  it('keeps an alert identity across a version bump and across runs', () => {
    const a = run0(renderSarif(buildReportModel(bumped('1.0.0')))).results.map(fp)
    const b = run0(renderSarif(buildReportModel(bumped('1.1.0')))).results.map(fp)
    expect(a).toHaveLength(3)
    expect(b).toEqual(a)
    expect(a.every((f) => /^[0-9a-f]{32}$/.test(f))).toBe(true)
  })

  it('changes with the package, the server, the rule and the advisory', () => {
    const base = run0(renderSarif(buildReportModel(bumped('1.0.0')))).results.map(fp)
    const other = run0(renderSarif(buildReportModel(bumped('1.0.0', 'other-server')))).results.map(
      fp
    )
    expect(other.filter((f) => base.includes(f))).toEqual([])
    expect(fingerprintOf(['.mcp.json', 'fs', 'UNPINNED', 'pkg:npm/x', ''])).not.toBe(
      fingerprintOf(['.mcp.json', 'fs2', 'UNPINNED', 'pkg:npm/x', ''])
    )
    expect(fingerprintOf(['a', 'b', 'c', 'd', 'e'], 2)).not.toBe(
      fingerprintOf(['a', 'b', 'c', 'd', 'e'])
    )
  })

  it('numbers repeated identities so two floors broken on one server stay two alerts', () => {
    const floor = (axis: string): Reason => ({
      code: 'SUBSCORE_BELOW_FLOOR',
      severity: 'error',
      message: `server "fs": ${axis} is below the floor`
    })
    const run = gateRun([
      result({ verdict: 'fail', reasons: [floor('security'), floor('credentials')] })
    ])
    const [first, second] = run0(renderSarif(buildReportModel(run))).results.map(fp)
    expect(first).not.toBe(second)
    expect(first).toBe(
      fingerprintOf([
        '.mcp.json',
        'fs',
        'SUBSCORE_BELOW_FLOOR',
        'npm:@modelcontextprotocol/server-filesystem',
        ''
      ])
    )
  })
})

describe('untrusted text', () => {
  it('keeps hostile names, titles and snippets plain, one line, unlinked and masked', () => {
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}123456`
    const run = gateRun([
      result({
        name: 'evil [click](https://evil.example) \u202e\u0007\nname',
        config: 'configs/[x]/.mcp.json',
        verdict: 'fail',
        pkg: { name: 'pkg]\\[', purl: null, version: '1.0.0', versionSpec: '1.0.0' },
        reasons: [{ ...UNPINNED, message: 'see [here](1) {0}' }],
        grade: grade({
          findings: [
            finding({
              ruleId: 'vendor/[rule]',
              title: '<script>alert(1)</script> [a](javascript:alert(1))',
              evidence: { file: 'x.js', line: 1, snippet: `const t = "${token}"` }
            })
          ]
        })
      })
    ])
    const log = renderSarif(buildReportModel(run))
    expectValidSarif(log)
    const text = JSON.stringify(log)
    expect(text).not.toContain(token)
    expect(text).not.toContain('\u202e')
    expect(text).not.toContain('\u0007')
    const { rules, results } = run0(log)
    for (const r of results) {
      expect(r.message.text).not.toMatch(/\n/)
      expect(r.message.text).not.toMatch(/(^|[^\\])\[/)
    }
    expect(results[0]!.message.text).toBe(
      'see \\[here\\](1) {0}. Fix: pin it: @modelcontextprotocol/server-filesystem@2026.8.31'
    )
    expect(results[1]!.message.text).toContain('\\[a\\](javascript:alert(1))')
    expect(results[1]!.message.text).toContain('ghp_…(40 chars)')
    expect(results[1]!.properties?.server).toBe(
      'evil [click](https://evil.example) \uFFFD\uFFFD name'
    )
    expect(results[1]!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(
      'configs/%5Bx%5D/.mcp.json'
    )
    const rule = rules.find((r) => r.id === 'vendor/[rule]')!
    expect(rule.shortDescription?.text).toBe(
      '<script>alert(1)</script> \\[a\\](javascript:alert(1))'
    )
  })

  it('escapes brackets and a backslash before them, and clips', () => {
    expect(plainText('a [b] \\[c\\] \\d')).toBe('a \\[b\\] \\\\\\[c\\\\\\] \\d')
    expect(plainText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`)
  })

  it('clips long messages', () => {
    const run = gateRun([
      result({
        verdict: 'fail',
        reasons: [{ ...UNPINNED, message: 'm'.repeat(5000), fix: 'f'.repeat(5000) }]
      })
    ])
    const [r] = run0(renderSarif(buildReportModel(run))).results
    const text = r!.message.text ?? ''
    expect(text.length).toBeLessThanOrEqual(2000)
    expect(text.endsWith('…')).toBe(true)
  })
})

describe('sarifText', () => {
  it('is the log as 2-space JSON with a trailing newline', () => {
    const model = buildReportModel(gateRun([blockedServer()]))
    const text = sarifText(model)
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.split('\n')[1]).toMatch(/^ {2}"\$schema"/)
    expect(JSON.parse(text)).toEqual(renderSarif(model))
  })
})

describe('the schema check', () => {
  it('rejects broken logs, so the validations above are not vacuous', () => {
    const good = renderSarif(buildReportModel(gateRun([blockedServer()])))
    expectValidSarif(good)
    // A deep copy bent into shapes the types forbid, on purpose.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const broken = (mutate: (log: any) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(good))
      mutate(copy)
      return copy
    }
    const cases = [
      broken((l) => (l.version = '2.0.0')),
      broken((l) => delete l.runs[0].tool.driver.name),
      broken((l) => (l.runs[0].results[0].level = 'fatal')),
      broken((l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0)),
      broken((l) => (l.runs[0].results[0].message = 'not an object')),
      broken((l) => (l.runs[0].unknownProperty = true))
    ]
    for (const log of cases) expect(validateSarif(log)).toBe(false)
  })
})

describe('docs/sarif.md', () => {
  const rows = docs
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim())
    )

  it.each([...REASON_CODES])('lists %s with its level, security-severity and tags', (code) => {
    const row = rows.find((cells) => cells[0] === `\`${code}\``)
    const info = REASON_RULES[code]
    expect(row).toEqual([
      `\`${code}\``,
      info.level,
      info.securitySeverity,
      (
        run0(renderSarif(buildReportModel(gateRun([])))).rules.find((r) => r.id === code)
          ?.properties?.tags as string[]
      )
        .filter((t) => t !== 'security' && t !== 'mcp')
        .join(', ')
    ])
  })

  it.each([...SEVERITIES])('lists finding severity %s', (severity) => {
    const row = rows.find((cells) => cells[0] === severity)
    expect(row).toEqual([
      severity,
      FINDING_SEVERITY[severity].level,
      FINDING_SEVERITY[severity].securitySeverity
    ])
  })

  it('keeps every security-severity in GitHub’s 0.1–10.0 range, one decimal', () => {
    const all = [
      ...Object.values(REASON_RULES).map((r) => r.securitySeverity),
      ...Object.values(FINDING_SEVERITY).map((s) => s.securitySeverity)
    ]
    for (const s of all) {
      expect(s).toMatch(/^\d{1,2}\.\d$/)
      expect(Number(s)).toBeGreaterThanOrEqual(0.1)
      expect(Number(s)).toBeLessThanOrEqual(10)
    }
  })

  it('shows the upload step with the sarif-path output and security-events permission', () => {
    expect(docs).toContain('github/codeql-action/upload-sarif@v3')
    expect(docs).toContain('sarif_file: ${{ steps.gate.outputs.sarif-path }}')
    expect(docs).toContain('security-events: write')
    expect(docs).toContain('category:')
  })
})
