/**
 * Registry, exception and compliance facts in every report (issue 3 points 2, 3, 6, 8), on the
 * hand-made run of `fixtures/report/records.ts`: fs (approved), unlisted (not in the registry),
 * legacy (excepted by EXC-12), old (EXC-9 expired yesterday) and patients (phi, stale audit,
 * another version than the approved one).
 */
import { describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { COMPLIANCE_SOURCE } from '../../src/policy/compliance.js'
import type { ExceptionStatus } from '../../src/policy/result.js'
import { renderAnnotations } from '../../src/report/annotations.js'
import { renderComment, stickyMarker } from '../../src/report/comment.js'
import { JsonReportSchema, jsonReportSchema, toJsonReport } from '../../src/report/json.js'
import { buildReportModel, type ServerView } from '../../src/report/model.js'
import {
  artifactUrlOf,
  exceptionCell,
  linkTarget,
  registryCell
} from '../../src/report/record-display.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTable } from '../../src/report/table.js'
import {
  HOSTILE_ACCESS,
  HOSTILE_OWNER,
  recordsRun,
  withArtifact
} from '../fixtures/report/records.js'
import {
  exceptionStatus,
  finding,
  gateRun,
  grade,
  registryEntry,
  registryStatus,
  result
} from '../fixtures/report/runs.js'

/** Cells of a GFM table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

function tableRows(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('| '))
}

/** `md` without its code spans (whose content GitHub shows as literal text). */
function outsideCode(md: string): string {
  return md.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '')
}

function byName(servers: readonly ServerView[], name: string): ServerView {
  const s = servers.find((x) => x.name === name)
  if (!s) throw new Error(`no server ${name}`)
  return s
}

describe('registryCell', () => {
  it('is a dash without a registry file and says so when no row matches', () => {
    expect(registryCell(result())).toBe('—')
    expect(registryCell(result({ registry: registryStatus({ entry: null }) }))).toBe(
      'not in registry'
    )
  })

  it('says approved, with the data class, when no registry check complains', () => {
    expect(registryCell(result({ registry: registryStatus() }))).toBe('approved · internal')
    const noClass = registryStatus({ entry: registryEntry({ dataClassification: null }) })
    expect(registryCell(result({ registry: noClass }))).toBe('approved')
  })

  it('names the environment a row does not approve', () => {
    const status = registryStatus({ approvedForEnvironment: false })
    expect(registryCell(result({ registry: status, environment: 'staging' }))).toBe(
      'not approved for staging · internal'
    )
  })

  it('shows a stale audit in days, or that there is no audit date', () => {
    const stale = { code: 'AUDIT_STALE', severity: 'error', message: 'stale' } as const
    expect(
      registryCell(result({ registry: registryStatus({ auditAgeDays: 91 }), reasons: [stale] }))
    ).toBe('audit 91 d · internal')
    expect(
      registryCell(result({ registry: registryStatus({ auditAgeDays: null }), reasons: [stale] }))
    ).toBe('no audit date · internal')
    // The age alone is no problem: only the check's reason puts it in the cell.
    expect(registryCell(result({ registry: registryStatus({ auditAgeDays: 91 }) }))).toBe(
      'approved · internal'
    )
  })

  it('shows the approved and the running version on a mismatch, digests shortened', () => {
    const mismatch = { code: 'REGISTRY_VERSION_MISMATCH', severity: 'error', message: 'm' } as const
    const digest = `sha256:${'ab'.repeat(32)}`
    const oci = result({
      pkg: {
        ecosystem: 'oci',
        name: 'ghcr.io/acme/mcp',
        versionSpec: '1.0',
        version: digest,
        pinned: true,
        purl: null
      },
      registry: registryStatus({
        entry: registryEntry({ key: { kind: 'oci', id: 'oci:ghcr.io/acme/mcp', version: '0.9' } })
      }),
      reasons: [mismatch]
    })
    expect(registryCell(oci)).toBe('registry 0.9 ≠ sha256:abababababab… · internal')
  })

  it('shows a grade drift and an incomplete row', () => {
    const cell = registryCell(
      result({
        grade: grade({ overall: { score: 62, grade: 'C' } }),
        registry: registryStatus({
          entry: registryEntry({ ownerTeam: null, dataAccessSummary: '  ' })
        }),
        reasons: [
          { code: 'REGISTRY_GRADE_DRIFT', severity: 'warning', message: 'drift' },
          { code: 'REGISTRY_INCOMPLETE', severity: 'warning', message: 'incomplete' }
        ]
      })
    )
    expect(cell).toBe('grade C < recorded B · no owner team · no data access summary · internal')
  })
})

describe('exceptionCell', () => {
  it.each([
    [null, '—'],
    [exceptionStatus(), 'EXC-12 applied, 5 d left'],
    [exceptionStatus({ state: 'valid', daysLeft: 40, waived: [] }), 'EXC-12 valid, 40 d left'],
    [exceptionStatus({ state: 'expiring', daysLeft: 3 }), 'EXC-12 applied, 3 d left (expiring)'],
    [
      exceptionStatus({ state: 'expiring', daysLeft: 0 }),
      'EXC-12 applied, expires today (expiring)'
    ],
    [
      exceptionStatus({ state: 'expired', expiresOn: '2026-11-20', daysLeft: -1, waived: [] }),
      'EXC-12 expired 2026-11-20'
    ],
    [exceptionStatus({ state: 'invalid', waived: [], problems: ['x'] }), 'EXC-12 invalid'],
    [
      exceptionStatus({ state: 'missing', expiresOn: null, daysLeft: null, waived: [] }),
      'EXC-12 not in exceptions file'
    ]
  ] as [ExceptionStatus | null, string][])('%o → %s', (status, text) => {
    expect(exceptionCell(status)).toBe(text)
  })

  it('keeps a hostile id on one line and short', () => {
    const cell = exceptionCell(exceptionStatus({ id: `EXC\n${'9'.repeat(100)}` }))
    expect(cell).not.toContain('\n')
    expect(cell.startsWith('EXC 999')).toBe(true)
    expect(cell.length).toBeLessThan(70)
  })
})

describe('record links', () => {
  it('drops user info, the query (marked ?…) and the fragment, and refuses what is not a URL', () => {
    expect(linkTarget('https://u:pw@tickets.example.com/SEC-1?x=1')).toBe(
      'https://tickets.example.com/SEC-1?…'
    )
    expect(linkTarget('https://alice:hunter2@jira.example.com/browse/SEC-1?token=sekrit#c')).toBe(
      'https://jira.example.com/browse/SEC-1?…'
    )
    expect(linkTarget('https://tickets.example.com/browse/SEC-12')).toBe(
      'https://tickets.example.com/browse/SEC-12'
    )
    // A token in the path is masked like everywhere else (sanitizeUrl).
    expect(linkTarget('https://files.example.com/s/sk-live-4eC39HqLyjWDarjtT1zdp7dc/a.pdf')).toBe(
      'https://files.example.com/s/…/a.pdf'
    )
    expect(linkTarget('not a url')).toBeNull()
    expect(linkTarget(null)).toBeNull()
  })

  it('keeps a credential in an artifact link out of the summary, the comment and the JSON report', () => {
    const leaky = recordsRun()
    const legacy = leaky.servers.find((r) => r.server.entry.name === 'legacy')!
    withArtifact(
      legacy.exception!,
      'https://alice:hunter2@jira.example.com/browse/SEC-1?token=sekrit'
    )
    const model = buildReportModel(leaky)
    const outputs = [
      renderSummary(model),
      renderComment(model, { marker: stickyMarker() }),
      JSON.stringify(toJsonReport(leaky).servers.map((s) => s.exception))
    ]
    for (const output of outputs) {
      expect(output).not.toMatch(/sekrit|hunter2|alice/)
    }
    expect(outputs[0]).toContain(
      '[approval artifact](https://jira.example.com/browse/SEC-1?%E2%80%A6)'
    )
    expect(byName(model.servers, 'legacy').exceptionFacts?.artifactUrl).toBe(
      'https://jira.example.com/browse/SEC-1?…'
    )
  })

  it('reads the artifact link an exception status carries', () => {
    expect(artifactUrlOf(exceptionStatus())).toBeNull()
    expect(artifactUrlOf(withArtifact(exceptionStatus(), 'https://t.example.com/1'))).toBe(
      'https://t.example.com/1'
    )
  })
})

describe('the report model with registry, exceptions and compliance', () => {
  const model = buildReportModel(recordsRun())

  it('fills the Registry and Exception columns and the data class', () => {
    const view = (name: string) => {
      const s = byName(model.servers, name)
      return [s.registry, s.exception, s.dataClass, s.symbol]
    }
    expect(view('fs')).toEqual(['approved · internal', '—', 'internal', '✅'])
    expect(view('unlisted')).toEqual(['not in registry', '—', null, '❌'])
    expect(view('legacy')).toEqual([
      'approved · internal',
      'EXC-12 applied, 5 d left',
      'internal',
      '⏳'
    ])
    expect(view('old')).toEqual([
      'approved · internal',
      'EXC-9 expired 2026-11-20',
      'internal',
      '❌'
    ])
    expect(view('patients')).toEqual([
      'registry 1.2.3 ≠ 1.3.0 · audit 86 d · phi',
      '—',
      'phi',
      '❌'
    ])
  })

  it('keeps registry and exception facts, made one line, with credentials out of links', () => {
    const legacy = byName(model.servers, 'legacy')
    expect(legacy.registryFacts).toMatchObject({
      source: '.github/mcp-registry.csv:3',
      found: true,
      ownerTeam: HOSTILE_OWNER,
      dataClass: 'internal',
      auditDate: '2026-10-01',
      auditAgeDays: 51,
      auditUrl: 'https://audits.example.com/r/legacy?…',
      approvedVersion: '2.0.0',
      exceptionId: 'EXC-12'
    })
    expect(legacy.exceptionFacts).toEqual({
      id: 'EXC-12',
      state: 'applied',
      expiresOn: '2026-11-26',
      daysLeft: 5,
      problems: [],
      waived: ['SUBSCORE_BELOW_FLOOR'],
      source: '.github/mcp-exceptions.yml:3',
      artifactUrl: 'https://tickets.example.com/browse/SEC-12'
    })
    expect(byName(model.servers, 'unlisted').registryFacts).toMatchObject({
      found: false,
      source: '.github/mcp-registry.csv'
    })
    expect(byName(model.servers, 'fs').exceptionFacts).toBeNull()
  })

  it('lists each server’s compliance impacts and groups them per control for the run', () => {
    expect(byName(model.servers, 'fs').compliance).toEqual([])
    expect(byName(model.servers, 'legacy').compliance.map((c) => c.control)).toEqual([
      'CC6.1',
      'Art. 32(1)(a)',
      '§164.312(a)(1)',
      '§164.312(b)',
      '§164.312(c)(1)',
      '§164.312(e)(1)',
      'A.8.20',
      'A.8.28'
    ])
    const audit = model.compliance.find((c) => c.control === '§164.312(b)')
    expect(audit).toEqual({
      framework: 'HIPAA',
      control: '§164.312(b)',
      title: 'Audit controls',
      axes: ['security', 'maintenance'],
      // Model order: blocked (old, patients), then warned (legacy).
      servers: [
        { name: 'old', location: '.mcp.json:24' },
        { name: 'patients', location: '.mcp.json:31' },
        { name: 'legacy', location: '.mcp.json:17' }
      ]
    })
    const frameworks = model.compliance.map((c) => c.framework)
    expect([...new Set(frameworks)]).toEqual(['SOC 2', 'GDPR', 'HIPAA', 'ISO 27001'])
    // Permissions and documentation fail nowhere: none of their controls is listed.
    expect(model.compliance.map((c) => c.control)).not.toContain('A.5.15')
    expect(model.compliance.map((c) => c.control)).not.toContain('CC2.2')
    expect(model.complianceSource).toBe(COMPLIANCE_SOURCE)
  })
})

describe('the job summary with registry, exceptions and compliance', () => {
  const md = renderSummary(buildReportModel(recordsRun()))

  it('fills the Registry and Exception columns of the table', () => {
    const rows = tableRows(md)
    const header = cells(rows[0]!)
    const reg = header.indexOf('Registry')
    const exc = header.indexOf('Exception')
    const row = (name: string) => {
      const r = rows.map(cells).find((c) => c[0] === `\`${name}\``)!
      expect(r).toHaveLength(header.length)
      return [r[reg], r[exc], r.at(-1)]
    }
    expect(row('fs')).toEqual(['approved · internal', '—', '✅ pass'])
    expect(row('unlisted')).toEqual(['not in registry', '—', '❌ fail'])
    expect(row('legacy')).toEqual([
      'approved · internal',
      'EXC-12 applied, 5 d left',
      '⏳ excepted'
    ])
    expect(row('old')).toEqual(['approved · internal', 'EXC-9 expired 2026-11-20', '❌ fail'])
    expect(row('patients')).toEqual(['registry 1.2.3 ≠ 1.3.0 · audit 86 d · phi', '—', '❌ fail'])
    expect(md).toContain('registry A ≠ B = the registry approves version A, the config runs B')
  })

  it('lists registry and exception facts under each blocked, warned or excepted server', () => {
    expect(md).toContain('- Registry (`.github/mcp-registry.csv`): no row for this server.')
    expect(md).toContain(
      '- Registry (`.github/mcp-registry.csv:5`): listed as EHR reader · owner team `clinical-data` · ' +
        'data access: Reads patient charts from the EHR · data class **phi** · audited 2026-08-27 ' +
        '(86 d ago) · [audit report](https://audits.example.com/reports/ehr-1.2.3) · recorded grade B · ' +
        'approved version `1.2.3` · approved for production, staging'
    )
    expect(md).toContain(
      '- Exception `EXC-12` (`.github/mcp-exceptions.yml:3`): applied · expires 2026-11-26 (5 d left) · ' +
        'waives SUBSCORE_BELOW_FLOOR · [approval artifact](https://tickets.example.com/browse/SEC-12)'
    )
    expect(md).toContain(
      '- Exception `EXC-9` (`.github/mcp-exceptions.yml:14`): expired on 2026-11-20 (1 d ago) · no approval artifact link\n' +
        '  - Problem: expired on 2026-11-20 (1 day ago)'
    )
    expect(md).toContain('#### ⏳ `legacy` · `.mcp.json:17` · excepted')
    // The passing server has no section.
    expect(md).not.toContain('#### ✅')
  })

  it('escapes hostile owner team and data access text and keeps credentials out of links', () => {
    const live = outsideCode(md)
    expect(live).not.toMatch(/<img|<b>|@evil-org|#42|\]\(javascript:/)
    expect(md).toContain('owner team `@evil-org/admins <img src=x onerror=alert(1)> | #42`')
    expect(md).toContain('data access: Reads &#91;all secrets&#93;(javascript:alert(1))')
    expect(md).toContain('&lt;b&gt;y&lt;/b&gt;')
    expect(md).toContain('[audit report](https://audits.example.com/r/legacy?%E2%80%A6)')
    expect(md).not.toContain('id=7')
    expect(md).not.toContain('hunter2')
    expect(HOSTILE_ACCESS).toContain('<b>')
  })

  it('ends with the compliance controls touched, per framework, citing the source', () => {
    const section = md.slice(md.indexOf('### Compliance controls touched'), md.indexOf('\n---\n'))
    const rows = tableRows(section).map(cells)
    expect(rows[0]).toEqual(['Framework', 'Control', 'Axes', 'Servers'])
    expect(rows).toContainEqual([
      'HIPAA',
      '§164.312(b) Audit controls',
      'security, maintenance',
      '`old`, `patients`, `legacy`'
    ])
    expect(rows).toContainEqual(['SOC 2', 'CC6.7 Encryption', 'credentials', '`old`'])
    expect(rows).toContainEqual([
      'ISO 27001',
      'A.8.28 Secure coding',
      'security',
      '`patients`, `legacy`'
    ])
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      ...Array(4).fill('SOC 2'),
      ...Array(3).fill('GDPR'),
      ...Array(5).fill('HIPAA'),
      ...Array(5).fill('ISO 27001')
    ])
    expect(section).toContain('MCP server compliance mapping')
    expect(section).toContain('Not mapped there: compatibility (SOC 2, GDPR, HIPAA, ISO 27001)')
  })

  it('has no compliance section when no axis fails', () => {
    expect(renderSummary(buildReportModel(gateRun([result()])))).not.toContain('Compliance')
  })

  it('names a server twice in one control only with its location when names repeat', () => {
    const twin = (line: number) =>
      result({ name: 'dup', line, failingAxes: ['documentation'], verdict: 'fail' })
    const out = renderSummary(buildReportModel(gateRun([twin(3), twin(9)])))
    expect(out).toContain(
      '| SOC 2 | CC2.2 Communication | documentation | `dup` (`.mcp.json:3`), `dup` (`.mcp.json:9`) |'
    )
  })

  it('keeps the compliance section in a cut summary when it fits, and says so when not', () => {
    const { servers } = recordsRun()
    // Passing servers with many long findings: cut from the summary first.
    const noisy = Array.from({ length: 30 }, (_, i) =>
      result({
        name: `noisy-${i}`,
        line: i + 40,
        grade: grade({
          findings: Array.from({ length: 20 }, (_, j) =>
            finding({ ruleId: `rule/${j}`, title: 't'.repeat(900) })
          )
        })
      })
    )
    const roomyRun = gateRun([...servers, ...noisy])
    const roomy = renderSummary(buildReportModel(roomyRun), { maxBytes: 120_000 })
    expect(roomy).toContain('This summary was cut')
    expect(roomy).toContain('### Compliance controls touched')
    expect(roomy).toContain('findings and notes are left out')
    // Blocked servers with long reasons: their sections fill the budget, compliance is left out.
    const blocked = Array.from({ length: 30 }, (_, i) =>
      result({
        name: `blocked-${i}`,
        line: i + 40,
        verdict: 'fail',
        reasons: [{ code: 'GRADE_BELOW_MIN', severity: 'error', message: 'm'.repeat(900) }]
      })
    )
    const tight = renderSummary(buildReportModel(gateRun([...servers, ...blocked])), {
      maxBytes: 20_000
    })
    expect(Buffer.byteLength(tight)).toBeLessThanOrEqual(20_000)
    expect(tight).not.toContain('### Compliance controls touched')
    expect(tight).toContain('findings and notes and the compliance controls are left out')
  })
})

describe('the PR comment with registry, exceptions and compliance', () => {
  const body = renderComment(buildReportModel(recordsRun()), { marker: stickyMarker() })

  it('has Registry and Exception columns and an excepted symbol', () => {
    const rows = tableRows(body).map(cells)
    expect(rows[0]).toEqual([
      '',
      'Server',
      'File:line',
      'Package',
      'Grade',
      'Registry',
      'Exception',
      'Reasons'
    ])
    expect(rows.find((r) => r[1] === '`legacy`')).toEqual([
      '⏳ excepted',
      '`legacy`',
      '`.mcp.json:17`',
      '`mcp-server-legacy@2.0.0`',
      'B (78)',
      'approved · internal',
      'EXC-12 applied, 5 d left',
      '—'
    ])
    expect(rows.find((r) => r[1] === '`unlisted`')![5]).toBe('not in registry')
  })

  it('lists the compliance controls touched in a short list per framework', () => {
    expect(body).toContain(
      [
        '**Compliance controls touched by failing axes**',
        '',
        '- SOC 2: CC6.1, CC6.7, CC7.1, CC8.1',
        '- GDPR: Art. 32(1)(a), Art. 32(1)(b), Art. 32(1)(d)',
        '- HIPAA: §164.312(a)(1), §164.312(b), §164.312(c)(1), §164.312(d), §164.312(e)(1)',
        '- ISO 27001: A.8.5, A.8.8, A.8.20, A.8.24, A.8.28'
      ].join('\n')
    )
    expect(body).toContain('MCP server compliance mapping')
    // Hostile registry text is not in the comment at all.
    expect(body).not.toContain('evil-org')
  })

  it('leaves the compliance list out, and says so, when the comment is full', () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      result({
        name: `server-${i}-${'n'.repeat(100)}`,
        line: i + 1,
        failingAxes: ['security'],
        verdict: 'fail',
        reasons: [
          { code: 'GRADE_BELOW_MIN', severity: 'error', message: 'low', fix: 'f'.repeat(200) }
        ]
      })
    )
    const full = renderComment(buildReportModel(gateRun(many)), { marker: stickyMarker() })
    expect(full.length).toBeLessThanOrEqual(65536)
    expect(full).not.toContain('**Compliance controls touched')
    expect(full).toContain(', the compliance controls.')
  })
})

describe('the JSON report with registry, exceptions and compliance', () => {
  const report = toJsonReport(recordsRun())
  const server = (name: string) => report.servers.find((s) => s.name === name)!

  it('has a registry object per server, and null without a registry file', () => {
    expect(server('fs').registry).toEqual({
      file: '.github/mcp-registry.csv',
      found: true,
      entry: {
        serverId: 'npm:@modelcontextprotocol/server-filesystem@2025.1.14',
        key: {
          kind: 'npm',
          id: 'npm:@modelcontextprotocol/server-filesystem',
          version: '2025.1.14'
        },
        displayName: 'Filesystem',
        currentGrade: 'B',
        auditUrl: 'https://audits.example.com/reports/fs-2025.1.14',
        auditDate: '2026-10-01',
        environmentsApproved: ['production', 'staging'],
        dataAccessSummary: 'Reads and writes files under /srv/shared',
        dataClassification: 'internal',
        exceptionId: null,
        ownerTeam: 'platform-team',
        source: { file: '.github/mcp-registry.csv', line: 2 }
      },
      auditAgeDays: 51,
      approvedForEnvironment: true
    })
    expect(server('unlisted').registry).toEqual({
      file: '.github/mcp-registry.csv',
      found: false,
      entry: null,
      auditAgeDays: null,
      approvedForEnvironment: null
    })
    expect(server('patients').registry?.entry?.dataClassification).toBe('phi')
    expect(toJsonReport(gateRun([result()])).servers[0]!.registry).toBeNull()
  })

  it('has an exception object per excepted or expired server', () => {
    expect(server('legacy').exception).toEqual({
      id: 'EXC-12',
      state: 'applied',
      expiresOn: '2026-11-26',
      daysLeft: 5,
      problems: [],
      waived: ['SUBSCORE_BELOW_FLOOR'],
      source: { file: '.github/mcp-exceptions.yml', line: 3 },
      artifactUrl: 'https://tickets.example.com/browse/SEC-12'
    })
    expect(server('old').exception).toMatchObject({
      id: 'EXC-9',
      state: 'expired',
      daysLeft: -1,
      problems: ['expired on 2026-11-20 (1 day ago)'],
      artifactUrl: null
    })
    expect(server('fs').exception).toBeNull()
    expect(server('legacy').verdict).toBe('excepted')
  })

  it('has compliance per server and a run-level summary in run order', () => {
    expect(server('fs').compliance).toEqual([])
    expect(server('old').compliance[0]).toEqual({
      axis: 'credentials',
      framework: 'SOC 2',
      control: 'CC6.7',
      title: 'Encryption'
    })
    expect(report.compliance.source).toBe(COMPLIANCE_SOURCE)
    const audit = report.compliance.controls.find((c) => c.control === '§164.312(b)')
    expect(audit).toEqual({
      framework: 'HIPAA',
      control: '§164.312(b)',
      title: 'Audit controls',
      axes: ['security', 'maintenance'],
      servers: [
        { name: 'legacy', config: '.mcp.json', line: 17 },
        { name: 'old', config: '.mcp.json', line: 24 },
        { name: 'patients', config: '.mcp.json', line: 31 }
      ]
    })
    expect(report.compliance.controls).toHaveLength(17)
  })

  it('validates against its zod schema and the published JSON Schema, which documents the objects', () => {
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>
    expect(JsonReportSchema.safeParse(json).success).toBe(true)
    const schema = jsonReportSchema()
    const ajv = new Ajv2020({ allErrors: true, strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(schema)
    expect(validate(json)).toBe(true)
    const text = JSON.stringify(schema)
    expect(text).toContain('What the approved-server registry says')
    expect(text).toContain('`expiring`: valid, expires within 7 days')
    expect(text).toContain('SOC 2, GDPR, HIPAA, ISO 27001')
    // The schema refuses what the contract does not allow.
    const servers = json.servers as Record<string, unknown>[]
    const badState = {
      ...json,
      servers: servers.map((s) =>
        s.name === 'legacy'
          ? { ...s, exception: { ...(s.exception as object), state: 'waived-forever' } }
          : s
      )
    }
    expect(validate(badState)).toBe(false)
    const badClass = {
      ...json,
      servers: servers.map((s) =>
        s.name === 'fs'
          ? {
              ...s,
              registry: {
                ...(s.registry as object),
                entry: {
                  ...(s.registry as { entry: object }).entry,
                  dataClassification: 'secret'
                }
              }
            }
          : s
      )
    }
    expect(validate(badClass)).toBe(false)
    expect(
      validate({ ...json, compliance: { source: 'x', controls: [{ framework: 'PCI' }] } })
    ).toBe(false)
  })
})

describe('the terminal table with registry, exceptions and compliance', () => {
  const out = renderTable(buildReportModel(recordsRun()))
  const lines = out.split('\n')

  it('has Registry and Exception columns', () => {
    expect(lines[0]).toMatch(/Docs {2,}Registry {2,}Exception$/)
    const at = lines[0]!.indexOf('Registry')
    const row = (name: string) => lines.find((l) => l.includes(` ${name} `))!
    expect(row('unlisted').slice(at)).toMatch(/^not in registry +—$/)
    expect(row('legacy').slice(at)).toMatch(/^approved · internal +EXC-12 applied, 5 d left$/)
    expect(row('patients').slice(at)).toMatch(/^registry 1\.2\.3 ≠ 1\.3\.0 · audit 86 d · phi +—$/)
  })

  it('prints the compliance controls after the reasons, before the verdict line', () => {
    const start = lines.indexOf('Compliance controls touched by failing axes:')
    expect(start).toBeGreaterThan(lines.findIndex((l) => l.startsWith('EXCEPTED legacy')))
    expect(lines).toContain(
      '  HIPAA §164.312(b) Audit controls (security, maintenance): old, patients, legacy'
    )
    expect(lines.at(-2)).toMatch(/^FAIL: 5 servers/)
    expect(out).toContain('mapping: SkillAudit')
  })
})

describe('annotations with exceptions', () => {
  const annotations = renderAnnotations(buildReportModel(recordsRun()))

  it('notes an excepted server and names the exception that applies', () => {
    const legacy = annotations.find((a) => a.startLine === 17)!
    expect(legacy.level).toBe('notice')
    expect(legacy.title).toBe('MCP server legacy excepted by EXC-12')
    expect(legacy.message).toContain(
      'Exception EXC-12 applied, 5 d left (waives SUBSCORE_BELOW_FLOOR) — .github/mcp-exceptions.yml:3'
    )
  })

  it('names an expired exception and its problem on a blocked server', () => {
    const old = annotations.find((a) => a.startLine === 24)!
    expect(old.level).toBe('error')
    expect(old.message).toContain(
      'Exception EXC-9 expired 2026-11-20 — .github/mcp-exceptions.yml:14: expired on 2026-11-20 (1 day ago)'
    )
    expect(annotations.find((a) => a.startLine === 3)).toBeUndefined()
  })
})
