/**
 * JavaScript/TypeScript source analysis of an npm package for the built-in grader (rubric v2,
 * docs/grading.md "Source rules"; rule ids, CWEs and deductions: `rules.ts`).
 *
 * From the package's entry points (`js-entry-points.ts`) every local module it runs is parsed
 * once and walked once (`js-module-graph.ts`, `js-file-analysis.ts`); tool registrations are
 * found, their handlers' tool input is followed to dangerous calls (`js-taint.ts`,
 * `js-sinks.ts`), and credentials are checked (`js-secrets.ts`) as are HTTP transports
 * (`js-transport.ts`).
 *
 * Reporting choices:
 * - one finding per rule per file:line (a minified bundle puts many calls on one line: they are
 *   one finding there);
 * - at most {@link MAX_FINDINGS_PER_RULE} findings per rule per package, in discovery order
 *   (entry points first, breadth-first); when more fired, the last kept finding's title ends
 *   with "(N more in the package not listed)", so the deduction stays bounded and the report
 *   says what was cut;
 * - everything that could not be analysed (entry point missing, a file not read from the tarball,
 *   not text, not parsing, past the size bounds, a package.json field of the wrong type) is listed
 *   in `notAnalysed` and summarised by ONE `source.not-analysed` finding: what was not analysed is
 *   not assumed safe.
 */
import type { Finding } from '../../report.js'
import type { PackageFiles } from '../package-files.js'
import { findingOf } from '../finding.js'
import type { RuleDefinition } from '../rule.js'
import { snippetAt } from './js-ast.js'
import { findEntryPoints } from './js-entry-points.js'
import { analyseJsFile, type RawFinding } from './js-file-analysis.js'
import { loadModuleGraph, type NotAnalysed } from './js-module-graph.js'
import { detectHardcodedSecrets, type SecretCandidate } from './js-secrets.js'
import { SOURCE_RULE } from './rules.js'
import type { ToolRegistration } from './tool-registration.js'

/** Most findings of one rule reported for one package. */
export const MAX_FINDINGS_PER_RULE = 10

/** The outcome of analysing a package's JavaScript/TypeScript code. */
export interface JsAnalysis {
  /** `SOURCE_RULE` findings, evidence = package file, 1-based line, trimmed (masked) line. */
  findings: Finding[]
  /** Every tool registration found in the analysed files. */
  registrations: ToolRegistration[]
  /** Package paths of the files analysed, in the order they were reached. */
  analysedFiles: string[]
  /** Files (or package.json fields) that were part of the code but could not be analysed. */
  notAnalysed: NotAnalysed[]
}

/**
 * Analyse the package whose tarball files are `files` and whose package.json (parsed JSON, any
 * shape: validated here) is `packageJson`. Resolves, never rejects: an unexpected failure is
 * reported as not analysed.
 */
export async function analyzeJsPackage(
  files: PackageFiles,
  packageJson: unknown
): Promise<JsAnalysis> {
  const notAnalysed: NotAnalysed[] = []
  const raw: RawFinding[] = []
  const registrations: ToolRegistration[] = []
  const candidates: SecretCandidate[] = []
  const lines = new Map<string, string[]>()
  let analysedFiles: string[] = []
  try {
    const { entries, problems } = findEntryPoints(files, packageJson)
    for (const problem of problems) notAnalysed.push({ file: 'package.json', reason: problem })
    for (const e of entries) {
      if (e.file === null) {
        notAnalysed.push({
          file: e.spec,
          reason: `entry point ${e.field} ("${e.spec}") is not in the package`
        })
      }
    }
    const entryFiles = entries.map((e) => e.file).filter((f): f is string => f !== null)
    const graph = loadModuleGraph(files, entryFiles, (module) => {
      const result = analyseJsFile(module)
      lines.set(module.file, module.lines)
      raw.push(...result.findings)
      registrations.push(...result.registrations)
      candidates.push(...result.secretCandidates)
      return result.imports
    })
    analysedFiles = graph.analysed
    notAnalysed.push(...graph.notAnalysed)
    for (const secret of await detectHardcodedSecrets(candidates)) {
      raw.push({
        rule: SOURCE_RULE.hardcodedSecret,
        file: secret.file,
        line: secret.line,
        column: secret.column
      })
    }
  } catch (error) {
    notAnalysed.push({
      file: '(package)',
      reason: `the analysis failed: ${error instanceof Error ? error.message : String(error)}`
    })
  }
  const findings = report(raw, lines)
  if (notAnalysed.length > 0) findings.push(notAnalysedFinding(notAnalysed))
  return { findings, registrations, analysedFiles, notAnalysed }
}

/** Deduplicate per rule and file:line, cap per rule, and turn into masked findings. */
function report(raw: readonly RawFinding[], lines: ReadonlyMap<string, string[]>): Finding[] {
  const seen = new Set<string>()
  const byRule = new Map<RuleDefinition, RawFinding[]>()
  for (const f of raw) {
    const key = `${f.rule.id}\u0000${f.file}\u0000${f.line}`
    if (seen.has(key)) continue
    seen.add(key)
    const list = byRule.get(f.rule) ?? []
    list.push(f)
    byRule.set(f.rule, list)
  }
  const findings: Finding[] = []
  for (const [rule, list] of byRule) {
    const kept = list.slice(0, MAX_FINDINGS_PER_RULE)
    kept.forEach((f, i) => {
      const finding = findingOf(rule, {
        file: f.file,
        line: f.line,
        snippet: snippetAt(lines.get(f.file) ?? [], f.line, f.column)
      })
      const more = list.length - kept.length
      if (i === kept.length - 1 && more > 0) {
        finding.title = `${finding.title} (${more} more in the package not listed)`
      }
      findings.push(finding)
    })
  }
  return findings
}

/** The one `source.not-analysed` finding: the first file as evidence, all of them in the snippet. */
function notAnalysedFinding(items: readonly NotAnalysed[]): Finding {
  const first = items[0] as NotAnalysed
  const listed = items
    .slice(0, 20)
    .map((i) => `${i.file}: ${i.reason}`)
    .join('; ')
  const extra = items.length > 20 ? `; and ${items.length - 20} more` : ''
  const line = /\(line (\d+)\)/.exec(first.reason)?.[1]
  return findingOf(SOURCE_RULE.notAnalysed, {
    file: first.file,
    ...(line !== undefined && { line: Number(line) }),
    snippet: listed + extra
  })
}
