import { describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import { parsePolicyText } from '../../src/policy/load.js'
import { parseRegistryText } from '../../src/policy/registry-file.js'
import { createPolicyResolver } from '../../src/policy/resolve.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import { makeReport, makeServer } from './make.js'
import { codes, judge, npmServer, ORG_DIR, ORG_SERVERS, orgRegistry, reasonsOf } from './org.js'

const CSV_PATH = join(ORG_DIR, 'mcp-registry.csv')
const HEADER =
  'server_id,display_name,current_grade,audit_url,audit_date,environments_approved,data_access_summary,data_classification,exception_id,owner_team'

/** A registry of CSV `rows` (after the header), read by the project's parser. */
function registryOf(...rows: string[]) {
  return parseRegistryText([HEADER, ...rows].join('\n'), '.github/mcp-registry.csv')
}

function policyFrom(yaml: string, environment: string): EffectivePolicy {
  return createPolicyResolver({
    file: parsePolicyText(yaml, 'p.yml'),
    policyPath: 'p.yml',
    environment
  })('.mcp.json')
}

describe('registry lookup: mixed identity spellings match', () => {
  it.each([
    ['filesystem', 'purl with %40 vs the npx package', 2],
    ['github', 'npm: with upper-case scope vs the lower-case npm name', 3],
    ['fetch', 'pypi:mcp-server-fetch==… vs uvx mcp_server_fetch', 4],
    ['crm', 'an npmjs.com package page vs the npx package', 6],
    [
      'patientRecords',
      'a remote URL with an upper-case host and :443 vs the config URL with a trailing /',
      7
    ],
    ['snowflake', 'pkg:pypi/snowflake-labs-mcp vs Snowflake_Labs.MCP', 10]
  ] as const)('%s: %s', (name, _how, line) => {
    const result = judge(ORG_SERVERS[name]())
    expect(result.registry).not.toBeNull()
    expect(result.registry?.found).toBe(true)
    expect(result.registry?.file).toBe(CSV_PATH)
    expect(result.registry?.entry?.source).toEqual({ file: CSV_PATH, line })
    expect(reasonsOf(result, 'NOT_IN_REGISTRY')).toEqual([])
  })

  it('a clean, approved, recently audited server passes with its registry status filled', () => {
    const result = judge(ORG_SERVERS.filesystem())
    expect(result.verdict).toBe('pass')
    expect(result.reasons).toEqual([])
    expect(result.registry).toMatchObject({
      found: true,
      auditAgeDays: 51,
      approvedForEnvironment: true
    })
    expect(result.registry?.entry?.displayName).toBe('Filesystem (shared drive)')
    expect(result.exception).toBeNull()
    expect(result.compliance).toEqual([])
  })

  it.each(['csv', 'json', 'yml'] as const)(
    'gives the same verdicts and reasons with the %s registry',
    (format) => {
      const registry = orgRegistry(format)
      for (const make of Object.values(ORG_SERVERS)) {
        const server = make()
        const fromCsv = judge(server)
        const fromFormat = judge(server, { registry })
        expect({
          name: server.entry.name,
          verdict: fromFormat.verdict,
          codes: codes(fromFormat)
        }).toEqual({
          name: server.entry.name,
          verdict: fromCsv.verdict,
          codes: codes(fromCsv)
        })
      }
    }
  )
})

describe('NOT_IN_REGISTRY', () => {
  it('blocks an unlisted server in production, naming the file and the server_id to add', () => {
    const result = judge(ORG_SERVERS.unlisted())
    expect(result.verdict).toBe('fail')
    expect(codes(result)).toEqual(['NOT_IN_REGISTRY:error'])
    const [reason] = result.reasons
    expect(reason?.message).toContain(`not in the registry ${CSV_PATH}`)
    expect(reason?.message).toContain('production requires a registry row for every server')
    expect(reason?.fix).toContain('pkg:npm/%40acme/unlisted-mcp@0.1.0')
    expect(result.registry).toEqual({
      file: CSV_PATH,
      found: false,
      entry: null,
      auditAgeDays: null,
      approvedForEnvironment: null
    })
  })

  it('applies only where requireRegistry: nothing in development and ci', () => {
    for (const environment of ['development', 'ci']) {
      const result = judge(ORG_SERVERS.unlisted(), { environment })
      expect(result.verdict).toBe('pass')
      expect(result.registry?.found).toBe(false)
    }
  })

  it('a policy can require the registry in development, or soften it in production', () => {
    const dev = policyFrom(
      'environments:\n  development:\n    requireRegistry: true\n',
      'development'
    )
    expect(codes(judge(ORG_SERVERS.unlisted(), { policy: dev }))).toEqual(['NOT_IN_REGISTRY:error'])
    const soft = policyFrom(
      'environments:\n  production:\n    registryChecks: { notInRegistry: warning }\n',
      'production'
    )
    const result = judge(ORG_SERVERS.unlisted(), { policy: soft })
    expect(codes(result)).toEqual(['NOT_IN_REGISTRY:warning'])
    expect(result.verdict).toBe('warn')
  })

  it('without a registry file there are no registry checks and no registry status', () => {
    const result = judge(ORG_SERVERS.unlisted(), { registry: null })
    expect(result.verdict).toBe('pass')
    expect(result.registry).toBeNull()
  })

  it('does not put the query of a remote URL into the suggested server_id', () => {
    const remote = makeServer(
      {
        ecosystem: 'remote',
        name: 'https://mcp.vendor.example/mcp?api_key=sk-live-0123456789abcdef',
        versionSpec: null,
        version: null,
        pinned: false,
        purl: null,
        launcher: 'url',
        resolution: { status: 'n/a' }
      },
      'vendor'
    )
    const [reason] = judge(remote).reasons
    expect(reason?.code).toBe('NOT_IN_REGISTRY')
    expect(JSON.stringify(reason)).not.toContain('sk-live')
  })
})

describe('NOT_APPROVED_FOR_ENVIRONMENT', () => {
  it('blocks in production when the row approves only dev, listing what it approves', () => {
    const result = judge(ORG_SERVERS.wiki())
    const [reason] = reasonsOf(result, 'NOT_APPROVED_FOR_ENVIRONMENT')
    expect(reason?.severity).toBe('error')
    expect(reason?.message).toContain(
      `the registry row (${CSV_PATH}:8) approves it for development, not production`
    )
    expect(reason?.fix).toContain('add production to environments_approved')
    expect(result.registry?.approvedForEnvironment).toBe(false)
    expect(result.verdict).toBe('fail')
  })

  it('reads prod/dev spellings: "prod" in the row approves production', () => {
    const result = judge(ORG_SERVERS.fetch(), { today: '2026-09-01' })
    expect(result.registry?.approvedForEnvironment).toBe(true)
    expect(reasonsOf(result, 'NOT_APPROVED_FOR_ENVIRONMENT')).toEqual([])
  })

  it('only warns in development, and a policy can turn it off', () => {
    const result = judge(ORG_SERVERS.filesystem(), {
      environment: 'ci',
      registry: orgRegistry()
    })
    expect(codes(result)).toEqual(['NOT_APPROVED_FOR_ENVIRONMENT:warning'])
    const off = policyFrom('environments:\n  ci:\n    registryChecks: { notApproved: off }\n', 'ci')
    expect(judge(ORG_SERVERS.filesystem(), { policy: off }).reasons).toEqual([])
  })

  it('matches custom environment names as written in the row', () => {
    const registry = registryOf(
      'npm:@acme/eu-mcp@1.0.0,EU,A,,2026-11-01,EU-Prod;staging,Reads EU tickets.,internal,,eu-team'
    )
    const policy = policyFrom('environments:\n  eu-prod:\n    extends: production\n', 'eu-prod')
    const result = judge(npmServer('@acme/eu-mcp', '1.0.0', 'eu'), { policy, registry })
    expect(result.registry?.approvedForEnvironment).toBe(true)
    expect(result.verdict).toBe('pass')
  })
})

describe('AUDIT_STALE', () => {
  it('warns at 86 days: re-audit before day 90', () => {
    const result = judge(ORG_SERVERS.github())
    expect(codes(result)).toEqual(['AUDIT_STALE:warning'])
    expect(result.reasons[0]?.message).toContain(
      'the audit of 2026-08-27 is 86 days old; re-audit before day 90'
    )
    expect(result.registry?.auditAgeDays).toBe(86)
    expect(result.verdict).toBe('warn')
  })

  it('blocks at 91 days in production, naming the age and the limit', () => {
    const result = judge(ORG_SERVERS.fetch())
    expect(codes(result)).toEqual(['AUDIT_STALE:error'])
    expect(result.reasons[0]?.message).toContain(
      'the audit of 2026-08-22 is 91 days old, older than the 90 days production allows'
    )
    expect(result.reasons[0]?.fix).toContain('update audit_date and current_grade')
    expect(result.verdict).toBe('fail')
  })

  it.each([
    ['2026-12-24', 84, []],
    ['2026-12-25', 85, ['AUDIT_STALE:warning']],
    ['2026-12-30', 90, ['AUDIT_STALE:warning']],
    ['2026-12-31', 91, ['AUDIT_STALE:error']]
  ])('on %s the 2026-10-01 audit is %i days old: %j', (today, age, expected) => {
    const result = judge(ORG_SERVERS.filesystem(), { today })
    expect(result.registry?.auditAgeDays).toBe(age)
    expect(codes(result)).toEqual(expected)
  })

  it('counts UTC calendar days across a year end and a leap day', () => {
    const registry = registryOf(
      'npm:@acme/old-mcp@1.0.0,Old,B,,2027-12-31,prod,Reads.,internal,,team'
    )
    const result = judge(npmServer('@acme/old-mcp', '1.0.0', 'old'), {
      registry,
      today: '2028-03-01'
    })
    expect(result.registry?.auditAgeDays).toBe(61)
  })

  it('a stale audit only warns in development', () => {
    const result = judge(ORG_SERVERS.metrics(), { environment: 'development', today: '2027-02-01' })
    expect(codes(result)).toEqual(['AUDIT_STALE:warning'])
    expect(result.reasons[0]?.message).toContain(
      '104 days old, older than the 90 days development allows'
    )
  })

  it('a row without audit_date is stale: its age is unknown', () => {
    const registry = registryOf('npm:@acme/new-mcp@1.0.0,New,B,,,prod,Reads.,internal,,team')
    const result = judge(npmServer('@acme/new-mcp', '1.0.0', 'new'), { registry })
    expect(codes(result)).toEqual(['AUDIT_STALE:error'])
    expect(result.reasons[0]?.message).toContain("has no audit_date, so the audit's age is unknown")
    expect(result.registry?.auditAgeDays).toBeNull()
  })

  it('an audit_date after today is a warning to correct the date', () => {
    const registry = registryOf(
      'npm:@acme/new-mcp@1.0.0,New,B,,2026-12-01,prod,Reads.,internal,,team'
    )
    const result = judge(npmServer('@acme/new-mcp', '1.0.0', 'new'), { registry })
    expect(codes(result)).toEqual(['AUDIT_STALE:warning'])
    expect(result.reasons[0]?.message).toContain('audit_date 2026-12-01')
    expect(result.reasons[0]?.message).toContain('is after today (2026-11-21)')
    expect(result.registry?.auditAgeDays).toBe(-10)
  })

  it('follows maxAuditAgeDays and auditWarningDays from the policy', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    maxAuditAgeDays: 45\n    auditWarningDays: 30\n',
      'production'
    )
    expect(policy.rules.maxAuditAgeDays).toBe(45)
    const stale = judge(ORG_SERVERS.filesystem(), { policy })
    expect(codes(stale)).toEqual(['AUDIT_STALE:error'])
    expect(stale.reasons[0]?.message).toContain(
      '51 days old, older than the 45 days production allows'
    )
    const soon = judge(ORG_SERVERS.filesystem(), { policy, today: '2026-11-05' })
    expect(soon.reasons[0]?.message).toContain('35 days old; re-audit before day 45')
    expect(codes(soon)).toEqual(['AUDIT_STALE:warning'])
  })

  it('auditStale: off silences the check, warning never blocks', () => {
    const off = policyFrom(
      'environments:\n  production:\n    registryChecks: { auditStale: off }\n',
      'production'
    )
    expect(judge(ORG_SERVERS.fetch(), { policy: off }).reasons).toEqual([])
    const warn = policyFrom(
      'environments:\n  production:\n    registryChecks: { auditStale: warning }\n',
      'production'
    )
    expect(codes(judge(ORG_SERVERS.fetch(), { policy: warn }))).toEqual(['AUDIT_STALE:warning'])
  })
})

describe('REGISTRY_VERSION_MISMATCH', () => {
  it('names both digests when the config runs another image digest', () => {
    const result = judge(ORG_SERVERS.githubImage())
    expect(codes(result)).toEqual(['REGISTRY_VERSION_MISMATCH:error'])
    const message = result.reasons[0]?.message ?? ''
    expect(message).toContain(
      'the config runs digest sha256:c071cf5f5ed6f884cc70155b6f05f755fd46a302d05e4261b7e92ce878bbfed8'
    )
    expect(message).toContain(
      'approves digest sha256:2687f86ed6784b8a5fca36e6c468e12aa44dc3c7e8137e3160d1a95079bdcd02'
    )
    expect(result.verdict).toBe('fail')
  })

  it('names both versions for an npm package bumped past the approved one', () => {
    const result = judge(
      npmServer('@modelcontextprotocol/server-filesystem', '2025.11.25', 'filesystem')
    )
    expect(codes(result)).toEqual(['REGISTRY_VERSION_MISMATCH:error'])
    expect(result.reasons[0]?.message).toContain(
      'the config runs version 2025.11.25, but the registry row'
    )
    expect(result.reasons[0]?.message).toContain('approves version 2025.8.21')
    expect(result.reasons[0]?.fix).toContain('run the approved version (version 2025.8.21)')
  })

  it('equal PEP 440 versions are the same version (1.3.2 = 1.3.2.0)', () => {
    const server = ORG_SERVERS.snowflake()
    const result = judge({ ...server, package: { ...server.package, version: '1.3.2.0' } })
    expect(reasonsOf(result, 'REGISTRY_VERSION_MISMATCH')).toEqual([])
  })

  it('a version the gate does not know is a mismatch too (unknown is never a pass)', () => {
    const server = npmServer('@acme/metrics-mcp', '2.1.0', 'metrics')
    const unknown = {
      ...server,
      package: {
        ...server.package,
        versionSpec: 'latest',
        version: null,
        pinned: false,
        purl: null,
        resolution: { status: 'offline' as const }
      }
    }
    const result = judge(unknown)
    const [mismatch] = reasonsOf(result, 'REGISTRY_VERSION_MISMATCH')
    expect(mismatch?.message).toContain('a version the gate could not determine ("latest")')
    expect(mismatch?.message).toContain('approves version 2.1.0')
    expect(codes(result)).toEqual(['UNPINNED:error', 'REGISTRY_VERSION_MISMATCH:error'])
  })

  describe('an OCI digest and a tag cannot be compared', () => {
    const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
    const image = (version: string) =>
      makeServer(
        {
          ecosystem: 'oci',
          name: 'ghcr.io/github/github-mcp-server',
          versionSpec: version,
          version,
          pinned: version.startsWith('sha256:'),
          purl: null,
          launcher: 'docker'
        },
        'gh'
      )

    it('a digest in the config against a tag in the row: name the digest in server_id', () => {
      const registry = registryOf(
        'oci:ghcr.io/github/github-mcp-server:v1,GitHub,A,,2026-11-01,prod,Reads.,internal,,team'
      )
      const result = judge(image(DIGEST), { registry })
      expect(codes(result)).toEqual(['REGISTRY_VERSION_MISMATCH:error'])
      expect(result.reasons[0]?.message).toBe(
        `server "gh" (image ghcr.io/github/github-mcp-server@${DIGEST}): the digest ${DIGEST} the config runs cannot be compared with the tag v1 the registry row (.github/mcp-registry.csv:2) names; name the digest in server_id`
      )
      expect(result.reasons[0]?.message).not.toContain('could not determine')
      expect(result.reasons[0]?.fix).toContain(
        `write server_id oci:ghcr.io/github/github-mcp-server@${DIGEST} in .github/mcp-registry.csv:2`
      )
    })

    it('a tag in the config against a digest in the row: pin the approved digest', () => {
      const registry = registryOf(
        `oci:ghcr.io/github/github-mcp-server@${DIGEST},GitHub,A,,2026-11-01,prod,Reads.,internal,,team`
      )
      const result = judge(image('v1'), { registry })
      const [mismatch] = reasonsOf(result, 'REGISTRY_VERSION_MISMATCH')
      expect(mismatch?.message).toContain(
        `the tag v1 the config runs cannot be compared with the digest ${DIGEST} the registry row (.github/mcp-registry.csv:2) names; pin the digest the registry approves`
      )
      expect(mismatch?.fix).toContain(
        `run it by the approved digest (${DIGEST}) instead of the tag v1`
      )
    })
  })

  it('a row without a version approves every version', () => {
    const registry = registryOf('npm:@acme/any-mcp,Any,B,,2026-11-01,prod,Reads.,internal,,team')
    const result = judge(npmServer('@acme/any-mcp', '9.9.9', 'any'), { registry })
    expect(result.reasons).toEqual([])
  })

  it('only warns in development', () => {
    const result = judge(ORG_SERVERS.githubImage(), { environment: 'development' })
    expect(codes(result)).toEqual([
      'NOT_APPROVED_FOR_ENVIRONMENT:warning',
      'REGISTRY_VERSION_MISMATCH:warning'
    ])
  })
})

describe('REGISTRY_GRADE_DRIFT', () => {
  // B: enough for development with internal data (B), below the recorded A.
  const gradeB = makeReport({ overall: 80, axes: { maintenance: 70, documentation: 65 } })

  it('warns when the fresh grade is below current_grade, naming both', () => {
    const result = judge(ORG_SERVERS.metrics(), { environment: 'development', grade: gradeB })
    expect(codes(result)).toEqual(['REGISTRY_GRADE_DRIFT:warning'])
    expect(result.reasons[0]?.message).toContain(
      "the fresh builtin grade B (80) is below the registry's current_grade A (audit of 2026-10-20)"
    )
    expect(result.verdict).toBe('warn')
  })

  it('compares letters under the policy scale', () => {
    const policy = policyFrom('scale: { A: 96, B: 80, C: 65, D: 45 }\n', 'development')
    const result = judge(ORG_SERVERS.metrics(), { policy, grade: makeReport({ overall: 95 }) })
    expect(reasonsOf(result, 'REGISTRY_GRADE_DRIFT')[0]?.message).toContain('grade B (95)')
  })

  it('is silent for an equal or better grade, and for the registry grader', () => {
    expect(judge(ORG_SERVERS.metrics(), { environment: 'development' }).reasons).toEqual([])
    const recorded = makeReport({ overall: 'C', source: 'registry', axes: { security: null } })
    const result = judge(ORG_SERVERS.metrics(), { environment: 'development', grade: recorded })
    expect(reasonsOf(result, 'REGISTRY_GRADE_DRIFT')).toEqual([])
  })

  it('a policy can make drift block', () => {
    const policy = policyFrom(
      'environments:\n  development:\n    registryChecks: { gradeDrift: error }\n',
      'development'
    )
    expect(codes(judge(ORG_SERVERS.metrics(), { policy, grade: gradeB }))).toEqual([
      'REGISTRY_GRADE_DRIFT:error'
    ])
  })
})

describe('REGISTRY_INCOMPLETE', () => {
  it('names both missing columns in one warning in production', () => {
    const result = judge(ORG_SERVERS.wiki())
    const [reason] = reasonsOf(result, 'REGISTRY_INCOMPLETE')
    expect(reason?.severity).toBe('warning')
    expect(reason?.message).toContain('has no owner_team and data_access_summary')
    expect(reason?.fix).toContain('owner_team (the team that watches this server)')
  })

  it('is off in development by default', () => {
    expect(judge(ORG_SERVERS.wiki(), { environment: 'development' }).reasons).toEqual([])
  })

  it('gives one reason per severity when the two checks differ', () => {
    const policy = policyFrom(
      'environments:\n  production:\n    registryChecks: { missingOwner: error, notApproved: off }\n',
      'production'
    )
    const result = judge(ORG_SERVERS.wiki(), { policy })
    expect(codes(result)).toEqual(['REGISTRY_INCOMPLETE:error', 'REGISTRY_INCOMPLETE:warning'])
    expect(result.reasons[0]?.message).toContain('has no owner_team')
    expect(result.reasons[1]?.message).toContain('has no data_access_summary')
  })

  it('names a single missing column', () => {
    const registry = registryOf(
      'npm:@acme/half-mcp@1.0.0,Half,B,,2026-11-01,prod,Reads.,internal,,'
    )
    const result = judge(npmServer('@acme/half-mcp', '1.0.0', 'half'), { registry })
    expect(codes(result)).toEqual(['REGISTRY_INCOMPLETE:warning'])
    expect(result.reasons[0]?.message).toMatch(/has no owner_team$/)
  })
})

describe('registry checks: robustness', () => {
  it('refuses a today that is not a calendar date', () => {
    expect(() => judge(ORG_SERVERS.filesystem(), { today: '2026-02-30' })).toThrow(RangeError)
    expect(() => judge(ORG_SERVERS.filesystem(), { today: '21/11/2026' })).toThrow(
      'today must be a YYYY-MM-DD date'
    )
  })

  it('clips hostile cell text to one line in messages', () => {
    const registry = registryOf(
      `npm:@acme/odd-mcp@1.0.0,Odd,B,,2026-11-01,"dev;${'x'.repeat(60)}",Reads.,internal,,team`
    )
    const result = judge(npmServer('@acme/odd-mcp', '1.0.0', 'odd'), { registry })
    const [reason] = reasonsOf(result, 'NOT_APPROVED_FOR_ENVIRONMENT')
    expect(reason?.message).toContain('approves it for development, xxxxxxxx')
    expect(reason?.message).toContain('…')
    expect(reason?.message).not.toContain('\n')
  })
})
