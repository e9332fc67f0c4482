/**
 * How well the package fits the way MCP clients launch npm servers (rubric in docs/grading.md):
 * a declared, valid `engines.node` range, and a `bin` entry so `npx <package>` can start it.
 */
import semver from 'semver'
import type { Finding } from '../report.js'
import type { VersionManifest } from '../../resolve/npm-registry.js'
import { findingOf } from './finding.js'
import { PACKAGE_RULE as R } from './package-rules.js'

/**
 * `npm.engines-missing` / `npm.engines-invalid` and `npm.bin-missing` findings for a manifest.
 * `engines.node` must be a range `semver.validRange` accepts (what npm checks); `bin` must be a
 * non-empty path or a map with at least one non-empty path.
 */
export function checkCompatibility(manifest: VersionManifest): Finding[] {
  const findings: Finding[] = []
  const engines = manifest.engines
  const node =
    engines && typeof engines === 'object' && 'node' in engines ? engines.node : undefined
  if (node === undefined || node === null || (typeof node === 'string' && node.trim() === '')) {
    findings.push(findingOf(R.enginesMissing, { file: 'package.json' }))
  } else if (typeof node !== 'string' || semver.validRange(node) === null) {
    findings.push(
      findingOf(R.enginesInvalid, {
        file: 'package.json',
        snippet: `engines.node: ${JSON.stringify(node) ?? typeof node}`
      })
    )
  }
  const bin = manifest.bin
  const hasBin =
    typeof bin === 'string'
      ? bin.trim() !== ''
      : bin !== undefined && Object.values(bin).some((path) => path.trim() !== '')
  if (!hasBin) findings.push(findingOf(R.binMissing, { file: 'package.json' }))
  return findings
}
