import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '../../src/config/parse.js'
import { createRegistryGrader } from '../../src/grade/registry.js'
import { GradeReportSchema, type GradeOutcome } from '../../src/grade/report.js'
import { loadRegistryFile, parseRegistryText } from '../../src/policy/registry-file.js'
import { identifyServer } from '../../src/resolve/identify.js'
import type { ResolvedServer } from '../../src/resolve/types.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'registry')
const TODAY = '2026-11-21'

/** The servers of the fixture config, identified as the gate does (offline: nothing resolved). */
function configServers(): Map<string, ResolvedServer> {
  const config = parseConfig('.mcp.json', readFileSync(join(fixtures, 'mcp.json'), 'utf8'))
  return new Map(config.servers.map((entry) => [entry.name, identifyServer(entry)]))
}

function graded(outcome: GradeOutcome) {
  if (outcome.kind !== 'graded') throw new Error(`expected a grade, got ${JSON.stringify(outcome)}`)
  return outcome.report
}

function reason(outcome: GradeOutcome): string {
  if (outcome.kind !== 'ungraded') throw new Error(`expected ungraded, got ${outcome.kind}`)
  return outcome.reason
}

describe('the registry grader on a real-looking config', () => {
  const servers = configServers()
  const server = (name: string) => servers.get(name)!

  it.each(['registry.csv', 'registry.json', 'registry.yml'])(
    'grades from %s whatever spelling the row and the config use',
    async (name) => {
      const registry = await loadRegistryFile(join(fixtures, name))
      const grader = createRegistryGrader({ registry, today: TODAY })
      expect(grader.source).toBe('registry')
      const expected: [string, string, string, string | undefined][] = [
        ['docs-fs', 'B', '2026-09-01', 'https://audits.example.com/r/fs-2026-07'],
        ['context7', 'A', '2026-10-15', 'https://audits.example.com/r/context7'],
        ['github', 'B', '2026-08-20', 'https://audits.example.com/r/github-mcp'],
        ['linear', 'C', '2026-05-02', undefined],
        ['fetch', 'D', '2026-06-30', 'https://audits.example.com/r/fetch']
      ]
      for (const [serverName, grade, date, url] of expected) {
        const report = graded(await grader.grade(server(serverName)))
        expect(GradeReportSchema.parse(report)).toEqual(report)
        expect(report).toEqual({
          source: 'registry',
          grader: { name: 'registry', version: 'registry' },
          rubricVersion: 'registry',
          overall: { score: null, grade },
          subScores: {
            security: null,
            permissions: null,
            credentials: null,
            maintenance: null,
            compatibility: null,
            documentation: null
          },
          findings: [],
          auditedAt: `${date}T00:00:00Z`,
          ...(url !== undefined && { reportUrl: url })
        })
      }
    }
  )

  it('is ungraded for a row without current_grade, naming the file and line', async () => {
    const path = join(fixtures, 'registry.yml')
    const grader = createRegistryGrader({ registry: await loadRegistryFile(path), today: TODAY })
    expect(reason(await grader.grade(server('git')))).toBe(
      `the row of github:modelcontextprotocol/servers/src/git at ${path}:51 has no current_grade`
    )
  })

  it('is ungraded when the config runs another version than the row grades, naming both', async () => {
    const registry = await loadRegistryFile(join(fixtures, 'registry.csv'))
    const grader = createRegistryGrader({ registry, today: TODAY })
    const next = reason(await grader.grade(server('context7-next')))
    expect(next).toContain('records a grade for 4.1.0, but the config runs 4.1.1')
    expect(next).toContain(`${join(fixtures, 'registry.csv')}:3`)
    const latest = reason(await grader.grade(server('context7-latest')))
    expect(latest).toContain(
      'records a grade for 4.1.0, but the config runs a version the gate could not establish for "context7-latest"'
    )
  })

  it('is ungraded for a server no row names', async () => {
    const path = join(fixtures, 'registry.json')
    const grader = createRegistryGrader({ registry: await loadRegistryFile(path), today: TODAY })
    expect(reason(await grader.grade(server('memory')))).toBe(
      `no row of ${path} names npm:@modelcontextprotocol/server-memory@2026.1.26`
    )
  })

  it('is ungraded without a registry file, saying how to add one', async () => {
    const grader = createRegistryGrader({ registry: null })
    expect(reason(await grader.grade(server('docs-fs')))).toContain(
      'there is no registry file to read "docs-fs"\'s grade from: add .github/mcp-registry.{csv,json,yml,yaml}'
    )
  })
})

describe('the registry grader: rows it cannot take as evidence', () => {
  const fs = configServers().get('docs-fs')!
  const row = (cells: string) =>
    parseRegistryText(
      `server_id,current_grade,audit_date,audit_url\nnpm:@modelcontextprotocol/server-filesystem@2026.7.10,${cells}\n`,
      'mcp-registry.csv'
    )

  it('is ungraded for a grade without an audit date (a grade cannot be aged without it)', async () => {
    const grader = createRegistryGrader({ registry: row('A,,'), today: TODAY })
    expect(reason(await grader.grade(fs))).toContain(
      'has current_grade A but no audit_date: a grade without its audit date is not evidence'
    )
  })

  it('is ungraded for an audit date after today (UTC), and graded on the day itself', async () => {
    const late = createRegistryGrader({ registry: row('A,2026-11-22,'), today: TODAY })
    expect(reason(await late.grade(fs))).toContain(
      'has audit_date 2026-11-22, after today (2026-11-21, UTC)'
    )
    const today = createRegistryGrader({ registry: row('A,2026-11-22,'), today: '2026-11-22' })
    expect(graded(await today.grade(fs)).auditedAt).toBe('2026-11-22T00:00:00Z')
  })

  it('takes the run’s day (the gate passes --today), never the clock, and refuses a bad one', async () => {
    const past = createRegistryGrader({ registry: row('A,2026-11-22,'), today: '2026-01-01' })
    expect(reason(await past.grade(fs))).toContain('after today (2026-01-01, UTC)')
    expect(() => createRegistryGrader({ registry: null, today: '2026-02-30' })).toThrow(TypeError)
  })

  it('covers every version with a row that names none', async () => {
    const registry = parseRegistryText(
      'server_id,current_grade,audit_date\nnpm:@modelcontextprotocol/server-filesystem,C,2026-10-01\n',
      'r.csv'
    )
    const grader = createRegistryGrader({ registry, today: TODAY })
    expect(graded(await grader.grade(fs)).overall).toEqual({ score: null, grade: 'C' })
  })

  it('never puts a remote URL’s secret into a reason', async () => {
    const config = parseConfig(
      '.mcp.json',
      JSON.stringify({
        mcpServers: {
          zapier: {
            url: 'https://mcp.zapier.com/api/mcp/s/sk-ak-0123456789abcdef0123/sse?api_key=hunter2'
          }
        }
      })
    )
    const server = identifyServer(config.servers[0]!)
    const grader = createRegistryGrader({ registry: row('A,2026-10-01,'), today: TODAY })
    const text = reason(await grader.grade(server))
    expect(text).toContain('no row of mcp-registry.csv names remote:https://mcp.zapier.com/')
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('sk-ak-0123456789abcdef0123')
  })
})
