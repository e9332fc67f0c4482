/**
 * Parse one JavaScript or TypeScript file of a package into an ESTree `Program` with line and
 * column locations, for the source rules (`source/`) and the tool extraction (`tools/`).
 *
 * - `.js`, `.mjs`, `.cjs`, `.jsx` (and files without an extension): `meriyah` (ESTree, ES2025 and
 *   stage-3 syntax with `next`), first as a module, then as a sloppy-mode script (CommonJS
 *   bundles may use `with`, octal literals or `await` as a name);
 * - `.ts`, `.mts`, `.cts`, `.tsx`: `@babel/parser` with its `typescript` and `estree` plugins, so
 *   both give ESTree nodes (TypeScript-only nodes such as `TSTypeAnnotation` appear as extra
 *   `TS*` nodes, which walkers skip or descend into like any other node).
 * A leading `#!` line is blanked (offsets and lines stay). Minified and bundled code parses like
 * any other code. Never throws: a file that does not parse is `{ ok: false }` with the first
 * error's line, so the caller can say which file could not be analysed.
 */
import { parse as parseBabel } from '@babel/parser'
import type { Program } from 'estree'
import { parse as parseMeriyah } from 'meriyah'

/** Largest file parsed, in characters (bigger files are reported as not analysed). */
export const MAX_PARSED_CHARS = 4 * 1024 * 1024

/** Languages `parseJavaScript` reads. */
export type SourceLanguage = 'javascript' | 'typescript'

/** The outcome of parsing one file. */
export type ParsedSource =
  | { ok: true; program: Program; language: SourceLanguage }
  | { ok: false; language: SourceLanguage; message: string; line?: number }

/** True for paths `parseJavaScript` reads as TypeScript (`.ts`, `.mts`, `.cts`, `.tsx`). */
export function isTypeScriptPath(path: string): boolean {
  return /\.(?:[mc]?ts|tsx)$/i.test(path) && !/\.d\.[mc]?ts$/i.test(path)
}

/** True for paths the source rules analyse: JavaScript or TypeScript, not declaration files. */
export function isSourcePath(path: string): boolean {
  return /\.(?:[mc]?js|jsx|[mc]?ts|tsx)$/i.test(path) && !/\.d\.[mc]?ts$/i.test(path)
}

/**
 * Parse `code` (the content of `path`, whose extension picks the parser; see the module doc).
 * Locations are 1-based lines and 0-based columns (ESTree `loc`).
 */
export function parseJavaScript(code: string, path: string): ParsedSource {
  const typescript = isTypeScriptPath(path)
  const language: SourceLanguage = typescript ? 'typescript' : 'javascript'
  if (code.length > MAX_PARSED_CHARS) {
    return {
      ok: false,
      language,
      message: `the file has ${code.length} characters, more than the ${MAX_PARSED_CHARS} analysed`
    }
  }
  const text = blankHashbang(code)
  return typescript ? parseTypeScript(text, path) : parseScriptOrModule(text, path)
}

function parseScriptOrModule(text: string, path: string): ParsedSource {
  const jsx = /\.jsx$/i.test(path)
  let firstError: unknown
  for (const module of [true, false]) {
    try {
      const program = parseMeriyah(text, {
        module,
        next: true,
        loc: true,
        jsx,
        globalReturn: !module,
        webcompat: !module
      }) as unknown as Program
      return { ok: true, program, language: 'javascript' }
    } catch (error) {
      firstError ??= error
    }
  }
  return failure('javascript', firstError)
}

function parseTypeScript(text: string, path: string): ParsedSource {
  try {
    const file = parseBabel(text, {
      sourceType: 'unambiguous',
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      plugins: [
        'estree',
        ['typescript', { dts: false }],
        ...(/x$/i.test(path) ? ['jsx' as const] : [])
      ]
    })
    return { ok: true, program: file.program as unknown as Program, language: 'typescript' }
  } catch (error) {
    return failure('typescript', error)
  }
}

function failure(language: SourceLanguage, error: unknown): ParsedSource {
  const message = error instanceof Error ? error.message : String(error)
  const line = lineOf(error)
  return {
    ok: false,
    language,
    message: message
      .replace(/^\[\d+:\d+-\d+:\d+\]:\s*/, '')
      .replace(/\s+/g, ' ')
      .slice(0, 300),
    ...(line !== undefined && { line })
  }
}

/** The 1-based line of a meriyah (`loc.start.line`) or Babel (`loc.line`) syntax error. */
function lineOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { loc?: { line?: unknown; start?: { line?: unknown } } }
  const line = e.loc?.start?.line ?? e.loc?.line
  return typeof line === 'number' && Number.isInteger(line) && line >= 1 ? line : undefined
}

/** `#!…` on the first line replaced by spaces, so positions are unchanged. */
function blankHashbang(code: string): string {
  if (!code.startsWith('#!')) return code
  const end = code.search(/\r|\n/)
  return ' '.repeat(end < 0 ? code.length : end) + (end < 0 ? '' : code.slice(end))
}
