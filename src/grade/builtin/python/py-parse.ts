/**
 * Python parsing for the built-in grader's source rules: tree-sitter (`web-tree-sitter`, the WASM
 * build, so nothing native is installed) with the `tree-sitter-python` grammar.
 *
 * The runtime and the grammar are loaded once per process. Their `.wasm` files are found with
 * Node's resolver (`web-tree-sitter/tree-sitter.wasm`, `tree-sitter-python/tree-sitter-python.wasm`)
 * unless a folder holding both is given (`wasmDir` option, or the `MCP_GRADE_GATE_WASM_DIR`
 * environment variable): the bundled action ships them next to `dist/index.js`.
 *
 * Nothing here throws for bad input: a missing WASM file, a parse that runs past its time limit
 * and a file with syntax errors are all results.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Language, Parser, type Tree } from 'web-tree-sitter'

/** Environment variable naming a folder that holds both `.wasm` files. */
export const WASM_DIR_ENV = 'MCP_GRADE_GATE_WASM_DIR'
/** File names of the tree-sitter runtime and of the Python grammar. */
export const RUNTIME_WASM = 'tree-sitter.wasm'
export const PYTHON_WASM = 'tree-sitter-python.wasm'

/** Longest time one file may take to parse, in ms (a pathological file is not analysed). */
export const PARSE_TIME_LIMIT_MS = 2_000

/** Where the `.wasm` files are. */
export interface PythonParserOptions {
  /** A folder holding `tree-sitter.wasm` and `tree-sitter-python.wasm`; overrides the env. */
  wasmDir?: string
}

/**
 * A parse: `ok` with the tree (the caller must `tree.delete()` it when done: it lives in WASM
 * memory), or why there is none. `line` is the 1-based line of the first syntax error.
 */
export type PythonParseResult =
  | { ok: true; tree: Tree }
  | {
      ok: false
      reason: 'unavailable' | 'syntax-error' | 'time-limit'
      message: string
      line?: number
    }

let loading: Promise<Parser | Error> | null = null
let loadedFrom: string | null = null

/**
 * The paths of the two `.wasm` files: in `options.wasmDir`, else in `$MCP_GRADE_GATE_WASM_DIR`,
 * else beside the bundle (`besideBundle`), else where Node resolves the packages. Never throws (a path that does not exist is reported
 * when loading).
 */
export function wasmPaths(options: PythonParserOptions = {}): { runtime: string; python: string } {
  const dir = options.wasmDir ?? process.env[WASM_DIR_ENV] ?? besideBundle()
  if (dir) return { runtime: join(dir, RUNTIME_WASM), python: join(dir, PYTHON_WASM) }
  const require = createRequire(import.meta.url)
  const resolve = (id: string): string => {
    try {
      return require.resolve(id)
    } catch {
      return id
    }
  }
  return {
    runtime: resolve(`web-tree-sitter/${RUNTIME_WASM}`),
    python: resolve(`tree-sitter-python/${PYTHON_WASM}`)
  }
}

/**
 * The folder of this module's file when both `.wasm` files are there: the bundled action and
 * CLI (`dist/index.js`, `dist/cli.js`) ship them beside the bundle (rollup.config.js), where no
 * `node_modules` exists. Undefined in a source checkout.
 */
function besideBundle(): string | undefined {
  try {
    const dir = dirname(fileURLToPath(import.meta.url))
    return existsSync(join(dir, RUNTIME_WASM)) && existsSync(join(dir, PYTHON_WASM))
      ? dir
      : undefined
  } catch {
    return undefined
  }
}

/**
 * The process-wide Python parser, loaded on first use. The first call's paths win; a failure is
 * remembered (every later parse answers `unavailable`).
 * @returns the parser, or an Error saying which file could not be loaded.
 */
export function loadPythonParser(options: PythonParserOptions = {}): Promise<Parser | Error> {
  if (!loading) {
    const paths = wasmPaths(options)
    loadedFrom = paths.python
    loading = load(paths)
  }
  return loading
}

async function load(paths: { runtime: string; python: string }): Promise<Parser | Error> {
  for (const path of [paths.runtime, paths.python]) {
    if (!existsSync(path)) {
      return new Error(`the tree-sitter file ${path} is missing; Python code cannot be analysed`)
    }
  }
  try {
    await Parser.init({ locateFile: () => paths.runtime })
    const language = await Language.load(paths.python)
    const parser = new Parser()
    parser.setLanguage(language)
    return parser
  } catch (error) {
    return new Error(
      `tree-sitter could not be loaded from ${loadedFrom ?? paths.python}: ${
        error instanceof Error ? error.message : String(error)
      }`
    )
  }
}

/**
 * Parse Python `source` (any text; a BOM is fine). A tree with an `ERROR` or missing node is a
 * `syntax-error` result (its tree is freed): a half-understood file is not analysed as if it were
 * understood. Never rejects.
 */
export async function parsePython(
  source: string,
  options: PythonParserOptions = {}
): Promise<PythonParseResult> {
  const parser = await loadPythonParser(options)
  if (parser instanceof Error) return { ok: false, reason: 'unavailable', message: parser.message }
  const deadline = Date.now() + PARSE_TIME_LIMIT_MS
  let tree: Tree | null
  try {
    parser.reset()
    tree = parser.parse(source, null, { progressCallback: () => Date.now() > deadline })
  } catch (error) {
    return {
      ok: false,
      reason: 'unavailable',
      message: `tree-sitter failed: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  if (!tree) {
    return {
      ok: false,
      reason: 'time-limit',
      message: `parsing took longer than ${PARSE_TIME_LIMIT_MS} ms; stopped`
    }
  }
  if (tree.rootNode.hasError) {
    const line = firstErrorLine(tree)
    tree.delete()
    return {
      ok: false,
      reason: 'syntax-error',
      message: `syntax error${line ? ` at line ${line}` : ''} (not Python 3, or damaged)`,
      ...(line ? { line } : {})
    }
  }
  return { ok: true, tree }
}

/** 1-based line of the first ERROR or missing node, when one is found. */
function firstErrorLine(tree: Tree): number | undefined {
  const cursor = tree.walk()
  try {
    for (;;) {
      const node = cursor.currentNode
      if (node.isError || node.isMissing) return node.startPosition.row + 1
      if (node.hasError && cursor.gotoFirstChild()) continue
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return undefined
      }
    }
  } finally {
    cursor.delete()
  }
}
