/**
 * The OCI launch idiom (SPEC §4): `docker run [options] image[:tag][@sha256:…] [cmd args]`,
 * `docker container run …`, `podman run …`, `nerdctl run …`. Option values are skipped (`-e X`,
 * `--env=X`, `-v`, `--mount`, `--network`, `-p`, …), boolean flags (`-i`, `--rm`, `-it`, …) are
 * not mistaken for the image. Pinned only with a digest; no tag means `latest` (not pinned).
 * Registries are not queried in this version: a tag is not resolved to a digest.
 */
import { environmentWithholdings } from './launch-environment.js'
import { launcherName } from './launcher-location.js'
import { engineLauncherOptions } from './launcher-options.js'
import { isPinningDigest, parseImageReference } from './image-reference.js'
import { type OptionGrammar, scanOptions } from './options.js'
import { type IdiomMatch, packageIdentity, unknownMatch } from './package-identity.js'
import { dockerPurl } from './purl.js'
import { shownValue } from './shown-text.js'
import { withheld } from './withholding.js'

/** `docker run` / `podman run` options that take a value (Docker and Podman CLI references). */
const RUN_VALUE_OPTIONS = [
  '--add-host',
  '--annotation',
  '-a',
  '--attach',
  '--blkio-weight',
  '--blkio-weight-device',
  '--cap-add',
  '--cap-drop',
  '--cgroup-parent',
  '--cgroupns',
  '--cgroup-conf',
  '--cidfile',
  '--conmon-pidfile',
  '--cpu-count',
  '--cpu-percent',
  '--cpu-period',
  '--cpu-quota',
  '--cpu-rt-period',
  '--cpu-rt-runtime',
  '-c',
  '--cpu-shares',
  '--cpus',
  '--cpuset-cpus',
  '--cpuset-mems',
  '--decryption-key',
  '--detach-keys',
  '--device',
  '--device-cgroup-rule',
  '--device-read-bps',
  '--device-read-iops',
  '--device-write-bps',
  '--device-write-iops',
  '--dns',
  '--dns-opt',
  '--dns-option',
  '--dns-search',
  '--domainname',
  '--entrypoint',
  '-e',
  '--env',
  '--env-file',
  '--env-merge',
  '--expose',
  '--gidmap',
  '--gpus',
  '--group-add',
  '--group-entry',
  '--health-cmd',
  '--health-interval',
  '--health-retries',
  '--health-start-period',
  '--health-start-interval',
  '--health-timeout',
  '--health-on-failure',
  '-h',
  '--hostname',
  '--hostuser',
  '--init-path',
  '--ip',
  '--ip6',
  '--ipc',
  '--isolation',
  '--kernel-memory',
  '-l',
  '--label',
  '--label-file',
  '--link',
  '--link-local-ip',
  '--log-driver',
  '--log-opt',
  '--mac-address',
  '-m',
  '--memory',
  '--memory-reservation',
  '--memory-swap',
  '--memory-swappiness',
  '--mount',
  '--name',
  '--net',
  '--network',
  '--net-alias',
  '--network-alias',
  '--oom-score-adj',
  '--os',
  '--arch',
  '--variant',
  '--passwd-entry',
  '--personality',
  '--pid',
  '--pidfile',
  '--pids-limit',
  '--platform',
  '--pod',
  '--pod-id-file',
  '--preserve-fds',
  '-p',
  '--publish',
  '--pull',
  '--rdt-class',
  '--requires',
  '--restart',
  '--runtime',
  '--seccomp-policy',
  '--secret',
  '--security-opt',
  '--sdnotify',
  '--shm-size',
  '--shm-size-systemd',
  '--stop-signal',
  '--stop-timeout',
  '--storage-opt',
  '--subgidname',
  '--subuidname',
  '--sysctl',
  '--systemd',
  '--timeout',
  '--tmpfs',
  '--uidmap',
  '--ulimit',
  '--umask',
  '--unsetenv',
  '-u',
  '--user',
  '--userns',
  '--uts',
  '-v',
  '--volume',
  '--volume-driver',
  '--volumes-from',
  '-w',
  '--workdir',
  '--chrootdirs',
  '--image-volume',
  '--log-level'
]

/** Docker/Podman global options (before `run`) that take a value (their CLI references). */
export const GLOBAL_VALUE_OPTIONS: readonly string[] = [
  '--config',
  '-c',
  '--context',
  '-H',
  '--host',
  '-l',
  '--log-level',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
  '--connection',
  '--url',
  '--identity',
  '--root',
  '--runroot',
  '--storage-driver',
  '--namespace',
  '-n',
  '--address',
  '-a'
]

/**
 * `run`/`create` flags that take no value (Docker and Podman CLI references); unknown flags are
 * reported. Shared with the config rules, which read the same command lines.
 */
export const RUN_BOOLEAN_OPTIONS: ReadonlySet<string> = new Set([
  '-d',
  '--detach',
  '-i',
  '--interactive',
  '-t',
  '--tty',
  '--rm',
  '--init',
  '--privileged',
  '-P',
  '--publish-all',
  '--read-only',
  '--sig-proxy',
  '--oom-kill-disable',
  '--no-healthcheck',
  '--disable-content-trust',
  '-q',
  '--quiet',
  '--use-api-socket',
  '--env-host',
  '--http-proxy',
  '--replace',
  '--tls-verify',
  '--no-hosts',
  '--read-only-tmpfs',
  '--help'
])

const RUN_GRAMMAR: OptionGrammar = { valueFlags: new Set(RUN_VALUE_OPTIONS) }
const GLOBAL_GRAMMAR: OptionGrammar = { valueFlags: new Set(GLOBAL_VALUE_OPTIONS) }
const ENGINES = new Set(['docker', 'podman', 'nerdctl'])

/**
 * Identify a container launch (see the module doc); null when `argv` does not start with
 * `docker`, `podman` or `nerdctl` (a bare name or a well-known install location,
 * `launcherName`). Other subcommands (`docker mcp gateway run`, `docker exec`) are `unknown`
 * with a note. The image identity is withheld (`withholding.ts`) for engine options that talk to
 * another daemon or read another configuration (`-H`, `--context`, `--config`, …),
 * `--entrypoint`, and environment variables such as `DOCKER_HOST` or a changed `PATH`
 * (`launch-environment.ts`). Never throws.
 * @param env the environment the engine CLI runs with (entry `env` plus what the launch sets).
 */
export function ociIdiom(
  argv: readonly string[],
  env: Readonly<Record<string, string>> = {}
): IdiomMatch | null {
  const engine = launcherName(argv[0] ?? '')
  if (engine === null || !ENGINES.has(engine)) return null
  const global = scanOptions(argv.slice(1), GLOBAL_GRAMMAR)
  const [sub, second] = global.positional
  let runArgs: string[]
  let launcher: string
  if (sub === 'run') {
    runArgs = global.positional.slice(1)
    launcher = engine
  } else if (sub === 'container' && second === 'run') {
    runArgs = global.positional.slice(2)
    launcher = engine
  } else {
    const what = [sub, second].filter((w) => w !== undefined && !w.startsWith('-')).join(' ')
    return unknownMatch(
      what ? `${engine} ${what}` : engine,
      engine,
      `\`${engine} ${what || '…'}\` does not run an image this gate can identify`
    )
  }
  const scanned = scanOptions(runArgs, RUN_GRAMMAR)
  const notes: string[] = []
  const unknownFlags = scanned.options
    .filter((o) => o.value === undefined && !RUN_BOOLEAN_OPTIONS.has(o.flag))
    .map((o) => o.flag)
  if (unknownFlags.length > 0) {
    notes.push(
      `unrecognised ${engine} run option(s) assumed to take no value: ` +
        unknownFlags.map(shownValue).join(', ')
    )
  }
  const image = scanned.positional[0]
  if (image === undefined) {
    return unknownMatch(null, launcher, `\`${engine} run\` is given no image`)
  }
  return withheld(imageIdentity(image, launcher, notes), [
    ...engineLauncherOptions(global.options, scanned.options),
    ...environmentWithholdings(env, 'oci')
  ])
}

function imageIdentity(image: string, launcher: string, notes: string[]): IdiomMatch {
  const ref = parseImageReference(image)
  if (ref === null) return unknownMatch(null, launcher, 'the image reference is empty')
  if (!ref.valid) {
    notes.push('not a valid image reference (a variable reference?): nothing to resolve')
  }
  const pinned = ref.valid && isPinningDigest(ref.digest)
  if (ref.tag === null && ref.digest === null)
    notes.push('no tag is written: the engine pulls `latest`')
  if (ref.digest !== null && !pinned)
    notes.push('the digest is not a well-formed sha256/sha512 digest')
  return {
    package: packageIdentity({
      ecosystem: 'oci',
      name: ref.name,
      launcher,
      versionSpec: ref.tag ?? (ref.digest === null ? 'latest' : null),
      version: pinned ? ref.digest : null,
      pinned,
      purl: pinned ? dockerPurl(ref.registry, ref.path, ref.digest!) : null,
      status: pinned ? 'exact' : 'unresolved',
      message: pinned ? undefined : 'image tags are not resolved to a digest'
    }),
    notes
  }
}
