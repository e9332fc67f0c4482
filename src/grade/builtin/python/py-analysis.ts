/**
 * Source analysis of a Python package (rubric v2 "Source rules", SOURCE_RULE): every `.py` module
 * of the distribution is parsed with tree-sitter (`py-parse.ts`) and checked for the command,
 * code, SSRF, path, SQL and secret-logging sinks (`py-sinks.ts`), an open HTTP transport
 * (`py-transport.ts`) and hard-coded credentials (`py-secrets.ts`); the tools it declares are
 * extracted (`py-tools.ts`).
 *
 * Test, documentation and example folders (`tests/`, `test/`, `docs/`, `doc/`, `examples/`,
 * `example/`), `test_*.py`/`*_test.py`/`conftest.py` and `*.dist-info/` are not part of the
 * running server and are skipped. A module that could not be analysed (not kept by the reader,
 * not text, a syntax error, the parser unavailable) is listed in `notAnalysed` and costs one
 * `source.not-analysed` finding for the package: what was not analysed is not assumed safe.
 */
import type { DeclaredTool, Finding } from '../../report.js'
import { findingOf } from '../finding.js'
import type { PackageFiles } from '../package-files.js'
import { SOURCE_RULE as S } from '../source/rules.js'
import { parsePython, type PythonParserOptions } from './py-parse.js'
import { checkHardcodedSecrets } from './py-secrets.js'
import { checkModuleSinks } from './py-sinks.js'
import { ImportMap } from './py-syntax.js'
import { findTools } from './py-tools.js'
import { checkHttpTransport } from './py-transport.js'

/** A module that was not analysed, and why (for people). */
export interface NotAnalysedFile {
  file: string
  reason: string
}

/** What `analyzePythonPackage` found. */
export interface PythonAnalysis {
  findings: Finding[]
  tools: DeclaredTool[]
  /** Package paths of the modules analysed. */
  analysedFiles: string[]
  notAnalysed: NotAnalysedFile[]
}

/** Most `.py` modules analysed per package (the rest are listed as not analysed). */
export const MAX_MODULES = 2_000

const SKIPPED_FOLDER = /(^|\/)(tests?|docs?|examples?|\.?venv|site-packages|__pycache__)\//i
const SKIPPED_FILE = /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/i
const METADATA_FOLDER = /(^|\/)[^/]+\.(dist-info|egg-info)\//i

/** True for a module the analysis reads (see module doc for what is skipped). */
export function isAnalysedModule(path: string): boolean {
  return (
    path.toLowerCase().endsWith('.py') &&
    !SKIPPED_FOLDER.test(path) &&
    !SKIPPED_FILE.test(path) &&
    !METADATA_FOLDER.test(path)
  )
}

/**
 * Analyse every module of `files` (a wheel or an sdist read into memory).
 * @returns findings of the `source.*` rules, the declared tools (in file order), the modules
 *   analysed and those that were not. Never rejects.
 */
export async function analyzePythonPackage(
  files: PackageFiles,
  options: PythonParserOptions = {}
): Promise<PythonAnalysis> {
  const result: PythonAnalysis = { findings: [], tools: [], analysedFiles: [], notAnalysed: [] }
  const modules = files.entries.filter((e) => isAnalysedModule(e.path))
  for (const [index, entry] of modules.entries()) {
    if (index >= MAX_MODULES) {
      result.notAnalysed.push({ file: entry.path, reason: `over ${MAX_MODULES} modules` })
      continue
    }
    const data = files.files.get(entry.path)
    if (!data) {
      result.notAnalysed.push({ file: entry.path, reason: 'too large to read' })
      continue
    }
    if (data.includes(0)) {
      result.notAnalysed.push({ file: entry.path, reason: 'not text' })
      continue
    }
    await analyseModule(entry.path, data.toString('utf8'), options, result)
  }
  for (const skipped of files.skipped) {
    if (
      isAnalysedModule(skipped.path) &&
      skipped.reason !== 'too-large' &&
      skipped.reason !== 'memory-budget'
    ) {
      result.notAnalysed.push({ file: skipped.path, reason: skipped.note })
    }
  }
  if (result.notAnalysed.length > 0) {
    const first = result.notAnalysed[0] as NotAnalysedFile
    const listed = result.notAnalysed
      .slice(0, 5)
      .map((n) => `${n.file} (${n.reason})`)
      .join('; ')
    const more = result.notAnalysed.length > 5 ? `; and ${result.notAnalysed.length - 5} more` : ''
    result.findings.push(
      findingOf(S.notAnalysed, {
        file: first.file,
        snippet: `${result.notAnalysed.length} Python module(s) not analysed: ${listed}${more}`
      })
    )
  } else if (result.analysedFiles.length === 0) {
    result.findings.push(
      findingOf(S.notAnalysed, { snippet: 'the distribution holds no Python module to analyse' })
    )
  }
  return result
}

async function analyseModule(
  file: string,
  source: string,
  options: PythonParserOptions,
  result: PythonAnalysis
): Promise<void> {
  const parsed = await parsePython(source, options)
  if (!parsed.ok) {
    result.notAnalysed.push({ file, reason: parsed.message })
    return
  }
  try {
    const module = parsed.tree.rootNode
    const imports = ImportMap.of(module)
    const { functions, tools } = findTools(module, file)
    const facts = { file, source, module, imports, toolFunctions: functions }
    result.findings.push(
      ...checkModuleSinks(facts),
      ...checkHttpTransport(facts),
      ...(await checkHardcodedSecrets(module, file))
    )
    result.tools.push(...tools)
    result.analysedFiles.push(file)
  } catch (error) {
    result.notAnalysed.push({
      file,
      reason: `analysis failed: ${error instanceof Error ? error.message : String(error)}`
    })
  } finally {
    parsed.tree.delete()
  }
}
