/**
 * The MCP SDK dependency (rubric in docs/grading.md): is the official TypeScript SDK declared,
 * and can the declared range reach the SDK's current release? A server stuck on an old SDK
 * speaks an old protocol revision and misses its fixes.
 *
 * SDK packages: `@modelcontextprotocol/sdk` (v1) and `@modelcontextprotocol/server` (the v2
 * split packages). The SDK packuments come from the same `NpmRegistryClient`, which fetches each
 * at most once per run.
 */
import semver from 'semver'
import type { Finding } from '../report.js'
import type { Packument, VersionManifest } from '../../resolve/npm-registry.js'
import { findingOf } from './finding.js'
import type { PackageFiles } from './package-files.js'
import { PACKAGE_RULE as R } from './package-rules.js'

/** npm packages that are the official MCP TypeScript SDK for servers. */
export const SDK_PACKAGES = ['@modelcontextprotocol/sdk', '@modelcontextprotocol/server'] as const

/** Fetches a packument (e.g. `NpmRegistryClient.getPackument`); may reject. */
export type PackumentSource = (name: string) => Promise<Packument>

/**
 * SDK findings for `manifest`: `mcp.sdk-not-declared` when no SDK package is in dependencies or
 * peerDependencies (the SDK packages themselves are exempt); otherwise for each declared SDK
 * package, the highest published version its range allows (`semver.maxSatisfying`, or the
 * dist-tag it names) against the SDK's `latest`: `mcp.sdk-behind-major`, `mcp.sdk-behind-minor`,
 * `mcp.sdk-range-unresolvable`, or `mcp.sdk-currency-unknown` when the SDK packument cannot be
 * fetched. Never rejects.
 */
export async function checkMcpSdk(
  manifest: VersionManifest,
  files: PackageFiles,
  packumentOf: PackumentSource
): Promise<Finding[]> {
  if ((SDK_PACKAGES as readonly string[]).includes(manifest.name)) return []
  const declared: Array<{ name: string; range: string }> = []
  for (const name of SDK_PACKAGES) {
    const range = manifest.dependencies?.[name] ?? manifest.peerDependencies?.[name]
    if (range !== undefined) declared.push({ name, range })
  }
  if (declared.length === 0) {
    const bundled = SDK_PACKAGES.find((name) =>
      files.entries.some((e) => e.path.startsWith(`node_modules/${name}/`))
    )
    return [
      findingOf(R.sdkNotDeclared, {
        file: 'package.json',
        snippet:
          `no ${SDK_PACKAGES.join(' or ')} in dependencies or peerDependencies: ` +
          (bundled
            ? `the tarball bundles node_modules/${bundled}`
            : 'the server bundles the SDK or implements the protocol itself')
      })
    ]
  }
  const findings: Finding[] = []
  for (const { name, range } of declared) {
    let packument: Packument
    try {
      packument = await packumentOf(name)
    } catch (error) {
      findings.push(
        findingOf(R.sdkCurrencyUnknown, {
          snippet: `${name}: ${error instanceof Error ? error.message : String(error)}`
        })
      )
      continue
    }
    findings.push(...currency(name, range, packument))
  }
  return findings
}

function currency(name: string, range: string, packument: Packument): Finding[] {
  const latest = packument['dist-tags'].latest
  if (!latest || !semver.valid(latest)) {
    return [findingOf(R.sdkCurrencyUnknown, { snippet: `${name} has no valid latest version` })]
  }
  const tagged = packument['dist-tags'][range.trim()]
  const highest =
    tagged && semver.valid(tagged)
      ? tagged
      : semver.validRange(range)
        ? semver.maxSatisfying(Object.keys(packument.versions), range)
        : null
  const declared = `${name} ${JSON.stringify(range)}`
  if (!highest) {
    return [
      findingOf(R.sdkRangeUnresolvable, {
        file: 'package.json',
        snippet: `${declared} matches no published version (latest is ${latest})`
      })
    ]
  }
  const evidence = {
    file: 'package.json',
    snippet: `${declared} allows at most ${highest}; ${name} latest is ${latest}`
  }
  if (semver.major(highest) < semver.major(latest)) return [findingOf(R.sdkBehindMajor, evidence)]
  if (
    semver.major(highest) === semver.major(latest) &&
    semver.minor(highest) < semver.minor(latest)
  ) {
    return [findingOf(R.sdkBehindMinor, evidence)]
  }
  return []
}
