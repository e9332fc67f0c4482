/**
 * Server identity normalisation (SPEC §7 `server_id`, issue 3): registry rows and exceptions
 * name a server however their author likes; config entries are resolved to a
 * `PackageIdentity`. Both become `ServerKey`s (`server-key.ts`) so that a row and an entry match
 * however each is written.
 *
 * Spellings read by `readServerId` (prefixes and purl types are case-insensitive):
 * - purls (ECMA-427, read with `packageurl-js`): `pkg:npm/%40scope/name@1.2.3`,
 *   `pkg:pypi/name@1.0`, `pkg:docker/ns/img@sha256:…?repository_url=ghcr.io` (Docker Hub when
 *   there is no `repository_url`), `pkg:oci/img@sha256:…?repository_url=ghcr.io/ns/img` (an
 *   `oci` purl is registry-agnostic, so `repository_url` is required), `pkg:github/org/repo@ref`
 *   (a subpath names a directory);
 * - `npm:<spec>` (`npm:@scope/pkg@1.2.3`, `npm:pkg`, `npm:pkg@^1`), read with
 *   `npm-package-arg` like the npm launch idiom;
 * - `pypi:<requirement>` (`pypi:pkg==1.2.3`, `pypi:pkg`, `pypi:pkg>=1`, uv's `pypi:pkg@1.2.3`),
 *   PEP 508 names with PEP 440 specifiers;
 * - `oci:<reference>` / `docker:<reference>` (`oci:nginx`, `docker:ghcr.io/org/img:1.0`);
 * - `github:org/repo[/dir][#ref]`, GitHub URLs (`https://github.com/org/repo[.git]`,
 *   `…/tree/<ref>/<dir>`, `…/commit/<sha>`, `…/releases/tag/<tag>`, `git+https://…`,
 *   `git+ssh://git@github.com/…`, `git@github.com:org/repo.git`, `github.com/org/repo`), with
 *   npm's `#ref` / `#ref::path:dir` and pip's `@ref` / `#subdirectory=dir`;
 * - package pages `https://www.npmjs.com/package/<name>[/v/<version>]` and
 *   `https://pypi.org/project/<name>[/<version>]`;
 * - remote URLs (`http`, `https`, `ws`, `wss`; also `remote:<url>`), and `local:<path>`;
 * - bare specs without a prefix, decided as follows: a digest (`img@sha256:…`), a registry host
 *   (`ghcr.io/org/img`, `localhost:5000/img`) or a namespaced tag (`mcp/github:latest`) is OCI;
 *   `@scope/pkg[@spec]` and `name@spec` are npm (npm's spelling; uv's `name@1.0` needs
 *   `pypi:`); `name==1.0` and other PEP 440 operators are PyPI. A bare word (`nginx`,
 *   `mcp-server-fetch`), a bare `org/name` (a Docker Hub image or npm's GitHub shorthand) and a
 *   bare `name:tag` are ambiguous and are not read: write a prefix.
 *
 * Decisions (documented for registry authors):
 * - A version is kept only when the spelling names an exact one: an npm semver version
 *   (cleaned: `v1.2.3` → `1.2.3`), a PyPI `==`/`===`/`@` version (PEP 440 normalised), an OCI
 *   digest (lower-case) or tag, or a git ref. A range or dist-tag (`^1`, `latest`, `>=1`) is
 *   "not pinned": the key has no version (it matches every version) and the reading reports the
 *   spec in `unpinnedSpec` so a checker can warn about it.
 * - npm names are lower-cased (npm names are lower-case; legacy mixed-case names collide with
 *   their lower-case spelling). PyPI names are PEP 503 normalised. OCI references get Docker's
 *   defaults (`docker.io`, `library/`) and are lower-cased except the tag.
 * - GitHub ids are `github:owner/repo`, lower-case, without `.git`; a directory of a monorepo
 *   (`/tree/<ref>/src/x`, `#…::path:src/x`, pip `#subdirectory=`, a purl subpath) is kept as
 *   written after it (`github:owner/repo/src/x`), so one row does not approve every server of
 *   a monorepo. The ref of a browse link (`/tree/<ref>/…`) is not a version: it names where to
 *   read, and a ref holding `/` cannot be told apart from the path; write `#<ref>` to pin.
 * - Remote ids are the URL in key form (`remoteKeyEndpoint` in `remote.ts`; `sanitizeUrl`:
 *   lower-case host, default port dropped, no user info, query or fragment) without trailing
 *   `/`, with each token-like path segment (`looksLikeToken`) replaced by `~` and the first 10
 *   hex digits of its SHA-256 (`tokenDigest`): two servers whose URLs differ only in such a
 *   segment keep different ids, and no id holds the token. A row may write the URL as the
 *   config does (token included) or copy the id the inventory gives; a URL with the display
 *   mask `…` is refused (it stands for any token). A rotated token is another id: the row must
 *   be updated. The scheme is kept: `http://` and `https://` (and `ws`/`wss`) are different
 *   servers, since a plaintext endpoint is not the one approved. Two URLs that differ only in
 *   their query string are the same server (a query carries credentials and is never kept).
 * - Local ids are the path, module, script or task the entry runs, found from the directory it
 *   runs in, relative to the workspace, with posix separators and `.`/`..` resolved: for a
 *   config entry the config file's directory (or its `cwd`, found from there); for a row the
 *   workspace root. `node server.js` and `node ./server.js` in `tools/.mcp.json` are both
 *   `local:tools/server.js`, and `node server.js` in `.mcp.json` is `local:server.js`, another
 *   server. Anchored paths stay as written: absolute (`/opt/mcp/server`, `C:/mcp/server.exe`),
 *   home (`~/bin/server`) and variables (`${workspaceFolder}/server.js`). Inline code
 *   (`node -e …`) has no id: its name says nothing of the code.
 * - GitHub refs: only a full 40-hex commit id is a commit (compared case-insensitively); a
 *   shorter hex ref (`#abc1234`) is a branch or tag, compared exactly, never by prefix.
 *
 * Nothing here throws on any input, and problems never quote the text (it may hold secrets).
 */
import { clean as cleanPep440, eq as eqPep440, valid as validPep440 } from '@renovatebot/pep440'
import { parse as parseSpecifier } from '@renovatebot/pep440/lib/specifier.js'
import { posix } from 'node:path'
import npa from 'npm-package-arg'
import { PackageURL } from 'packageurl-js'
import semver from 'semver'
import type { ServerEntry } from '../config/types.js'
import { parseImageReference } from './image-reference.js'
import { DOCKER_HUB_HOSTS, normalizePypiName } from './purl.js'
import { endpointCandidates, PATH_TOKEN_MASK, remoteEndpoint, remoteKeyEndpoint } from './remote.js'
import type { ServerKey } from './server-key.js'
import { maskedText } from './shown-text.js'
import type { ResolvedServer } from './types.js'
import { isWithheld } from './withholding.js'

/** Longest `server_id` read (characters); longer text is refused, not truncated. */
export const MAX_SERVER_ID_LENGTH = 2048

/** What `readServerId` made of a `server_id`: a key, or why there is none. */
export type ServerIdReading =
  | {
      key: ServerKey
      /**
       * The version spec as written when it is not an exact version (`^1`, `latest`, `>=1.0`,
       * a `semver:` git range): the key then has no version. Null otherwise.
       */
      unpinnedSpec: string | null
      problem: null
    }
  | {
      key: null
      unpinnedSpec: null
      /**
       * Why the text cannot be read and what to write instead, as a sentence that does not
       * quote the text (e.g. "a bare name is ambiguous: write npm:NAME, pypi:NAME or oci:NAME").
       */
      problem: string
    }

/**
 * Read one `server_id` (see the module doc for every spelling and the decisions taken). Never
 * throws: text it cannot read gives a `problem`, for the registry and exceptions loaders to
 * report at the row's file:line.
 * @param text the cell or field as written (surrounding white space is ignored).
 */
export function readServerId(text: string): ServerIdReading {
  try {
    return readTrimmed(text.trim())
  } catch {
    return failed('it could not be read as a server identity')
  }
}

/**
 * The `ServerKey` of a `server_id` (see `readServerId`), or null when it cannot be read. Never
 * throws.
 */
export function parseServerId(text: string): ServerKey | null {
  return readServerId(text).key
}

/**
 * The keys a resolved config server can be matched by (SPEC §7): today at most one (a list,
 * so that a server can later also be matched by, say, its source repository):
 * - npm/PyPI registry packages: `npm:`/`pypi:` with `version` the exact version that runs
 *   (`package.version`, written or resolved), null when unknown;
 * - OCI images: `oci:` with the digest, else the tag (`latest` when none is written, as the
 *   engine pulls it); none for a reference that is not valid (a variable);
 * - GitHub sources (`npx github:org/repo#ref`, `npx org/repo`, `git+https://github.com/…`,
 *   `uvx --from git+https://github.com/org/repo@ref`, `pkg @ git+https://github.com/…`):
 *   `github:` with the ref as version. A named requirement from git gets no `pypi:` key: the
 *   code does not come from PyPI, so a PyPI row must not approve it;
 * - remote servers (also bridged ones, `npx mcp-remote <url>`): `remote:` in key form (token
 *   segments as digests, see the module doc) when the URL is an absolute URL (one holding a
 *   variable reference has no key, nor one whose written URL cannot be found again);
 * - local servers: `local:<path>` found from the config file's directory (see the module doc);
 *   none for inline code.
 * A withheld identity (`withholding.ts`) keeps its name but not its version: its key has
 * `version` null, so a registry can say "not approved" rather than "not found" without
 * claiming which version runs. Unknown identities, tarball URLs, other git hosts and local
 * package paths have no key. Pure, never throws.
 */
export function serverKeysOf(server: ResolvedServer): ServerKey[] {
  try {
    const key = configKey(server)
    return key === null ? [] : [key]
  } catch {
    return []
  }
}

/** True when `a` and `b` name the same server, whatever their versions (equal `id`s). */
export function sameServer(a: ServerKey, b: ServerKey): boolean {
  return a.id === b.id
}

/**
 * Whether `a` and `b` name the same version of the same server: null when that cannot be told
 * (different servers, either has no version, or one OCI key names a digest and the other a
 * tag, or one GitHub ref is a commit and the other a branch or tag). npm versions compare as
 * semver (SemVer 2.0.0: build metadata ignored), PyPI versions as PEP 440 (`1.0` = `1.0.0`),
 * OCI digests case-insensitively and tags exactly, GitHub commits (full 40-hex SHA-1 ids only)
 * case-insensitively and other refs exactly. An abbreviated commit (`abc1234`) is a ref like a
 * branch or tag, never matched by prefix: on a fork anyone can make a commit whose id starts
 * with given digits, so a prefix approves code nobody audited (review issue 3).
 */
export function sameVersion(a: ServerKey, b: ServerKey): boolean | null {
  if (!sameServer(a, b) || a.version === null || b.version === null) return null
  const [x, y] = [a.version, b.version]
  switch (a.kind) {
    case 'npm':
      return semver.valid(x) && semver.valid(y) ? semver.eq(x, y) : x === y
    case 'pypi':
      return validPep440(x) && validPep440(y) ? eqPep440(x, y) : x === y
    case 'oci': {
      const digests = [isDigest(x), isDigest(y)]
      if (digests[0] !== digests[1]) return null
      return digests[0] ? x.toLowerCase() === y.toLowerCase() : x === y
    }
    case 'github': {
      const commits = [COMMIT.test(x), COMMIT.test(y)]
      if (commits[0] !== commits[1]) return null
      return commits[0] ? x.toLowerCase() === y.toLowerCase() : x === y
    }
    default:
      return x === y
  }
}

/**
 * A spelling of `key` that `readServerId` reads back to the same key, for messages and files:
 * `npm:@scope/pkg@1.2.3`, `pypi:name==1.0`, `oci:ghcr.io/org/img@sha256:…` or `…:tag`,
 * `github:org/repo#ref`, `remote:https://host/mcp`, `local:tools/server.js`; the id alone when
 * there is no version.
 */
export function formatServerKey(key: ServerKey): string {
  if (key.version === null) return key.id
  switch (key.kind) {
    case 'npm':
      return `${key.id}@${key.version}`
    case 'pypi':
      return `${key.id}${validPep440(key.version) ? '==' : '==='}${key.version}`
    case 'oci':
      return `${key.id}${isDigest(key.version) ? '@' : ':'}${key.version}`
    case 'github':
      return `${key.id}#${key.version}`
    default:
      return key.id
  }
}

// ---------------------------------------------------------------------------------------------
// Reading `server_id`s

/** A full git commit id (SHA-1, 40 hex digits); shorter hex refs are branches or tags. */
const COMMIT = /^[0-9a-f]{40}$/i
/** A PEP 508 project name (PEP 508 "Names"). */
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/
/** PEP 508 name, optional extras, then the rest of a requirement. */
const PYPI_REQUIREMENT =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*([\s\S]*)$/
/** A requirement whose rest starts with a PEP 440 comparison operator. */
const PEP440_OPERATOR = /^(?:===|==|~=|!=|<=|>=|<|>)/
/** A PEP 508 name (with optional extras) followed by a PEP 440 operator. */
const PYPI_REQUIREMENT_WITH_OPERATOR =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\])?\s*(?:===|==|~=|!=|<=|>=|<|>)/
/** A name followed by `@` and a content digest (`img@sha256:…`): only OCI spells it so. */
const IMAGE_BY_DIGEST = /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/i
/** GitHub user or organisation names: alphanumerics and single hyphens, at most 39. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
/** GitHub repository names. */
const GITHUB_REPO = /^[A-Za-z0-9._-]+$/
const GITHUB_HOSTS = new Set(['github.com', 'www.github.com'])
const NPM_HOSTS = new Set(['npmjs.com', 'www.npmjs.com'])
const PYPI_HOSTS = new Set(['pypi.org', 'www.pypi.org'])
const REMOTE_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:'])
const URL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'git', 'git+https', 'git+http'])
const SSH_SCHEMES = new Set(['ssh', 'git+ssh'])

const AMBIGUOUS =
  'a bare name is ambiguous (npm package, PyPI project or container image): write npm:NAME, ' +
  'pypi:NAME or oci:NAME, or a purl'

type Reading = ServerIdReading

function failed(problem: string): Reading {
  return { key: null, unpinnedSpec: null, problem }
}

function found(key: ServerKey, unpinnedSpec: string | null = null): Reading {
  return { key, unpinnedSpec, problem: null }
}

function readTrimmed(text: string): Reading {
  if (text === '') return failed('it is empty: write a purl, npm:NAME@VERSION or a URL')
  if (text.length > MAX_SERVER_ID_LENGTH) {
    return failed(`it is longer than ${MAX_SERVER_ID_LENGTH} characters`)
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return failed('it holds control characters')
  const prefix = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase()
  const rest = prefix === undefined ? text : text.slice(prefix.length + 1).trim()
  switch (prefix) {
    case 'pkg':
      return fromPurl(`pkg:${rest}`)
    case 'npm':
      return fromNpmSpec(rest)
    case 'pypi':
      return fromPypiRequirement(rest)
    case 'oci':
    case 'docker':
      return fromImageReference(rest)
    case 'github':
      return fromGithubShorthand(rest)
    case 'local':
      return rest === '' ? failed('local: names no path') : found(localKey(rest, '.'))
    case 'remote':
      return fromRemoteUrl(rest)
    default:
      if (prefix !== undefined && (URL_SCHEMES.has(prefix) || SSH_SCHEMES.has(prefix))) {
        return /\s/.test(text) ? failed('a URL cannot hold spaces') : fromUrl(text)
      }
      if (/^[a-z][\w+.-]*:\/\//i.test(text)) {
        return failed('its URL scheme is not one the gate matches (http, https, ws, wss, git)')
      }
      return fromBare(text)
  }
}

/** A spelling without a known prefix (see the module doc for how it is decided). */
function fromBare(text: string): Reading {
  if (/\s/.test(text) && !PYPI_REQUIREMENT_WITH_OPERATOR.test(text)) {
    return failed('it holds spaces: write a purl, npm:NAME@VERSION, pypi:NAME==VERSION or a URL')
  }
  const scp = /^git@github\.com:(.+)$/i.exec(text)
  if (scp) return fromUrl(`ssh://git@github.com/${scp[1]!}`)
  if (/^(?:www\.)?github\.com\//i.test(text)) return fromUrl(`https://${text}`)
  if (text.startsWith('@')) return fromNpmSpec(text)
  if (IMAGE_BY_DIGEST.test(text)) return fromImageReference(text)
  const ref = parseImageReference(text)
  if (ref !== null && ref.registry !== null) return fromImageReference(text)
  if (PYPI_REQUIREMENT_WITH_OPERATOR.test(text)) return fromPypiRequirement(text)
  if (text.includes('/') && ref !== null && ref.tag !== null) return fromImageReference(text)
  if (!text.includes('/') && /^[^@]+@[^@]+$/.test(text)) return fromNpmSpec(text)
  return failed(AMBIGUOUS)
}

/** A purl (see the module doc); types other than npm, pypi, docker, oci and github are refused. */
function fromPurl(text: string): Reading {
  let purl: PackageURL
  try {
    purl = PackageURL.fromString(text)
  } catch {
    return failed(
      'it is not a valid package URL (purl): check the pkg:TYPE/NAMESPACE/NAME@VERSION form'
    )
  }
  const version = purl.version ?? null
  const qualifiers = purl.qualifiers ?? {}
  switch (purl.type) {
    case 'npm': {
      const name = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name
      return fromNpmSpec(version === null ? name : `${name}@${version}`)
    }
    case 'pypi':
      return fromPypiRequirement(version === null ? purl.name : `${purl.name}==${version}`)
    case 'docker': {
      const registry = qualifiers.repository_url ? hostPath(qualifiers.repository_url) : null
      const path = purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name
      const base = registry ? `${registry}/${path}` : path
      return fromImageReference(withImageVersion(base, version))
    }
    case 'oci': {
      if (!qualifiers.repository_url) {
        return failed(
          'a pkg:oci purl names no registry: add ?repository_url=REGISTRY/PATH (or use pkg:docker)'
        )
      }
      const repository = hostPath(qualifiers.repository_url)
      const last = repository.split('/').pop()
      const base = last === purl.name ? repository : `${repository}/${purl.name}`
      return fromImageReference(withImageVersion(base, version ?? qualifiers.tag ?? null))
    }
    case 'github':
      if (!purl.namespace) return failed('a pkg:github purl needs pkg:github/OWNER/REPO')
      return githubReading(purl.namespace, purl.name, splitPath(purl.subpath ?? ''), {
        ref: version
      })
    default:
      return failed(
        `purl type "${purl.type}" is not an ecosystem the gate matches (npm, pypi, docker, oci, ` +
          'github)'
      )
  }
}

/** `repository_url` without a scheme and trailing `/` (`https://ghcr.io/` → `ghcr.io`). */
function hostPath(url: string): string {
  return url.replace(/^[a-z][\w+.-]*:\/\//i, '').replace(/\/+$/, '')
}

/** An image reference with a purl version: `@digest` for a digest, `:tag` otherwise. */
function withImageVersion(base: string, version: string | null): string {
  if (version === null || version === '') return base
  return `${base}${isDigest(version) ? '@' : ':'}${version}`
}

/** True for `algorithm:hex` (a content digest), as opposed to a tag (tags hold no `:`). */
function isDigest(version: string): boolean {
  return version.includes(':')
}

/** An npm spec (`@scope/pkg@1.2.3`, `pkg`, `pkg@^1`, an alias, a GitHub spec). */
function fromNpmSpec(spec: string): Reading {
  let parsed: npa.Result
  try {
    parsed = npa(spec, '/')
  } catch {
    return failed('it is not a valid npm package spec: write npm:NAME@VERSION')
  }
  if (parsed.type === 'alias') return fromNpmSpec((parsed as npa.AliasResult).subSpec.raw)
  const registry = npmRegistryKey(parsed)
  if (registry !== null) return found(registry.key, registry.unpinnedSpec)
  const github = githubOfNpmSpec(parsed)
  if (github !== null) return github
  return failed(
    'it is an npm spec that is not a registry package (a tarball, a path or another git host): ' +
      'name the package as npm:NAME@VERSION'
  )
}

/** The key of an npm registry spec (npa types `version`, `range`, `tag`), else null. */
function npmRegistryKey(
  parsed: npa.Result
): { key: ServerKey; unpinnedSpec: string | null } | null {
  const name = parsed.name
  if (!name || !['version', 'range', 'tag'].includes(parsed.type)) return null
  const id = `npm:${name.toLowerCase()}`
  if (parsed.type === 'version') {
    const version = semver.clean(parsed.rawSpec) ?? parsed.rawSpec
    return { key: { kind: 'npm', id, version }, unpinnedSpec: null }
  }
  const bare = parsed.type === 'range' && parsed.rawSpec === '*' && !/.@/.test(parsed.raw)
  return { key: { kind: 'npm', id, version: null }, unpinnedSpec: bare ? null : parsed.rawSpec }
}

/** The GitHub key of an npm git spec that `npm-package-arg` reads as hosted on GitHub. */
function githubOfNpmSpec(parsed: npa.Result): Reading | null {
  const hosted = parsed.hosted
  if (parsed.type !== 'git' || !hosted || hosted.type !== 'github') return null
  // `gitSubdir` (npm's `#ref::path:dir`) is set by npm-package-arg but missing from its types.
  const subdir = (parsed as npa.Result & { gitSubdir?: string }).gitSubdir
  const directory = subdir ? splitPath(subdir) : []
  const range = parsed.gitRange ? `semver:${parsed.gitRange}` : null
  return githubReading(hosted.user, hosted.project, directory, {
    ref: parsed.gitCommittish ?? null,
    unpinnedSpec: range
  })
}

/**
 * A PyPI requirement (`name`, `name[extra]==1.0`, `name>=1`, `name @ git+https://github.com/…`,
 * uv's `name@1.0`): pinned with the same rule as the PyPI launch idiom (`pypi-idiom.ts`): one
 * `==` clause without a wildcard, `===`, or `@<PEP 440 version>`.
 */
function fromPypiRequirement(text: string): Reading {
  const m = PYPI_REQUIREMENT.exec(text.trim())
  if (!m) return failed('it is not a PyPI requirement: write pypi:NAME==VERSION')
  const id = `pypi:${normalizePypiName(m[1]!)}`
  const rest = m[3]!.replace(/;[\s\S]*$/, '').trim() // environment markers do not name a version
  if (rest === '') return found({ kind: 'pypi', id, version: null })
  if (rest.startsWith('@')) {
    const target = rest.slice(1).trim()
    if (/^[a-z][\w+.-]*:/i.test(target)) {
      const source = fromUrl(target)
      return source.key?.kind === 'github'
        ? source
        : failed('a PyPI requirement from a URL is matched only as a GitHub repository')
    }
    if (target === 'latest') return found({ kind: 'pypi', id, version: null }, target)
    const version = validPep440(target) ? (cleanPep440(target) ?? target) : null
    if (version === null) return failed('the version after @ is not a PEP 440 version')
    return found({ kind: 'pypi', id, version })
  }
  if (!PEP440_OPERATOR.test(rest)) {
    return failed('what follows the PyPI name is not a PEP 440 specifier: write pypi:NAME==VERSION')
  }
  // `parse` answers null for text that is not a specifier (its types say otherwise).
  let clauses: ReturnType<typeof parseSpecifier> | null
  try {
    clauses = parseSpecifier(rest)
  } catch {
    clauses = null
  }
  if (!clauses || clauses.length === 0) {
    return failed('the version specifier is not valid PEP 440: write pypi:NAME==VERSION')
  }
  const only = clauses.length === 1 ? clauses[0]! : null
  if (only?.operator === '===') {
    return found({ kind: 'pypi', id, version: rest.replace(/^===\s*/, '') })
  }
  if (only?.operator === '==' && !only.prefix) {
    return found({ kind: 'pypi', id, version: cleanPep440(only.version) ?? only.version })
  }
  return found({ kind: 'pypi', id, version: null }, rest)
}

/**
 * An OCI image reference (`[registry/]path[:tag][@digest]`): Docker Hub defaults applied,
 * registry and path lower-cased; the version is the digest (lower-case), else the tag.
 */
function fromImageReference(text: string): Reading {
  const key = imageKey(text)
  return key === null
    ? failed('it is not a valid image reference: write oci:REGISTRY/PATH:TAG or …@sha256:DIGEST')
    : found(key)
}

/** The OCI key of an image reference, or null when it is not valid (see `fromImageReference`). */
function imageKey(text: string): ServerKey | null {
  const written = parseImageReference(text)
  if (written === null) return null
  const lowered = `${written.name.toLowerCase()}${written.tag === null ? '' : `:${written.tag}`}${
    written.digest === null ? '' : `@${written.digest.toLowerCase()}`
  }`
  const ref = parseImageReference(lowered)
  if (ref === null || !ref.valid) return null
  const hub = ref.registry === null || DOCKER_HUB_HOSTS.has(ref.registry)
  const registry = hub ? 'docker.io' : ref.registry!
  const path = hub && !ref.path.includes('/') ? `library/${ref.path}` : ref.path
  return { kind: 'oci', id: `oci:${registry}/${path}`, version: ref.digest ?? ref.tag }
}

/** `github:owner/repo[/dir…][#fragment]` (the key's own spelling and npm's shorthand). */
function fromGithubShorthand(rest: string): Reading {
  const hash = rest.indexOf('#')
  const path = hash === -1 ? rest : rest.slice(0, hash)
  const [owner = '', repo = '', ...directory] = path.split('/')
  const fragment = hash === -1 ? {} : readFragment(rest.slice(hash + 1))
  return githubReading(owner, repo, directory, fragment)
}

/** A URL: GitHub repository, npm or PyPI package page, or a remote server. */
function fromUrl(text: string): Reading {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return failed('it is not a valid URL')
  }
  const host = url.hostname.toLowerCase()
  if (GITHUB_HOSTS.has(host)) return fromGithubUrl(url)
  if (!REMOTE_SCHEMES.has(url.protocol)) {
    return failed('git sources are matched only on GitHub: write a github.com URL')
  }
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment)
  if (NPM_HOSTS.has(host) && segments[0] === 'package') return fromNpmPage(segments.slice(1))
  if (PYPI_HOSTS.has(host) && segments[0] === 'project') return fromPypiPage(segments.slice(1))
  return fromRemoteUrl(text)
}

/** `/package/[@scope/]name[/v/version]` of npmjs.com. */
function fromNpmPage(segments: string[]): Reading {
  const scoped = segments[0]?.startsWith('@') === true
  const nameParts = segments.slice(0, scoped ? 2 : 1)
  const after = segments.slice(nameParts.length)
  if (after.length !== 0 && !(after.length === 2 && after[0] === 'v')) {
    return failed('an npmjs.com link should be …/package/NAME or …/package/NAME/v/VERSION')
  }
  const name = nameParts.join('/')
  return fromNpmSpec(after[1] === undefined ? name : `${name}@${after[1]}`)
}

/** `/project/name[/version]` of pypi.org. */
function fromPypiPage(segments: string[]): Reading {
  const [name, version, ...more] = segments
  if (name === undefined || !PYPI_NAME.test(name) || more.length > 0) {
    return failed('a pypi.org link should be …/project/NAME or …/project/NAME/VERSION')
  }
  return fromPypiRequirement(version === undefined ? name : `${name}==${version}`)
}

/**
 * A remote MCP endpoint (`http`, `https`, `ws`, `wss`), keyed exactly as a config `url` is
 * (`remoteKeyEndpoint`: token-like path segments as their digest). A URL with a masked segment
 * (`…`, as reports show a URL) is refused: the mask stands for any token, so it cannot say
 * which server is meant.
 */
function fromRemoteUrl(text: string): Reading {
  const endpoint = remoteKeyEndpoint(text)
  if (endpoint === null) {
    return failed(
      'it is not an absolute http(s) or ws(s) URL (a variable reference cannot be matched)'
    )
  }
  if (holdsPathMask(text)) {
    return failed(
      `a path segment is masked (${PATH_TOKEN_MASK}), which stands for any token: write the URL ` +
        'as the config does, or the server_id the inventory gives (a token segment as ~ and 10 ' +
        'hex digits)'
    )
  }
  return found(remoteKey(endpoint))
}

/** True when a path segment of URL `text` holds the display mask `…` (also percent-encoded). */
function holdsPathMask(text: string): boolean {
  try {
    return new URL(text.trim()).pathname
      .split('/')
      .some((segment) => decodeSegment(segment).includes(PATH_TOKEN_MASK))
  } catch {
    return false
  }
}

/**
 * The remote key of an endpoint in key form (`remoteKeyEndpoint`): without trailing `/`, and
 * through `maskedText` (a net: the key form holds no token-like segment already).
 */
function remoteKey(endpoint: string): ServerKey {
  const id = maskedText(endpoint).replace(/\/+$/, '')
  return { kind: 'remote', id: `remote:${id}`, version: null }
}

/**
 * A github.com URL: `/owner/repo[.git][@ref]`, `/tree/<ref>/<dir…>`, `/commit/<sha>`,
 * `/releases/tag/<tag>`, with a `#ref`, `#ref::path:dir` or `#subdirectory=dir` fragment.
 */
function fromGithubUrl(url: URL): Reading {
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment)
  const [owner = '', repoWritten = '', ...more] = segments
  const fragment = url.hash.length > 1 ? readFragment(decodeSegment(url.hash.slice(1))) : {}
  const at = repoWritten.indexOf('@')
  const repo = at === -1 ? repoWritten : repoWritten.slice(0, at)
  const pipRef = at === -1 ? null : repoWritten.slice(at + 1)
  let directory = fragment.directory ?? []
  let ref = pipRef ?? fragment.ref ?? null
  if (more.length > 0) {
    const [what, first, ...tail] = more
    if (what === 'tree' && first !== undefined && pipRef === null) {
      directory = tail
    } else if (what === 'commit' && first !== undefined && tail.length === 0) {
      ref = first
    } else if (what === 'releases' && first === 'tag' && tail.length === 1) {
      ref = tail[0]!
    } else {
      return failed(
        'a GitHub link should name a repository (…/OWNER/REPO), a directory (…/tree/REF/DIR), ' +
          'a commit (…/commit/SHA) or a release (…/releases/tag/TAG)'
      )
    }
  }
  return githubReading(owner, repo, directory, { ...fragment, ref, directory })
}

/** What a git URL fragment says: a ref, a `semver:` range, a directory. */
interface GitFragment {
  ref?: string | null
  unpinnedSpec?: string | null
  directory?: string[]
}

/**
 * npm's `#ref`, `#semver:<range>`, `#ref::path:dir` and pip's `#egg=name&subdirectory=dir`.
 */
function readFragment(fragment: string): GitFragment {
  if (fragment.includes('=') && !fragment.includes('::') && !/^semver:/.test(fragment)) {
    const subdirectory = new URLSearchParams(fragment).get('subdirectory')
    return subdirectory ? { directory: splitPath(subdirectory) } : {}
  }
  const out: GitFragment = {}
  for (const part of fragment.split('::')) {
    if (part.startsWith('path:')) out.directory = splitPath(part.slice('path:'.length))
    else if (part.startsWith('semver:')) out.unpinnedSpec = part
    else if (part !== '') out.ref = part
  }
  return out
}

/** A GitHub key from its parts (validated; owner and repo lower-cased, `.git` dropped). */
function githubReading(
  owner: string,
  repoWritten: string,
  directory: readonly string[],
  fragment: GitFragment
): Reading {
  const repo = repoWritten.replace(/\.git$/i, '')
  if (!GITHUB_OWNER.test(owner) || !GITHUB_REPO.test(repo) || repo === '.' || repo === '..') {
    return failed('it does not name a GitHub repository as OWNER/REPO')
  }
  const written = directory.length > 0 ? directory : (fragment.directory ?? [])
  const dirs = written.filter((s) => s !== '' && s !== '.')
  if (dirs.some((s) => s === '..')) return failed('a GitHub directory cannot hold ..')
  const path = [owner.toLowerCase(), repo.toLowerCase(), ...dirs].join('/')
  const ref = fragment.ref === undefined || fragment.ref === '' ? null : fragment.ref
  return found(
    { kind: 'github', id: `github:${path}`, version: ref },
    fragment.unpinnedSpec ?? null
  )
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.')
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * The `local:` key of `path` (a file, directory, module, script or task as the entry names it)
 * as it is found from `base` (a directory relative to the workspace, or anchored): see
 * `localPath`. Through `maskedText` (a net: names are masked already).
 */
function localKey(path: string, base: string): ServerKey {
  return { kind: 'local', id: `local:${maskedText(localPath(path, base))}`, version: null }
}

/**
 * `path` found from `base`: `\\` read as `/`; an anchored path (see `anchorOf`) kept, otherwise
 * joined to `base`; then normalised as a posix path (`.` and `..` resolved, repeated and
 * trailing `/` dropped; never above an anchor). `server.js` from `tools` is `tools/server.js`,
 * `./server.js` from `.` is `server.js`, `../x` from `.` stays `../x` (outside the workspace).
 */
function localPath(path: string, base: string): string {
  const written = path.trim().replace(/\\/g, '/')
  const joined = anchorOf(written) !== null || base === '.' ? written : `${base}/${written}`
  const anchor = anchorOf(joined)
  if (anchor === null) return posix.normalize(joined).replace(/\/+$/, '') || '.'
  const rest = posix.normalize(`/${joined.slice(anchor.length)}`).replace(/\/+$/, '')
  if (anchor === '/') return rest || '/'
  return anchor === '//' ? `/${rest || '/'}` : `${anchor}${rest}`
}

/**
 * What a path is anchored at, kept as written: `/` (absolute; `//` for a UNC share), a drive
 * (`C:`), a home (`~`, `~user`) or a variable (`$HOME`, `${workspaceFolder}`, `$(pwd)`,
 * `%APPDATA%`) as its first segment. Null for a relative path.
 */
function anchorOf(path: string): string | null {
  if (path.startsWith('//')) return '//'
  if (path.startsWith('/')) return '/'
  const first = path.split('/', 1)[0]!
  return /^(?:[A-Za-z]:|~[^/]*|\$.*|%[^%]+%)$/.test(first) ? first : null
}

/**
 * The directory a local entry's relative paths are found from, relative to the workspace:
 * the config file's directory (`entry.config` is relative to the workspace, posix separators),
 * or the entry's `cwd` found from it when one is written (an anchored `cwd` as written).
 */
function localBase(entry: ServerEntry): string {
  const config = entry.config.trim().replace(/\\/g, '/')
  const directory = localPath(posix.dirname(config), '.')
  const cwd = entry.launch.cwd?.trim()
  return cwd === undefined || cwd === '' ? directory : localPath(cwd, directory)
}

/** How `local-idiom.ts` names inline code (`node -e`, `python -c`): `(inline node code)`. */
const INLINE_CODE = /^\(inline .+ code\)$/

// ---------------------------------------------------------------------------------------------
// Keys of config servers

function configKey(server: ResolvedServer): ServerKey | null {
  const p = server.package
  if (p.name === null || p.name.trim() === '') return null
  const withheldIdentity = isWithheld(p)
  switch (p.ecosystem) {
    case 'npm':
      return npmConfigKey(p.name, withheldIdentity ? null : p.version)
    case 'pypi':
      return pypiConfigKey(p.name, p.versionSpec, withheldIdentity ? null : p.version)
    case 'oci': {
      const key = imageKey(p.name)
      if (key === null) return null
      return { ...key, version: withheldIdentity ? null : (p.version ?? p.versionSpec) }
    }
    case 'remote':
      return remoteConfigKey(server, p.name)
    case 'local':
      return INLINE_CODE.test(p.name.trim()) ? null : localKey(p.name, localBase(server.entry))
    default:
      return null
  }
}

/**
 * The key of a remote config server. Its shown name masks token-like segments as `…`, so the key
 * is made from the URL as written (`endpointCandidates`: the entry's `url`, or a URL of its
 * command line) whose shown form is that name. No key when the name is not an absolute URL, or
 * when it masks a segment and no written URL (or more than one, keyed apart) gives it: which
 * server runs cannot be told then.
 */
function remoteConfigKey(server: ResolvedServer, shown: string): ServerKey | null {
  if (remoteKeyEndpoint(shown) === null) return null
  const ids = new Map<string, ServerKey>()
  for (const url of endpointCandidates(server.entry.launch.url, server.argv)) {
    const name = remoteEndpoint(url).name
    const endpoint = remoteKeyEndpoint(url)
    if (name === null || endpoint === null || maskedText(name) !== shown) continue
    const key = remoteKey(endpoint)
    ids.set(key.id, key)
  }
  if (ids.size === 1) return [...ids.values()][0]!
  if (ids.size > 1 || shown.includes(PATH_TOKEN_MASK)) return null
  return remoteKey(remoteKeyEndpoint(shown)!)
}

/** npm: a registry name keeps `version`; a GitHub git spec gives its `github:` key. */
function npmConfigKey(name: string, version: string | null): ServerKey | null {
  let parsed: npa.Result
  try {
    parsed = npa(name, '/')
  } catch {
    return null
  }
  const registry = npmRegistryKey(parsed)
  if (registry !== null) return { ...registry.key, version }
  return githubOfNpmSpec(parsed)?.key ?? null
}

/**
 * PyPI: a registry name keeps `version`; a git source (unnamed: the name is the URL and the
 * version spec the ref; named: the version spec is the URL) gives its `github:` key only.
 */
function pypiConfigKey(
  name: string,
  versionSpec: string | null,
  version: string | null
): ServerKey | null {
  if (versionSpec !== null && /^[a-z][\w+.-]*:/i.test(versionSpec)) {
    return githubUrlKey(versionSpec)
  }
  if (/^[a-z][\w+.-]*:/i.test(name)) {
    const ref = versionSpec === null ? '' : `@${versionSpec}`
    const hash = name.indexOf('#')
    const source = hash === -1 ? `${name}${ref}` : `${name.slice(0, hash)}${ref}${name.slice(hash)}`
    return githubUrlKey(source)
  }
  if (!PYPI_NAME.test(name)) return null
  return { kind: 'pypi', id: `pypi:${normalizePypiName(name)}`, version }
}

/** The `github:` key of a source URL, or null for other hosts and non-URLs. */
function githubUrlKey(url: string): ServerKey | null {
  const key = fromUrl(url).key
  return key?.kind === 'github' ? key : null
}
