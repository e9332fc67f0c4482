/**
 * What a declared tool can do, read from its name, description and parameters (the permission
 * side of the tool rules): running commands or code, changing or deleting things, and taking
 * free-form paths, URLs, commands or SQL. Each check returns the evidence (a short, escaped
 * excerpt) or undefined. Word lists were tuned on real servers (MCP reference servers, Tavily,
 * Figma, Desktop Commander, Kubernetes): `search_code`, `execute_sql`, `create_directory` and
 * `get_file_info` are not command runners nor destructive.
 */
import type { DeclaredTool } from '../../report.js'
import { escapeInvisible, excerptOf } from './tool-text.js'

/** The words of a tool or parameter name: `runShellCommand`, `run-shell_command` → run shell command. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
}

/** Name words that mean running a command, a shell or code. */
const EXEC_NAME_WORDS = new Set([
  'exec',
  'shell',
  'bash',
  'zsh',
  'powershell',
  'pwsh',
  'terminal',
  'cmd',
  'subprocess',
  'eval',
  'evaluate',
  'repl'
])

/** Name words that, after `run`/`execute`, mean running a command or code. */
const EXEC_OBJECTS = new Set([
  'command',
  'commands',
  'cmd',
  'code',
  'script',
  'scripts',
  'shell',
  'process',
  'program',
  'python',
  'javascript',
  'js',
  'node',
  'binary'
])

/** Description wording of running commands or code (not SQL, tests or searches). */
const EXEC_DESCRIPTION =
  /(?<!-)\b(?:run|runs|running|execute|executes|executing|evaluate|evaluates|evaluating|eval)\b(?: (?:a|an|the|any|arbitrary|given|custom|one|single|multiple))? (?:(?:shell|terminal|bash|system|os|cli|powershell|javascript|python|node(?:\.js)?|js) )?(?:commands?|scripts?|code|snippets? of code|javascript|python|shell)\b(?! (?:search|review|snippets?|examples?|samples?|quality|completion))/i

/** Parameter names that take a command line or a script (`code` needs the tool to run it). */
const EXEC_PARAMETERS = new Set([
  'command',
  'cmd',
  'commandline',
  'script',
  'shellcommand',
  'bashcommand',
  'shell'
])

/**
 * Evidence that `tool` runs commands, a shell or code: its name (`exec`, `run_command`,
 * `shell`, `eval`), its description ("Execute a shell command", "Run arbitrary JavaScript"),
 * or a free (unconstrained) `command`/`cmd`/`script` string parameter, or a `code` one on a tool
 * whose name or description speaks of running or evaluating. Undefined otherwise.
 */
export function execEvidence(tool: DeclaredTool): string | undefined {
  const words = nameWords(tool.name)
  const runs = words.some((w) => w === 'run' || w === 'execute' || w === 'exec' || w === 'spawn')
  if (
    words.some((w) => EXEC_NAME_WORDS.has(w)) ||
    (runs && words.some((w) => EXEC_OBJECTS.has(w)))
  ) {
    return `tool name ${escapeInvisible(tool.name)}`
  }
  const description = tool.description ?? ''
  const match = EXEC_DESCRIPTION.exec(description)
  if (match)
    return `description: ${excerptOf(description, match.index, match.index + match[0].length)}`
  for (const parameter of tool.parameters) {
    if (parameter.constrained || !isTextType(parameter.type)) continue
    const joined = nameWords(parameter.name).join('')
    const code = joined === 'code' && (runs || /\b(?:run|execute|evaluate)s?\b/i.test(description))
    if (EXEC_PARAMETERS.has(joined) || code) {
      return `free-text parameter ${escapeInvisible(parameter.name)}`
    }
  }
  return undefined
}

/** Name words that mean deleting, overwriting, moving, killing or otherwise changing state. */
const DESTRUCTIVE_NAME_WORDS = new Set([
  'delete',
  'del',
  'remove',
  'rm',
  'rmdir',
  'unlink',
  'drop',
  'truncate',
  'destroy',
  'purge',
  'wipe',
  'erase',
  'kill',
  'terminate',
  'write',
  'overwrite',
  'move',
  'mv',
  'rename',
  'update',
  'upsert',
  'edit',
  'modify',
  'patch',
  'replace',
  'reset',
  'revoke',
  'uninstall',
  'cleanup',
  'clear'
])

/** A description that opens by saying the tool deletes, overwrites, moves or kills something. */
const DESTRUCTIVE_DESCRIPTION =
  /^\s*(?:(?:permanently|completely|forcefully|forcibly|irreversibly) )?(?:delete|deletes|remove|removes|drop|drops|truncate|truncates|destroy|destroys|purge|purges|wipe|wipes|erase|erases|kill|kills|terminate|terminates|overwrite|overwrites|uninstall|uninstalls)\b/i

/**
 * Evidence that `tool` changes or destroys state by its name (`delete_…`, `write_file`,
 * `move_file`, `kill_process`, `update_issue`) or by the opening of its description ("Delete …",
 * "Permanently remove …"). Undefined otherwise.
 */
export function destructiveEvidence(tool: DeclaredTool): string | undefined {
  const word = nameWords(tool.name).find((w) => DESTRUCTIVE_NAME_WORDS.has(w))
  if (word) return `tool name ${escapeInvisible(tool.name)}`
  const description = tool.description ?? ''
  const match = DESTRUCTIVE_DESCRIPTION.exec(description)
  if (match)
    return `description: ${excerptOf(description, match.index, match.index + match[0].length)}`
  return undefined
}

/** Head nouns of parameter names that take a path, a URL, a command or a script. */
const RISKY_PARAMETER_WORDS = new Set([
  'path',
  'paths',
  'filepath',
  'filename',
  'file',
  'files',
  'dir',
  'dirs',
  'directory',
  'directories',
  'folder',
  'url',
  'urls',
  'uri',
  'uris',
  'command',
  'commands',
  'cmd',
  'sql',
  'script'
])

/** Tool wording that makes a `query` parameter a database query. */
const DATABASE_WORDING =
  /\b(?:sql|database|db|postgres(?:ql)?|mysql|mariadb|sqlite|mssql|oracle|snowflake|bigquery|clickhouse|duckdb|cypher|neo4j|mongo(?:db)?|select statements?)\b/i

/**
 * The names of `tool`'s parameters that take free text where a path, URL, command, script or
 * SQL goes: the last word of the name is one of `RISKY_PARAMETER_WORDS` (`path`, `filePath`,
 * `urls`, `command`, `sql`, …; `fileKey` is not), or it is `query` on a tool that talks about a
 * database or SQL; its type is a string, an array of strings or unknown; and nothing constrains
 * it (`constrained: false`).
 */
export function unconstrainedRiskyParameters(tool: DeclaredTool): string[] {
  const databaseTool = DATABASE_WORDING.test(
    `${nameWords(tool.name).join(' ')} ${tool.description ?? ''}`
  )
  const risky: string[] = []
  for (const parameter of tool.parameters) {
    if (parameter.constrained || !isTextType(parameter.type)) continue
    const words = nameWords(parameter.name)
    const last = words.at(-1) ?? ''
    const pair = words.slice(-2).join('')
    const query = last === 'query' || last === 'queries'
    if (
      RISKY_PARAMETER_WORDS.has(last) ||
      pair === 'filename' ||
      (query && (databaseTool || DATABASE_WORDING.test(parameter.description ?? '')))
    ) {
      risky.push(parameter.name)
    }
  }
  return risky
}

/** True for a parameter type that can carry free text (string, array, or not known). */
function isTextType(type: string | undefined): boolean {
  return type === undefined || /(?:^|\|)(?:string|array)(?:\||$)/.test(type)
}
