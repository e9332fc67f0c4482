/**
 * The config part of the built-in grader's rubric (SPEC §5 "what the config itself does"),
 * documented rule by rule in docs/grading-config.md: literal secrets, container flags that hand
 * the host to the server, filesystem servers rooted at `/` or a home directory, tools approved
 * without asking, and plain-http remotes.
 *
 * These rules look at the config entry, not at the package. Deductions are points off the rule's
 * axis (0–100 per finding) and are this project's own judgement: one literal secret (−50) puts
 * the credentials axis at 50, well below C (60); two put it at 0, below D (40) (scale: SPEC §5).
 * A container that can take over its host costs as much as a leaked secret.
 *
 * Rules on the security axis carry no deduction in rubric v1: the built-in grader does not score
 * that axis yet (docs/grading.md, "Axes in v1"), so their findings are reported with their
 * severity only — never turned into a made-up number.
 */
import path from 'node:path'
import { findLiteralSecrets, maskSecretsInText } from '../../config/secrets.js'
import { unquote } from '../../config/placeholders.js'
import type { ServerEntry } from '../../config/types.js'
import { isLoopbackHost, sanitizeUrl } from '../../net/url-redaction.js'
import { GLOBAL_VALUE_OPTIONS, RUN_BOOLEAN_OPTIONS } from '../../resolve/oci-idiom.js'
import { type OptionGrammar, scanOptions } from '../../resolve/options.js'
import type { ResolvedServer } from '../../resolve/types.js'
import type { Finding } from '../report.js'
import { findingOf } from './finding.js'
import type { RuleDefinition } from './rule.js'

/** Config rules by short name (ids are stable; see docs/grading-config.md). */
export const CONFIG_RULE = {
  literalSecret: {
    id: 'config.literal-secret',
    axis: 'credentials',
    severity: 'critical',
    deduction: 50,
    title: 'Literal secret written into the config',
    cwe: 'CWE-798',
    rationale:
      'An env value, header, arg, command or URL holds a credential instead of a reference (`${env:X}`, `${input:x}`): anyone who can read the file can use it, and it stays in git history. One finding per secret.'
  },
  dockerPrivileged: {
    id: 'config.docker-privileged',
    axis: 'permissions',
    severity: 'critical',
    deduction: 50,
    title: 'Container runs with --privileged',
    cwe: 'CWE-250',
    rationale:
      '`docker|podman run --privileged` gives the container every capability and all host devices: it can take over the host.'
  },
  dockerCapability: {
    id: 'config.docker-dangerous-capability',
    axis: 'permissions',
    severity: 'high',
    deduction: 30,
    title: 'Container is given a dangerous Linux capability',
    cwe: 'CWE-250',
    rationale:
      '`--cap-add` of ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, NET_ADMIN or BPF: each is a known route out of the container or into other processes. One finding per capability.'
  },
  dockerHostNamespace: {
    id: 'config.docker-host-namespace',
    axis: 'permissions',
    severity: 'high',
    deduction: 25,
    title: 'Container shares a host namespace',
    cwe: 'CWE-668',
    rationale:
      '`--network host` / `--net=host`, `--pid host`, `--ipc host`, `--uts host`, `--userns host` or `--cgroupns host`: the container sees and reaches the host’s network services or processes directly. One finding per namespace.'
  },
  dockerHostMount: {
    id: 'config.docker-host-root-mount',
    axis: 'permissions',
    severity: 'critical',
    deduction: 50,
    title: 'Container mounts the host root or a system directory',
    cwe: 'CWE-552',
    rationale:
      'A bind mount (`-v`, `--volume`, `--mount type=bind`) of `/`, a drive root, `/proc/<pid>/root` or a system directory (`/etc`, `/root`, `/proc`, `/sys`, `/dev`, `/boot`, `/var`, `/usr`, `/run`, `/var/lib/docker`, `C:\\Windows`), written in any spelling (`/.`, `/etc/..`), or a raw disk (`--device /dev/sda`) exposes the host to the server.'
  },
  dockerSocket: {
    id: 'config.docker-socket-mount',
    axis: 'permissions',
    severity: 'critical',
    deduction: 50,
    title: 'Container can drive the host’s container engine',
    cwe: 'CWE-250',
    rationale:
      'A mount of `/var/run/docker.sock` (or the podman/containerd socket, or the Windows docker pipe), or `--use-api-socket`: whoever controls the engine can start a privileged container, which is root on the host.'
  },
  dockerSecurityDisabled: {
    id: 'config.docker-security-disabled',
    axis: 'security',
    severity: 'high',
    deduction: 20,
    title: 'Container runs with a kernel protection switched off',
    cwe: 'CWE-693',
    rationale:
      '`--security-opt seccomp=unconfined`, `apparmor=unconfined`, `label=disable` or `systempaths=unconfined` removes a layer that contains a compromised server. One finding per option.'
  },
  containerEscape: {
    id: 'config.container-escape',
    axis: 'security',
    severity: 'critical',
    deduction: 40,
    title: 'Container isolation is void: the server can reach the host',
    cwe: 'CWE-250',
    rationale:
      'Once per entry when the container is privileged, holds the engine socket, mounts the host root or a system directory, or gets ALL/SYS_ADMIN/SYS_MODULE: whatever the server does is done to the host (the permissions findings carry the flags).'
  },
  filesystemSystemRoot: {
    id: 'config.filesystem-system-root',
    axis: 'permissions',
    severity: 'critical',
    deduction: 45,
    title: 'Filesystem server may access the whole disk',
    cwe: 'CWE-732',
    rationale:
      'A filesystem server (e.g. @modelcontextprotocol/server-filesystem, mcp-server-filesystem) is given `/` or a drive root (`C:\\`, `C:/`, `/mnt/c`) as an allowed directory.'
  },
  filesystemHomeRoot: {
    id: 'config.filesystem-home-root',
    axis: 'permissions',
    severity: 'high',
    deduction: 35,
    title: 'Server may access the whole home directory',
    cwe: 'CWE-732',
    rationale:
      'A filesystem server’s allowed directory, or a container bind mount, is a home directory (`~`, `$HOME`, `%USERPROFILE%`, `${userHome}`, `/Users/name`, `/home/name`, `/root`, `C:\\Users\\name`) or all of them (`/Users`, `/home`): SSH keys, cloud credentials and browser profiles are in reach.'
  },
  autoApproveAll: {
    id: 'config.auto-approve-all',
    axis: 'permissions',
    severity: 'high',
    deduction: 35,
    title: 'Every tool of the server runs without confirmation',
    cwe: 'CWE-862',
    rationale: '`autoApprove`/`alwaysAllow` holds `*` or `all`: no call is ever shown to the user.'
  },
  autoApproveDestructive: {
    id: 'config.auto-approve-destructive',
    axis: 'permissions',
    severity: 'medium',
    deduction: 10,
    title: 'A tool that changes things runs without confirmation',
    cwe: 'CWE-862',
    rationale:
      'An auto-approved tool whose name says it writes, deletes, executes, pushes or deploys (write, delete, remove, exec, run, shell, command, push, drop, kill, deploy, …). One finding per tool.'
  },
  autoApproveTools: {
    id: 'config.auto-approve-tools',
    axis: 'permissions',
    severity: 'low',
    deduction: 3,
    title: 'Some tools run without confirmation',
    rationale:
      'Other auto-approved tools (read-only by their names), reported once per entry: a prompt-injected call to them is not shown to the user either.'
  },
  trustAll: {
    id: 'config.trust-all',
    axis: 'permissions',
    severity: 'high',
    deduction: 35,
    title: 'The client trusts the server: all confirmations are skipped',
    cwe: 'CWE-862',
    rationale: 'Gemini CLI `"trust": true` bypasses every tool-call confirmation for this server.'
  },
  skipPermissions: {
    id: 'config.skip-permissions-flag',
    axis: 'permissions',
    severity: 'high',
    deduction: 35,
    title: 'The server is launched with its permission checks switched off',
    cwe: 'CWE-862',
    rationale:
      'The command line carries `--dangerously-skip-permissions`, `--permission-mode bypassPermissions`, `--dangerously-bypass-approvals-and-sandbox`, `--yolo` or `--approval-mode yolo`: an agent server runs every action unasked.'
  },
  plainHttpRemote: {
    id: 'config.plain-http-remote',
    axis: 'security',
    severity: 'high',
    deduction: 20,
    title: 'Remote server reached over plain HTTP',
    cwe: 'CWE-319',
    rationale:
      'A remote endpoint (`url`/`serverUrl`/`httpUrl`, or the URL given to mcp-remote, supergateway or mcp-proxy) uses `http://` or `ws://` to a host that is not loopback (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`, and `0.0.0.0`/`::`, which a client reaches on its own machine): requests, answers and any token can be read and changed on the way.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every config rule, for docs and the rubric. */
export const CONFIG_RULES: readonly RuleDefinition[] = Object.values(CONFIG_RULE)

/**
 * Run every config rule over one resolved server entry.
 *
 * Computed once per `ResolvedServer` object (memoised in a WeakMap), so the gate and the
 * built-in grader share one computation; the literal secrets are `findLiteralSecrets(entry)`'s
 * (itself memoised per entry), so the `config.literal-secret` findings and the gate's
 * `LITERAL_SECRET` reasons always agree: one finding per `LiteralSecret`, in the same order.
 *
 * @param server the entry with its unwrapped command line (`argv`) and package identity.
 * @returns a fresh array per call (the finding objects are shared between callers: treat them as
 *   read-only) with `file` = the config path, `line` = the field's line when known (else the
 *   entry's), and a short masked snippet; empty when the entry is clean. Never rejects.
 */
export function checkConfigEntry(server: ResolvedServer): Promise<Finding[]> {
  let pending = checked.get(server)
  if (!pending) {
    pending = runConfigRules(server)
    checked.set(server, pending)
  }
  return pending.then((findings) => [...findings])
}

const checked = new WeakMap<ResolvedServer, Promise<readonly Finding[]>>()

async function runConfigRules(server: ResolvedServer): Promise<readonly Finding[]> {
  const { entry } = server
  const literal = await findLiteralSecrets(entry)
  return [
    ...literal.map((s) =>
      findingOf(CONFIG_RULE.literalSecret, {
        file: entry.config,
        line: s.location?.line ?? lineOf(entry, s.field),
        snippet: `${s.field}: ${s.kind} = ${s.masked}`
      })
    ),
    ...containerFindings(server),
    ...filesystemFindings(server),
    ...approvalFindings(server),
    ...transportFindings(server)
  ]
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

function lineOf(entry: ServerEntry, field: string): number {
  return entry.fieldLocations[field]?.line ?? entry.location.line
}

/** The entry field an argv word came from: the arg holding it, else `command`. */
function fieldOfWord(entry: ServerEntry, word: string): string {
  const exact = entry.launch.args.indexOf(word)
  if (exact >= 0) return `args.${exact}`
  const inside = entry.launch.args.findIndex((a) => a.includes(word))
  return inside >= 0 ? `args.${inside}` : 'command'
}

/** Evidence for an argv word: the field's line and a masked, shortened snippet. */
function evidenceAt(entry: ServerEntry, word: string, snippet: string) {
  return {
    file: entry.config,
    line: lineOf(entry, fieldOfWord(entry, word)),
    snippet: maskSecretsInText(snippet.length > 300 ? `${snippet.slice(0, 299)}…` : snippet)
  }
}

// ── containers ────────────────────────────────────────────────────────────────────────────────

const CONTAINER_CLI = /^(?:docker|podman|nerdctl|finch)(?:\.exe)?$/i

/** Global container-CLI options that take a value: the resolver's list (src/resolve/oci-idiom.ts). */
const GLOBAL_GRAMMAR: OptionGrammar = { valueFlags: new Set(GLOBAL_VALUE_OPTIONS) }

/**
 * The option grammar of one `run`/`create`/`exec` command line for the resolver's option scanner
 * (`scanOptions`, src/resolve/options.ts): every option spelling written in `args` — long names,
 * and each letter of a short cluster (`-itv` → `-i`, `-t`, `-v`) — takes a value unless it is one
 * of the resolver's `RUN_BOOLEAN_OPTIONS` (src/resolve/oci-idiom.ts).
 */
function runGrammar(args: readonly string[]): OptionGrammar {
  const valueFlags = new Set<string>()
  for (const arg of args) {
    if (arg.startsWith('--')) valueFlags.add(arg.split('=', 1)[0] ?? arg)
    else if (arg.startsWith('-')) for (const c of arg.slice(1)) valueFlags.add(`-${c}`)
  }
  for (const flag of RUN_BOOLEAN_OPTIONS) valueFlags.delete(flag)
  return { valueFlags }
}

interface ContainerOption {
  name: string
  value: string | undefined
  /** The option as written (`--net=host`, `-v/:/x`), or rebuilt as `flag value` for evidence. */
  written: string
  /** The argv word that locates the option best (its value when written apart). */
  word: string
}

/** The arg in which `flag` and `value` are written as one word (`--net=host`, `-itv/:/x`). */
function joinedWord(args: readonly string[], flag: string, value: string): string | undefined {
  if (flag.startsWith('--')) return args.find((w) => w === `${flag}=${value}`)
  const letter = flag.slice(1)
  return args.find(
    (w) => /^-[^-]/.test(w) && (w.endsWith(`${letter}${value}`) || w.endsWith(`${letter}=${value}`))
  )
}

/**
 * Options of a `docker|podman|nerdctl|finch [global options] [container] run|create|exec …`
 * command line, up to the image (or container) name, read with the resolver's option scanner
 * (`--name value`, `--name=value`, `-v value`, `-vvalue`, clustered `-itv value`, `--`); null
 * when `argv` is no such command. Words after the image are the server's own args and are not
 * container options.
 */
function containerOptions(argv: readonly string[]): ContainerOption[] | null {
  const cli = argv[0]?.split(/[\\/]/).at(-1) ?? ''
  if (!CONTAINER_CLI.test(cli)) return null
  let words = scanOptions(argv.slice(1), GLOBAL_GRAMMAR).positional
  if (words[0] === 'container') words = words.slice(1)
  if (!['run', 'create', 'exec'].includes(words[0] ?? '')) return null
  const args = words.slice(1)
  return scanOptions(args, runGrammar(args)).options.map(({ flag, value }) => {
    if (value === undefined) return { name: flag, value, written: flag, word: flag }
    const joined = joinedWord(args, flag, value)
    if (joined !== undefined) return { name: flag, value, written: joined, word: joined }
    return { name: flag, value, written: `${flag} ${value}`, word: value }
  })
}

/** Capabilities that break container isolation or reach other processes. */
const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'DAC_READ_SEARCH',
  'NET_ADMIN',
  'BPF'
])
/** Capabilities that alone are enough to leave the container. */
const ESCAPE_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE'])

const NAMESPACE_OPTIONS = new Set([
  '--network',
  '--net',
  '--pid',
  '--ipc',
  '--uts',
  '--userns',
  '--cgroupns'
])

const DISABLED_PROTECTION =
  /^(?:seccomp[=:]unconfined|apparmor[=:]unconfined|label[=:]disable|systempaths[=:]unconfined)$/i

type HostPathKind = 'socket' | 'system' | 'home'

/** System directories whose mount exposes the host (Linux FHS, Windows system dir). */
const SYSTEM_DIRS =
  /^(?:\/etc|\/root|\/proc|\/sys|\/dev|\/boot|\/var|\/usr|\/bin|\/sbin|\/lib|\/lib64|\/run|\/var\/run|\/var\/lib\/docker|[a-z]:\/windows(?:\/system32)?)$/i

/**
 * Normalise a written path: unquoted, forward slashes, `.`/`..` segments resolved (so `/.`,
 * `/etc/..` and `//` are the root they are), no trailing slash (except the root).
 */
function normalisePath(raw: string): string {
  const p = unquote(raw.trim()).replace(/\\/g, '/')
  if (p === '') return p
  const drive = /^[a-z]:/i.exec(p)?.[0] ?? ''
  const rest = p.slice(drive.length)
  const normal = rest.startsWith('/') ? path.posix.normalize(rest) : rest
  const joined = `${drive}${normal}`
  return joined.length > 1 ? joined.replace(/\/+$/, '') || '/' : joined
}

/** Home directories (one user's or all users'), written literally or as a variable. */
function isHomePath(p: string): boolean {
  return (
    /^(?:~|\$HOME|\$\{HOME\}|\$\{env:HOME\}|\$\{env:USERPROFILE\}|%USERPROFILE%|%HOMEDRIVE%%HOMEPATH%|%HOMEPATH%|\$\{userHome\})$/i.test(
      p
    ) ||
    /^(?:\/Users|\/home|[a-z]:\/Users|\/mnt\/[a-z]\/Users)(?:\/[^/]+)?$/i.test(p) ||
    p === '/root'
  )
}

/** The whole disk: `/`, `/*`, `C:`, `C:\`, `C:/`, WSL's `/mnt/c`. */
function isSystemRoot(p: string): boolean {
  return p === '/' || p === '/*' || /^[a-z]:\/?\*?$/i.test(p) || /^\/mnt\/[a-z]$/i.test(p)
}

/** What a host path in a bind mount gives the container, or null when it is narrow. */
function hostPathKind(raw: string): HostPathKind | null {
  const p = normalisePath(raw)
  if (
    /(?:^|\/)(?:docker|podman|containerd)\.sock$/i.test(p) ||
    /^\/\/\.\/pipe\/docker_engine$/i.test(p)
  ) {
    return 'socket'
  }
  // `/proc/<pid>/root` is a process's view of the whole file system (for pid 1: the host's).
  if (isSystemRoot(p) || SYSTEM_DIRS.test(p) || /^\/proc\/[^/]+\/root(?:\/|$)/.test(p)) {
    return 'system'
  }
  if (isHomePath(p)) return 'home'
  return null
}

/** The host side of `-v SRC:DST[:opts]`; undefined for anonymous volumes. */
function volumeSource(spec: string): string | undefined {
  const s = unquote(spec.trim())
  const drive = /^[A-Za-z]:[\\/]/.test(s) ? 2 : 0
  const colon = s.indexOf(':', drive)
  return colon > 0 ? s.slice(0, colon) : undefined
}

/** The host side of `--mount type=bind,source=…`; undefined for other mount types. */
function mountSource(spec: string): string | undefined {
  const fields = new Map<string, string>()
  for (const part of unquote(spec.trim()).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim())
  }
  if ((fields.get('type') ?? 'volume').toLowerCase() !== 'bind') return undefined
  return fields.get('source') ?? fields.get('src')
}

function containerFindings(server: ResolvedServer): Finding[] {
  const options = containerOptions(server.argv)
  if (options === null) return []
  const { entry } = server
  const findings: Finding[] = []
  let escape = false
  const add = (rule: RuleDefinition, option: ContainerOption) =>
    findings.push(findingOf(rule, evidenceAt(entry, option.word, option.written)))
  for (const option of options) {
    const { name } = option
    const value = option.value ?? ''
    if (name === '--privileged' && !/^false$/i.test(value)) {
      add(CONFIG_RULE.dockerPrivileged, option)
      escape = true
    } else if (name === '--cap-add') {
      for (const cap of value.split(',')) {
        const normalised = cap.trim().toUpperCase().replace(/^CAP_/, '')
        if (DANGEROUS_CAPABILITIES.has(normalised)) {
          add(CONFIG_RULE.dockerCapability, option)
          if (ESCAPE_CAPABILITIES.has(normalised)) escape = true
        }
      }
    } else if (NAMESPACE_OPTIONS.has(name) && /^host$/i.test(unquote(value.trim()))) {
      add(CONFIG_RULE.dockerHostNamespace, option)
    } else if (name === '--security-opt' && DISABLED_PROTECTION.test(unquote(value.trim()))) {
      add(CONFIG_RULE.dockerSecurityDisabled, option)
    } else if (name === '--use-api-socket') {
      add(CONFIG_RULE.dockerSocket, option)
      escape = true
    } else if (
      name === '--device' &&
      /^\/dev\/(?:sd|nvme|hd|vd|xvd|mmcblk|dm-|mapper\/|disk)/.test(unquote(value.trim()))
    ) {
      // A raw disk device gives the container the host's file systems.
      add(CONFIG_RULE.dockerHostMount, option)
      escape = true
    } else if (name === '-v' || name === '--volume' || name === '--mount') {
      const source = name === '--mount' ? mountSource(value) : volumeSource(value)
      const kind = source === undefined ? null : hostPathKind(source)
      if (kind === 'socket') add(CONFIG_RULE.dockerSocket, option)
      if (kind === 'system') add(CONFIG_RULE.dockerHostMount, option)
      if (kind === 'home') add(CONFIG_RULE.filesystemHomeRoot, option)
      if (kind === 'socket' || kind === 'system') escape = true
    }
  }
  if (escape) {
    findings.push(
      findingOf(CONFIG_RULE.containerEscape, {
        file: entry.config,
        line: entry.location.line,
        snippet: `${entry.name}: container can reach the host`
      })
    )
  }
  return findings
}

// ── filesystem roots ──────────────────────────────────────────────────────────────────────────

/** Package/command names of servers whose positional args are allowed directories. */
const FILESYSTEM_SERVER = /file-?system|(?:^|[/@_-])fs-mcp\b|\bmcp-(?:server-)?fs\b/i

/** Flags some filesystem servers take their allowed directories from. */
const ROOT_FLAGS = new Set([
  '--root',
  '--roots',
  '--allowed-dir',
  '--allowed-dirs',
  '--allowed-directory',
  '--allowed-directories',
  '--allow-dir',
  '--directory',
  '--dir',
  '--base-dir',
  '--workspace'
])

/** The allowed directories a filesystem server is given in `argv` (empty for other servers). */
function filesystemRoots(server: ResolvedServer): string[] {
  const { argv } = server
  const named = FILESYSTEM_SERVER.test(server.package.name ?? '')
  let start = argv.findIndex((w) => !w.startsWith('-') && FILESYSTEM_SERVER.test(w))
  if (start < 0) {
    if (!named || server.package.ecosystem === 'oci') return []
    start = argv.findIndex((w) => w.includes(server.package.name ?? '\u0000'))
    if (start < 0) return []
  }
  const roots: string[] = []
  for (let i = start + 1; i < argv.length; i++) {
    const word = argv[i] ?? ''
    const eq = word.indexOf('=')
    const flag = eq > 0 ? word.slice(0, eq) : word
    if (ROOT_FLAGS.has(flag)) {
      const value = eq > 0 ? word.slice(eq + 1) : argv[++i]
      if (value !== undefined) roots.push(...value.split(','))
    } else if (!word.startsWith('-')) {
      roots.push(word)
    }
  }
  return roots
}

function filesystemFindings(server: ResolvedServer): Finding[] {
  if (containerOptions(server.argv) !== null) return [] // a container's roots are its own paths
  const { entry } = server
  const findings: Finding[] = []
  for (const root of filesystemRoots(server)) {
    const p = normalisePath(root)
    const rule = isSystemRoot(p)
      ? CONFIG_RULE.filesystemSystemRoot
      : isHomePath(p)
        ? CONFIG_RULE.filesystemHomeRoot
        : null
    if (rule) findings.push(findingOf(rule, evidenceAt(entry, root, `allowed directory ${root}`)))
  }
  return findings
}

// ── approvals ─────────────────────────────────────────────────────────────────────────────────

/** Words in a tool name that say the tool changes or runs something. */
const DESTRUCTIVE_WORDS = new Set([
  'write',
  'overwrite',
  'edit',
  'update',
  'modify',
  'patch',
  'put',
  'insert',
  'create',
  'add',
  'delete',
  'del',
  'remove',
  'rm',
  'unlink',
  'destroy',
  'drop',
  'truncate',
  'purge',
  'wipe',
  'erase',
  'clear',
  'reset',
  'kill',
  'terminate',
  'exec',
  'execute',
  'run',
  'eval',
  'shell',
  'bash',
  'sh',
  'cmd',
  'command',
  'terminal',
  'script',
  'spawn',
  'push',
  'merge',
  'commit',
  'publish',
  'deploy',
  'release',
  'send',
  'post',
  'transfer',
  'pay',
  'upload',
  'install',
  'uninstall',
  'move',
  'mv',
  'rename',
  'chmod',
  'chown',
  'grant',
  'revoke',
  'approve',
  'sudo',
  'format',
  'sql',
  'cli',
  'set',
  'change',
  'apply',
  'migrate',
  'migration',
  'click',
  'fill',
  'submit',
  'press'
])

/** True when a tool name has a word from {@link DESTRUCTIVE_WORDS} (snake, kebab or camelCase). */
function isDestructiveTool(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => DESTRUCTIVE_WORDS.has(word))
}

const WILDCARD_TOOLS = new Set(['*', '**', '.*', 'all'])

/** Flags that switch an agent server's own permission checks off. */
const SKIP_PERMISSION_FLAGS =
  /^(?:--dangerously-skip-permissions|--allow-dangerously-skip-permissions|--dangerously-bypass-approvals-and-sandbox|--yolo|--approval-mode[= ]yolo|--permission-mode[= ]bypassPermissions)$/

function toolLabel(name: string): string {
  return name.length > 80 ? `${name.slice(0, 79)}…` : name
}

function approvalFindings(server: ResolvedServer): Finding[] {
  const { entry } = server
  const findings: Finding[] = []
  const at = { file: entry.config, line: lineOf(entry, 'autoApprove') }
  const tools = entry.flags.autoApprove
  if (tools.some((t) => WILDCARD_TOOLS.has(t.trim().toLowerCase()))) {
    findings.push(findingOf(CONFIG_RULE.autoApproveAll, { ...at, snippet: 'autoApprove: *' }))
  } else {
    const plain: string[] = []
    for (const tool of tools) {
      if (isDestructiveTool(tool)) {
        const snippet = maskSecretsInText(`autoApprove: ${toolLabel(tool)}`)
        findings.push(findingOf(CONFIG_RULE.autoApproveDestructive, { ...at, snippet }))
      } else {
        plain.push(toolLabel(tool))
      }
    }
    if (plain.length > 0) {
      const snippet = maskSecretsInText(`autoApprove: ${plain.slice(0, 10).join(', ')}`)
      findings.push(
        findingOf(CONFIG_RULE.autoApproveTools, {
          ...at,
          snippet: plain.length > 10 ? `${snippet}, … (${plain.length} tools)` : snippet
        })
      )
    }
  }
  if (entry.flags.trust) {
    findings.push(
      findingOf(CONFIG_RULE.trustAll, {
        file: entry.config,
        line: lineOf(entry, 'trust'),
        snippet: 'trust: true'
      })
    )
  }
  const words = new Set([...server.argv, ...entry.launch.args.flatMap((a) => a.split(/\s+/))])
  const pairs = [...words].flatMap((w, i, all) => (all[i + 1] ? [`${w} ${all[i + 1]}`] : []))
  const seen = new Set<string>()
  for (const word of [...words, ...pairs]) {
    if (!SKIP_PERMISSION_FLAGS.test(word)) continue
    const flag = word.replace(/[= ].*$/, '')
    if (seen.has(flag)) continue
    seen.add(flag)
    findings.push(findingOf(CONFIG_RULE.skipPermissions, evidenceAt(entry, flag, word)))
  }
  return findings
}

// ── transport ─────────────────────────────────────────────────────────────────────────────────

/** stdio bridges whose next URL argument is the remote server they connect to. */
const REMOTE_BRIDGE = /(?:^|[/@])(?:mcp-remote|supergateway|mcp-proxy)(?:@[^/]*)?$/i

/** The remote endpoints an entry connects to: `url`, and the URL after a stdio bridge. */
function remoteEndpoints(server: ResolvedServer): { url: string; field: string }[] {
  const { entry, argv } = server
  const endpoints: { url: string; field: string }[] = []
  if (entry.launch.url !== undefined) endpoints.push({ url: entry.launch.url, field: 'url' })
  const bridge = argv.findIndex((w) => REMOTE_BRIDGE.test(w))
  if (bridge >= 0) {
    const url = argv.slice(bridge + 1).find((w) => /^(?:https?|wss?):\/\//i.test(w))
    if (url !== undefined) endpoints.push({ url, field: fieldOfWord(entry, url) })
  }
  return endpoints
}

/**
 * Plain-http endpoints. Loopback is decided by `isLoopbackHost` (src/net/url-redaction.ts), and
 * the snippet shows `sanitizeUrl`'s form of the URL: no user info, query or fragment, and every
 * token-like path segment replaced by `…`.
 */
function transportFindings(server: ResolvedServer): Finding[] {
  const { entry } = server
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const { url, field } of remoteEndpoints(server)) {
    let parsed: URL
    try {
      parsed = new URL(url.trim())
    } catch {
      continue
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') continue
    if (isLoopbackHost(parsed.hostname)) continue
    const shown = sanitizeUrl(url)
    if (shown === null || seen.has(shown)) continue
    seen.add(shown)
    findings.push(
      findingOf(CONFIG_RULE.plainHttpRemote, {
        file: entry.config,
        line: lineOf(entry, field),
        snippet: maskSecretsInText(
          `${field}: ${shown.length > 200 ? shown.slice(0, 199) + '…' : shown}`
        )
      })
    )
  }
  return findings
}
