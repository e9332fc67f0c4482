/**
 * `npm run calibrate` (issue 4 point 5): does the built-in grader see the known vulnerabilities
 * it should, and only those?
 *
 * For every npm advisory of the calibration index (`__tests__/fixtures/osv/SOURCES.tsv`, real
 * OSV records) whose affected and fixed versions are both on the npm registry, both versions are
 * graded by the real gate (built-in grader, real tarballs from the registry, advisories from the
 * local OSV database in that folder: osv.dev itself is not reachable here). The affected version
 * must get Security F and `KNOWN_VULNERABILITY` for the advisory; the fixed one must have no
 * finding of that advisory. A second pass with advisories off lists the source rules that fire on
 * each version. Prints Markdown (the table in docs/grading.md is this output) and exits 1 when a
 * row fails its expectation.
 *
 * Usage: `npm run calibrate [-- --registry URL] [--index path/to/SOURCES.tsv]`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gate } from '../src/gate.js'
import type { ServerResult } from '../src/policy/result.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

interface Row {
  name: string
  advisory: string
  severity: string
  affected: string
  fixed: string
}

interface Graded {
  security: string
  overall: string
  knownVulnerability: boolean
  advisoryFinding: boolean
  sourceRules: string[]
  problem: string | null
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

/** A version written first in an INDEX.tsv cell (`2025.3.28 (also 0.6.2)` → `2025.3.28`). */
function versionIn(cell: string): string | null {
  const match = /^(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/.exec(cell.trim())
  return match ? match[1]! : null
}

function readIndex(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const columns = header!.split('\t')
  const at = (cells: string[], name: string): string => cells[columns.indexOf(name)] ?? ''
  const rows: Row[] = []
  for (const line of lines) {
    const cells = line.split('\t')
    if (at(cells, 'ecosystem') !== 'npm') continue
    const affected = versionIn(at(cells, 'npm_affected_version_present'))
    const fixed = versionIn(at(cells, 'npm_fixed_version_present'))
    if (affected === null || fixed === null || at(cells, 'first_fixed') === 'none') continue
    rows.push({
      name: at(cells, 'package'),
      advisory: at(cells, 'ghsa_id'),
      severity: at(cells, 'severity'),
      affected,
      fixed
    })
  }
  return rows
}

async function grade(
  name: string,
  version: string,
  advisoryId: string,
  options: { advisoryDb?: string; advisoryUrl?: string; registry?: string }
): Promise<Graded> {
  const dir = mkdtempSync(path.join(tmpdir(), 'calibrate-'))
  try {
    const config = {
      mcpServers: { server: { command: 'npx', args: ['-y', `${name}@${version}`] } }
    }
    writeFileSync(path.join(dir, '.mcp.json'), JSON.stringify(config))
    const run = await gate({
      paths: [dir],
      cwd: dir,
      grader: 'builtin',
      environment: 'development',
      npmRegistry: options.registry,
      advisoryDb: options.advisoryDb,
      advisoryUrl: options.advisoryUrl
    })
    const result: ServerResult | undefined = run.servers[0]
    const report = result?.grade ?? null
    const findings = report?.findings ?? []
    return {
      security: report?.subScores.security
        ? `${report.subScores.security.grade} (${report.subScores.security.score ?? '?'})`
        : '—',
      overall: report ? `${report.overall.grade} (${report.overall.score ?? '?'})` : '—',
      knownVulnerability:
        result?.reasons.some(
          (r) => r.code === 'KNOWN_VULNERABILITY' && r.message.includes(advisoryId)
        ) ?? false,
      advisoryFinding: findings.some((f) => f.advisory?.id === advisoryId),
      sourceRules: [
        ...new Set(findings.filter((f) => f.ruleId.startsWith('source.')).map((f) => f.ruleId))
      ].sort(),
      problem: result?.gradeProblem?.message ?? null
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<number> {
  const indexFile = path.resolve(
    argument('--index') ?? path.join(root, '__tests__/fixtures/osv/SOURCES.tsv')
  )
  const advisoryDb = path.dirname(indexFile)
  const registry = argument('--registry')
  const rows = readIndex(indexFile)
  const day = new Date().toISOString().slice(0, 10)
  const out: string[] = [
    `Calibration of the built-in grader on ${day} (${rows.length} npm advisories whose affected and fixed versions are both on the registry; advisories from the local OSV database \`${path.relative(root, advisoryDb) || advisoryDb}\`).`,
    '',
    '| package | advisory | severity | affected | security | KNOWN_VULNERABILITY | fixed | security | advisory finding | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  const sources: string[] = [
    '',
    'Source rules with advisories off (`--advisory-url off`):',
    '',
    '| package | affected | source rules | fixed | source rules |',
    '| --- | --- | --- | --- | --- |'
  ]
  let failures = 0
  for (const row of rows) {
    const withDb = { advisoryDb, registry }
    const affected = await grade(row.name, row.affected, row.advisory, withDb)
    const fixed = await grade(row.name, row.fixed, row.advisory, withDb)
    const ok =
      affected.problem === null &&
      fixed.problem === null &&
      affected.security.startsWith('F') &&
      affected.knownVulnerability &&
      !fixed.advisoryFinding
    if (!ok) failures += 1
    const yes = (value: boolean): string => (value ? 'yes' : 'no')
    out.push(
      `| ${row.name} | ${row.advisory} | ${row.severity} | ${row.affected} | ${affected.security} | ${yes(affected.knownVulnerability)} | ${row.fixed} | ${fixed.security} | ${yes(fixed.advisoryFinding)} | ${ok ? 'ok' : `FAIL${affected.problem ? `: ${affected.problem}` : fixed.problem ? `: ${fixed.problem}` : ''}`} |`
    )
    const off = { advisoryUrl: 'off', registry }
    const affectedOff = await grade(row.name, row.affected, row.advisory, off)
    const fixedOff = await grade(row.name, row.fixed, row.advisory, off)
    const list = (rules: string[]): string => (rules.length > 0 ? rules.join(', ') : '—')
    sources.push(
      `| ${row.name} (${row.advisory}) | ${row.affected} | ${list(affectedOff.sourceRules)} | ${row.fixed} | ${list(fixedOff.sourceRules)} |`
    )
  }
  console.log([...out, ...sources].join('\n'))
  if (failures > 0) console.error(`\n${failures} row(s) do not meet the expectation.`)
  return failures > 0 ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
)
