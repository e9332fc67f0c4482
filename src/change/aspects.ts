/**
 * What differs between the base and the head launch of one server (issue 5). Compares the
 * normalised facts of `launch-view.ts`, never positions or formatting: a server whose entry was
 * only reformatted, commented, reordered or moved has no aspects.
 */
import { describePackage } from '../resolve/describe.js'
import type { ResolvedServer } from '../resolve/types.js'
import { type LaunchView, type NamedValue, comparableUrl, launchView } from './launch-view.js'
import { shownArgs, shownMessage, shownText, shownUrl } from './shown-launch.js'
import { ASPECT_LABELS, type AspectChange, type ChangeAspect } from './types.js'
import { versionBump, versionText, writtenVersionKey } from './written-version.js'

/** Ecosystems whose identity is a registry package, named in the command line it runs. */
const PACKAGE_ECOSYSTEMS = new Set(['npm', 'pypi', 'oci'])

/** Ecosystems identified by their command line itself (a path, a module, a command name). */
const COMMAND_ECOSYSTEMS = new Set(['local', 'unknown'])

/** The differences between two launches and, for a version change, its `before → after`. */
export interface LaunchComparison {
  /** In `CHANGE_ASPECTS` order (without `renamed`, which only pairing can tell). */
  aspects: AspectChange[]
  versionBump: string | null
}

/**
 * Compare the launch of `base` with that of `head` (see `ChangeAspect` for each aspect):
 * - `package` when the identities differ (`LaunchView.identity`), unless both are remote (then
 *   `url` says it) or both are local/unknown (then `command`/`args` say it);
 * - `version` when the identity is the same and the written version differs
 *   (`writtenVersionKey`: a spec that resolves to a newer version today is not a change);
 * - `command`/`args`: `ResolvedServer.argv` element by element (order matters); an element
 *   that differs only by the package word already reported as `package`/`version`
 *   (`pkg@1.2.0` → `pkg@1.3.1`, `mcp/github` → `docker.io/mcp/github:latest`) is not repeated;
 * - environment and headers: names added/removed as one aspect, each value changed as its own
 *   aspect naming the variable, never the values;
 * - `url`: the shown form (`shownUrl`) differs; `url-credentials`: only hidden parts differ
 *   (two spellings with the same WHATWG serialisation are equal).
 * Every shown string is masked (`shown-launch.ts`); when both sides show alike because they
 * differ only in masked or cut-off parts, the message says so instead of `X → X`. Pure, never
 * throws for any input.
 */
export function compareLaunches(base: ResolvedServer, head: ResolvedServer): LaunchComparison {
  const b = launchView(base)
  const h = launchView(head)
  const out: AspectChange[] = []
  const add = (
    aspect: ChangeAspect,
    before: string | null,
    after: string | null,
    message: string
  ) => {
    const shownBefore = before === null ? null : shownMessage(before)
    const shownAfter = after === null ? null : shownMessage(after)
    // Both sides may show alike when they differ only in masked or cut-off parts.
    const hidden = shownBefore !== null && shownBefore === shownAfter
    out.push({
      aspect,
      before: shownBefore,
      after: shownAfter,
      message: hidden
        ? `${ASPECT_LABELS[aspect]} changed in a part that is not shown (masked or too long)`
        : shownMessage(message)
    })
  }

  const sameIdentity = b.identity === h.identity && b.ecosystem === h.ecosystem
  if (!sameIdentity && !bothIn(b, h, new Set(['remote'])) && !bothIn(b, h, COMMAND_ECOSYSTEMS)) {
    const before = describePackage(base.package)
    const after = describePackage(head.package)
    add('package', before, after, `package ${before} → ${after}`)
  }
  let bump: string | null = null
  if (sameIdentity && writtenVersionKey(base.package) !== writtenVersionKey(head.package)) {
    bump = versionBump(base.package, head.package)
    add('version', versionText(base.package), versionText(head.package), `version ${bump}`)
  }

  compareCommandLine(base, head, b, h, add)
  if (!sameList(b.wrappers, h.wrappers)) {
    const before = listOrNull(b.wrappers)
    const after = listOrNull(h.wrappers)
    add('wrappers', before, after, `wrappers ${before ?? '(none)'} → ${after ?? '(none)'}`)
  }
  compareNamedValues(b.env, h.env, 'env', add)
  compareUrl(b, h, add)
  compareNamedValues(b.headers, h.headers, 'header', add)
  if (b.transport !== h.transport) {
    add(
      'transport',
      b.transport,
      h.transport,
      `transport ${b.transport ?? '(not set)'} → ${h.transport ?? '(not set)'}`
    )
  }
  if (b.cwd !== h.cwd) {
    const before = b.cwd === null ? null : shownText(b.cwd)
    const after = h.cwd === null ? null : shownText(h.cwd)
    add(
      'cwd',
      before,
      after,
      `working directory ${before ?? '(not set)'} → ${after ?? '(not set)'}`
    )
  }
  if (b.disabled !== h.disabled) {
    const [before, after] = [b, h].map((v) => (v.disabled ? 'disabled' : 'enabled')) as [
      string,
      string
    ]
    add('disabled', before, after, `server ${after} (was ${before})`)
  }
  if (!sameList(b.autoApprove, h.autoApprove)) {
    const [baseTools, headTools] = [new Set(b.autoApprove), new Set(h.autoApprove)]
    add(
      'auto-approve',
      listOrNull(b.autoApprove),
      listOrNull(h.autoApprove),
      setChangeMessage(
        'auto-approved tools',
        h.autoApprove.filter((tool) => !baseTools.has(tool)),
        b.autoApprove.filter((tool) => !headTools.has(tool))
      )
    )
  }
  if (b.trust !== h.trust) {
    add(
      'trust',
      String(b.trust),
      String(h.trust),
      h.trust ? 'trust turned on (the client skips all confirmations)' : 'trust turned off'
    )
  }
  return { aspects: out, versionBump: bump }
}

type AddAspect = (
  aspect: ChangeAspect,
  before: string | null,
  after: string | null,
  message: string
) => void

function bothIn(b: LaunchView, h: LaunchView, ecosystems: ReadonlySet<string>): boolean {
  return ecosystems.has(b.ecosystem) && ecosystems.has(h.ecosystem)
}

/** `command` (argv[0]) and `args` (the rest), see `compareLaunches`. */
function compareCommandLine(
  base: ResolvedServer,
  head: ResolvedServer,
  b: LaunchView,
  h: LaunchView,
  add: AddAspect
): void {
  const explains = PACKAGE_ECOSYSTEMS.has(b.ecosystem) && PACKAGE_ECOSYSTEMS.has(h.ecosystem)
  const same = (x: string | undefined, y: string | undefined): boolean =>
    x === y || (explains && x !== undefined && y !== undefined && samePackageWord(x, y, base, head))
  if (!same(b.argv[0], h.argv[0])) {
    const before = b.argv[0] === undefined ? null : shownText(b.argv[0])
    const after = h.argv[0] === undefined ? null : shownText(h.argv[0])
    add('command', before, after, `command ${before ?? '(none)'} → ${after ?? '(none)'}`)
  }
  const [bArgs, hArgs] = [b.argv.slice(1), h.argv.slice(1)]
  const argsDiffer = bArgs.length !== hArgs.length || bArgs.some((arg, i) => !same(arg, hArgs[i]))
  if (argsDiffer) {
    const before = b.argv.length === 0 ? null : shownArgs(bArgs)
    const after = h.argv.length === 0 ? null : shownArgs(hArgs)
    add('args', before, after, `arguments ${before ?? '(none)'} → ${after ?? '(none)'}`)
  }
}

/**
 * True when `x` (base) and `y` (head) are each the word naming their side's package and differ
 * only in that name and version: both hold their package name (case-insensitive) and are equal
 * once the version, version spec and name are cut out (`pkg@1.2.0` / `pkg@1.3.1`,
 * `--from pkg==1.0` / `--from pkg==1.1`).
 */
function samePackageWord(x: string, y: string, base: ResolvedServer, head: ResolvedServer) {
  const bx = withoutPackage(x, base)
  const hy = withoutPackage(y, head)
  return bx !== null && hy !== null && bx === hy
}

/** `word` without its side's version, spec and name (then trailing `@ = : ~ ^`); null if unnamed. */
function withoutPackage(word: string, server: ResolvedServer): string | null {
  const { name, version, versionSpec } = server.package
  if (name === null || name === '') return null
  if (!word.toLowerCase().includes(name.toLowerCase())) return null
  let rest = word
  for (const text of [version, versionSpec]) {
    if (text === null || text === '') continue
    const at = rest.lastIndexOf(text)
    if (at !== -1) rest = rest.slice(0, at) + rest.slice(at + text.length)
  }
  const at = rest.toLowerCase().lastIndexOf(name.toLowerCase())
  if (at !== -1) rest = rest.slice(0, at) + rest.slice(at + name.length)
  return rest.replace(/[@=:~^<>!]+$/, '')
}

/**
 * Environment or headers: one aspect for names added/removed (`env-keys`/`header-keys`), one
 * per name whose value changed (`env-value`/`header-value`, values never shown). Names are
 * matched by their map key (headers lower-cased) and shown as written.
 */
function compareNamedValues(
  base: ReadonlyMap<string, NamedValue>,
  head: ReadonlyMap<string, NamedValue>,
  kind: 'env' | 'header',
  add: AddAspect
): void {
  const baseKeys = [...base.keys()].sort()
  const headKeys = [...head.keys()].sort()
  if (!sameList(baseKeys, headKeys)) {
    const names = (m: ReadonlyMap<string, NamedValue>, keys: readonly string[]) =>
      keys.map((k) => m.get(k)!.name)
    const added = headKeys.filter((k) => !base.has(k))
    const removed = baseKeys.filter((k) => !head.has(k))
    add(
      kind === 'env' ? 'env-keys' : 'header-keys',
      listOrNull(names(base, baseKeys)),
      listOrNull(names(head, headKeys)),
      setChangeMessage(
        kind === 'env' ? 'env keys' : 'header names',
        names(head, added),
        names(base, removed)
      )
    )
  }
  for (const [key, written] of head) {
    const before = base.get(key)
    if (before === undefined || before.value === written.value) continue
    add(
      kind === 'env' ? 'env-value' : 'header-value',
      null,
      null,
      `${kind} value of ${written.name} changed`
    )
  }
}

/** `url` or `url-credentials` (see `compareLaunches`). */
function compareUrl(b: LaunchView, h: LaunchView, add: AddAspect): void {
  if (b.url === h.url) return
  if (b.url !== null && h.url !== null && comparableUrl(b.url) === comparableUrl(h.url)) return
  const before = b.url === null ? null : shownUrl(b.url)
  const after = h.url === null ? null : shownUrl(h.url)
  if (before !== after) {
    add('url', before, after, `URL ${before ?? '(none)'} → ${after ?? '(none)'}`)
  } else {
    add(
      'url-credentials',
      null,
      null,
      'the URL’s credentials, query, fragment or a token in its path changed (not shown)'
    )
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function listOrNull(items: readonly string[]): string | null {
  return items.length === 0 ? null : items.join(', ')
}

/** `<label> added: a, b; removed: c`. */
function setChangeMessage(label: string, added: readonly string[], removed: readonly string[]) {
  const parts: string[] = []
  if (added.length > 0) parts.push(`added: ${added.join(', ')}`)
  if (removed.length > 0) parts.push(`removed: ${removed.join(', ')}`)
  return `${label} ${parts.join('; ')}`
}
