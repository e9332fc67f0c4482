/**
 * Finding and loading the policy file (SPEC §6): `.github/mcp-policy.{json,jsonc,yml,yaml}`.
 *
 * Every problem becomes a `PolicyFileError` at a 1-based line and column: syntax errors where
 * the parser stopped, schema problems at the offending key or value, read problems at 1:1.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parseJsonDocument, parseYamlDocument, type PolicyDocument } from './document.js'
import { PolicyFileError, type PolicyFileProblem } from './errors.js'
import { dottedPath, issueProblem } from './issue-message.js'
import { PolicyFileSchema, type PolicyFile } from './schema.js'

export { PolicyFileError } from './errors.js'
export type { PolicyFile } from './schema.js'

/** Where `findPolicyFile` looks, relative to the workspace, in this order (SPEC §6). */
export const POLICY_FILE_NAMES = [
  '.github/mcp-policy.json',
  '.github/mcp-policy.jsonc',
  '.github/mcp-policy.yml',
  '.github/mcp-policy.yaml'
] as const

/**
 * Largest policy file read (bytes): a policy is a few KiB; anything this big is a mistake, and
 * the bound keeps parse time of hostile input under a second.
 */
export const MAX_POLICY_FILE_BYTES = 256 * 1024

/**
 * The policy file in `cwd` (one of `POLICY_FILE_NAMES`), or null when there is none.
 * @returns the path joined onto `cwd`.
 * @throws PolicyFileError when more than one of them exists (which one applies would be a guess).
 */
export async function findPolicyFile(cwd: string): Promise<string | null> {
  const found: string[] = []
  for (const name of POLICY_FILE_NAMES) {
    const path = join(cwd, name)
    try {
      if ((await stat(path)).isFile()) found.push(path)
    } catch {
      // absent (or unreadable, which loading it would report): not a candidate
    }
  }
  if (found.length > 1) {
    throw new PolicyFileError(found[1] ?? '', [
      {
        line: 1,
        column: 1,
        at: '',
        message: `more than one policy file: ${found.join(', ')}. Keep one (they are not merged)`
      }
    ])
  }
  return found[0] ?? null
}

/**
 * Read, parse and validate a policy file. JSON and JSONC (comments, trailing commas) for `.json`
 * and `.jsonc`, YAML for `.yml` and `.yaml`; another extension is read as JSON when it starts
 * with `{`, else as YAML. An empty file (or only comments) is a valid empty policy.
 * @throws PolicyFileError for a file that cannot be read (missing, a directory, larger than
 *   `MAX_POLICY_FILE_BYTES`), a syntax error, or a schema problem — with line and column.
 */
export async function loadPolicyFile(path: string): Promise<PolicyFile> {
  let text: string
  try {
    const info = await stat(path)
    if (!info.isFile()) return readProblem(path, 'it is not a file. Give the path of a policy file')
    if (info.size > MAX_POLICY_FILE_BYTES) {
      return readProblem(
        path,
        `it is ${info.size} bytes, more than the ${MAX_POLICY_FILE_BYTES} a policy file may have. Check the path`
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof PolicyFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${code ?? 'error'})`
    return readProblem(path, `${why}. Check the policy path`)
  }
  return parsePolicyText(text, path)
}

function readProblem(path: string, message: string): never {
  throw new PolicyFileError(path, [
    { line: 1, column: 1, at: '', message: `cannot use the policy file: ${message}` }
  ])
}

/**
 * Parse and validate policy file text (what `loadPolicyFile` does after reading).
 * @param path used for the format (by extension) and in messages.
 * @throws PolicyFileError with every syntax problem, or else every schema problem, located.
 */
export function parsePolicyText(text: string, path: string): PolicyFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const doc = isYaml(path, body) ? parseYamlDocument(body) : parseJsonDocument(body)
  if (doc.problems.length > 0) {
    throw new PolicyFileError(
      path,
      doc.problems.map((p) => ({ line: p.line, column: p.column, at: '', message: p.message }))
    )
  }
  const result = PolicyFileSchema.safeParse(doc.value, { reportInput: true })
  if (result.success) return result.data
  throw new PolicyFileError(path, schemaProblems(result.error.issues, doc))
}

function isYaml(path: string, text: string): boolean {
  const ext = extname(path).toLowerCase()
  if (ext === '.yml' || ext === '.yaml') return true
  if (ext === '.json' || ext === '.jsonc') return false
  return !text.trimStart().startsWith('{')
}

function schemaProblems(
  issues: readonly Parameters<typeof issueProblem>[0][],
  doc: PolicyDocument
): PolicyFileProblem[] {
  const problems = issues.map((issue) => {
    const problem = issueProblem(issue)
    return {
      ...doc.locate(problem.path, problem.part),
      at: dottedPath(problem.path),
      message: problem.message
    }
  })
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)
}
