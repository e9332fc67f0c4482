/**
 * What running the package through `npx` executes before the server starts, and whether the
 * registry shows the same package npm installs (rubric in docs/grading.md):
 *
 * - install scripts: `preinstall`/`install`/`postinstall` in the registry manifest or in the
 *   tarball's package.json (npm runs the tarball's), the registry's `hasInstallScript` flag, and a
 *   `binding.gyp` (npm then runs `node-gyp rebuild` by default);
 * - manifest confusion: the registry manifest and the tarball's package.json disagree on name,
 *   version, install scripts or dependencies.
 */
import type { Finding } from '../report.js'
import type { VersionManifest } from '../../resolve/npm-registry.js'
import { findingOf } from './finding.js'
import type { PackageFiles } from './package-files.js'
import { PACKAGE_RULE as R } from './package-rules.js'

/** npm lifecycle scripts that run on install (npm docs, "scripts": install hooks). */
export const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'] as const

/** The script npm adds for a `binding.gyp` when no install hook is declared (npm docs). */
const GYP_DEFAULT = 'node-gyp rebuild'

/** Most differences quoted in a manifest-mismatch snippet. */
const MAX_DIFFERENCES = 6

/**
 * Install-script and manifest-confusion findings.
 * @param manifest the registry's manifest of the graded version.
 * @param tarballJson the tarball's package.json, or null when it is missing or broken (then only
 *   the registry side is checked; the broken file is its own finding).
 * @returns one `npm.install-script` finding per hook (script text as evidence, or the reason the
 *   registry flags an install step), and at most one `npm.manifest-mismatch`.
 */
export function checkInstallBehaviour(
  manifest: VersionManifest,
  tarballJson: Record<string, unknown> | null,
  files: PackageFiles
): Finding[] {
  const registryScripts = manifest.scripts ?? {}
  const tarballScripts = tarballJson ? stringRecord(tarballJson.scripts) : {}
  const hasGyp = files.entries.some((e) => e.path === 'binding.gyp')
  const findings: Finding[] = []
  for (const hook of INSTALL_HOOKS) {
    const texts = new Set<string>()
    for (const scripts of [tarballScripts, registryScripts]) {
      const text = scripts[hook]
      if (typeof text === 'string' && text.trim() !== '') texts.add(text.trim())
    }
    for (const text of texts) {
      findings.push(
        findingOf(R.installScript, { file: 'package.json', snippet: `${hook}: ${text}` })
      )
    }
  }
  if (findings.length === 0 && (manifest.hasInstallScript === true || hasGyp)) {
    findings.push(
      findingOf(R.installScript, {
        file: hasGyp ? 'binding.gyp' : 'package.json',
        snippet: hasGyp
          ? `binding.gyp present: npm runs "${GYP_DEFAULT}" on install`
          : 'the registry flags hasInstallScript (an install step not visible in scripts)'
      })
    )
  }
  if (tarballJson) {
    const differences = manifestDifferences(manifest, tarballJson, hasGyp)
    if (differences.length > 0) {
      const more =
        differences.length > MAX_DIFFERENCES
          ? `; and ${differences.length - MAX_DIFFERENCES} more`
          : ''
      findings.push(
        findingOf(R.manifestMismatch, {
          file: 'package.json',
          snippet: differences.slice(0, MAX_DIFFERENCES).join('; ') + more
        })
      )
    }
  }
  return findings
}

/** Human-readable differences between the registry manifest and the tarball's package.json. */
function manifestDifferences(
  manifest: VersionManifest,
  tarball: Record<string, unknown>,
  hasGyp: boolean
): string[] {
  const out: string[] = []
  if (tarball.name !== manifest.name) {
    out.push(`name: registry ${manifest.name}, tarball ${show(tarball.name)}`)
  }
  if (tarball.version !== manifest.version) {
    out.push(`version: registry ${manifest.version}, tarball ${show(tarball.version)}`)
  }
  const regScripts = manifest.scripts ?? {}
  const tarScripts = stringRecord(tarball.scripts)
  for (const hook of INSTALL_HOOKS) {
    const reg = regScripts[hook]
    const tar = tarScripts[hook]
    if (reg === tar) continue
    // npm itself writes `install: node-gyp rebuild` into the registry manifest for a binding.gyp.
    if (hook === 'install' && tar === undefined && reg === GYP_DEFAULT && hasGyp) continue
    out.push(`scripts.${hook}: registry ${show(reg)}, tarball ${show(tar)}`)
  }
  const regDeps = manifest.dependencies ?? {}
  const tarDeps = stringRecord(tarball.dependencies)
  for (const name of new Set([...Object.keys(regDeps), ...Object.keys(tarDeps)])) {
    if (regDeps[name] !== tarDeps[name]) {
      out.push(
        `dependencies.${name}: registry ${show(regDeps[name])}, tarball ${show(tarDeps[name])}`
      )
    }
  }
  return out
}

/** The string-valued entries of an untrusted object (anything else → empty; null prototype). */
export function stringRecord(value: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v
  return out
}

function show(value: unknown): string {
  if (value === undefined) return '(none)'
  return JSON.stringify(value) ?? typeof value
}
