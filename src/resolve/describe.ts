/**
 * The identity string of a package used in messages and handed to graders (SPEC §4):
 * `@scope/pkg@1.2.3`, `@scope/pkg@latest (unpinned, resolves to 1.4.2)`, `mcp-server-fetch==1.2.0`,
 * `ghcr.io/x/y:tag`, `https://host/path`, `local: ./server.js`.
 */
import type { PackageIdentity } from './types.js'
import { isWithheld } from './withholding.js'

/**
 * Describe `p` in one line (see the module doc):
 * - npm: `name@version` when pinned; otherwise `name[@spec] (unpinned[, resolves to X])`; git,
 *   tarball and path sources as written;
 * - PyPI: `name==version` when pinned; otherwise `name[spec] (unpinned)` (`@latest` for uv's
 *   `@latest`, PEP 440 specifiers as written: `name==1.0`, never `name====1.0`); git sources as
 *   `url@ref`, `name @ url`;
 * - a withheld identity (`withholding.ts`): the written spec and `(not graded)`, e.g.
 *   `pkg@1.2.3 (not graded)`, `mcp-server-fetch==2025.4.7 (not graded)`;
 * - OCI: `name[:tag][@digest]`;
 * - remote: the URL identity (credentials and query already removed);
 * - local: `local: <path or module>`; unknown: `unknown: <command>`.
 * A missing name reads `(unidentified …)`. Pure; never throws.
 */
export function describePackage(p: PackageIdentity): string {
  switch (p.ecosystem) {
    case 'npm':
      return describeRegistryPackage(p, '@')
    case 'pypi':
      return describeRegistryPackage(p, '==')
    case 'oci': {
      const name = p.name ?? '(unidentified image)'
      const image = `${name}${p.versionSpec ? `:${p.versionSpec}` : ''}${p.version ? `@${p.version}` : ''}`
      return isWithheld(p) ? `${image} (not graded)` : image
    }
    case 'remote':
      return p.name ?? '(unidentified remote server)'
    case 'local':
      return `local: ${p.name ?? '(unidentified)'}`
    case 'unknown':
      return `unknown: ${p.name ?? '(no command)'}`
  }
}

function describeRegistryPackage(p: PackageIdentity, exactSeparator: '@' | '=='): string {
  const name = p.name ?? '(unidentified package)'
  if (p.pinned && p.version !== null) return `${name}${exactSeparator}${p.version}`
  const spec = p.versionSpec
  if (isWithheld(p)) return `${spec === null ? name : withSpec(name, spec)} (not graded)`
  if (p.resolution.status === 'n/a') {
    // Git, URL and path sources: the source as written (`name @ url` for PyPI, `url@ref` for a
    // git ref kept out of the name); registry specs from another registry: the spec as written.
    if (spec === null || name.includes(spec)) return name
    return spec.includes('://') ? `${name} @ ${spec}` : withSpec(name, spec)
  }
  const written = spec === null ? name : withSpec(name, spec)
  const resolves = p.version !== null ? `, resolves to ${p.version}` : ''
  return `${written} (unpinned${resolves})`
}

/** `name==1.0`, `name>=1` (PEP 440 specifiers) or `name@spec` (npm, uv `@`, git refs). */
function withSpec(name: string, spec: string): string {
  return /^[=<>!~(]/.test(spec) ? `${name}${spec}` : `${name}@${spec}`
}
