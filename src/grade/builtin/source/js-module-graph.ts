/**
 * The files a package runs: from its entry points, every local module reached through `import`,
 * `export … from`, `import('./x')` and `require('./x')` with a literal specifier, resolved inside
 * the tarball's files only (`js-entry-points.ts`). Breadth-first, bounded (SPEC §9: untrusted
 * input): at most {@link MAX_GRAPH_FILES} files and {@link MAX_GRAPH_CODE_CHARS} characters of
 * code; what is past a bound is reported as not analysed, never silently dropped.
 *
 * Each file is parsed once (`parse-js.ts`) and handed to a visitor, which walks it once and
 * returns the specifiers it imports; the graph does not walk ASTs itself.
 */
import type { Program } from 'estree'
import type { PackageFiles } from '../package-files.js'
import { isSourcePath, parseJavaScript } from './parse-js.js'
import { resolveModule } from './js-entry-points.js'

/** Most files followed in one package. */
export const MAX_GRAPH_FILES = 2000

/** Most characters of code parsed in one package (16 MiB). */
export const MAX_GRAPH_CODE_CHARS = 16 * 1024 * 1024

/** A parsed module handed to the visitor. */
export interface LoadedModule {
  /** Package path (posix). */
  file: string
  program: Program
  /** The file's text split into lines (for snippets). */
  lines: string[]
}

/** A file that is part of the run code but could not be analysed, and why. */
export interface NotAnalysed {
  file: string
  reason: string
}

/**
 * Follow the module graph from `entryFiles` (package paths). `visit` is called once per parsed
 * module, in breadth-first order, and returns the module specifiers the file imports (only
 * relative ones are followed). Files not kept in memory (`entries[].kept === false`), not text,
 * that do not parse, or past the bounds are returned in `notAnalysed`. Never throws.
 */
export function loadModuleGraph(
  files: PackageFiles,
  entryFiles: readonly string[],
  visit: (module: LoadedModule) => readonly string[]
): { analysed: string[]; notAnalysed: NotAnalysed[] } {
  const analysed: string[] = []
  const notAnalysed: NotAnalysed[] = []
  const queued = new Set<string>()
  const queue: string[] = []
  const enqueue = (file: string): void => {
    // data, native addons, styles, wasm: not JavaScript (extension-less bin scripts are)
    if (queued.has(file) || (/\.[A-Za-z0-9]+$/.test(file) && !isSourcePath(file))) return
    queued.add(file)
    queue.push(file)
  }
  for (const f of entryFiles) enqueue(f)
  let chars = 0
  let overLimit = 0
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i] as string
    if (analysed.length >= MAX_GRAPH_FILES) {
      overLimit++
      continue
    }
    const data = files.files.get(file)
    if (!data) {
      notAnalysed.push({
        file,
        reason: 'not read from the tarball (too large or over the memory budget)'
      })
      continue
    }
    if (data.includes(0)) {
      notAnalysed.push({ file, reason: 'not a text file' })
      continue
    }
    const code = data.toString('utf8')
    if (chars + code.length > MAX_GRAPH_CODE_CHARS) {
      notAnalysed.push({
        file,
        reason: `over the ${MAX_GRAPH_CODE_CHARS}-character budget of code analysed per package`
      })
      continue
    }
    chars += code.length
    const parsed = parseJavaScript(code, file)
    if (!parsed.ok) {
      notAnalysed.push({
        file,
        reason: `does not parse${parsed.line ? ` (line ${parsed.line})` : ''}: ${parsed.message}`
      })
      continue
    }
    analysed.push(file)
    let specifiers: readonly string[]
    try {
      specifiers = visit({ file, program: parsed.program, lines: code.split(/\r\n|\r|\n/) })
    } catch (error) {
      analysed.pop()
      notAnalysed.push({
        file,
        reason: `analysis failed: ${error instanceof Error ? error.message : String(error)}`
      })
      continue
    }
    for (const spec of specifiers) {
      const target = resolveModule(files, file, spec)
      if (target !== null) enqueue(target)
    }
  }
  if (overLimit > 0) {
    notAnalysed.push({
      file: queue[MAX_GRAPH_FILES] ?? '',
      reason: `${overLimit} more files past the ${MAX_GRAPH_FILES}-file limit were not analysed`
    })
  }
  return { analysed, notAnalysed }
}
