/**
 * The package part of the built-in grader's rubric (rubric version 1, documented rule by rule in
 * docs/grading.md): every rule that looks at the npm registry metadata or at the package tarball.
 * The config-entry rules live in `config-rules.ts`.
 *
 * Deductions are points off the rule's axis (0–100). Security rules carry no deduction in v1: the
 * security axis is not scored until advisories (OSV) and source analysis arrive (v2), so their
 * findings are reported with their severity only. Numbers are this project's own judgement,
 * weighed so that one severe problem (deprecated, no README) costs far more than a missing
 * nicety (no CHANGELOG in the tarball).
 */
import type { RuleDefinition } from './rule.js'

/** Days in "12 months", for the recency rules (`npm.stale-12m`, `npm.version-old`). */
export const STALE_DAYS = 365
/** Days in "24 months", for `npm.stale-24m`. */
export const ABANDONED_DAYS = 730

/** Rubric rules of the package part, by short name (ids are stable; see docs/grading.md). */
export const PACKAGE_RULE = {
  // ── maintenance: registry metadata ──────────────────────────────────────────────────────────
  deprecated: {
    id: 'npm.deprecated',
    axis: 'maintenance',
    severity: 'high',
    deduction: 40,
    title: 'This version is deprecated on the registry',
    cwe: 'CWE-1104',
    rationale:
      'The author marked the version deprecated (the message is the evidence): it is no longer meant to be run.'
  },
  stale: {
    id: 'npm.stale-12m',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 15,
    title: 'No release of the package in more than 12 months',
    cwe: 'CWE-1104',
    rationale: `The newest publish of any version is more than ${STALE_DAYS} days old.`
  },
  abandoned: {
    id: 'npm.stale-24m',
    axis: 'maintenance',
    severity: 'high',
    deduction: 30,
    title: 'No release of the package in more than 24 months',
    cwe: 'CWE-1104',
    rationale: `The newest publish of any version is more than ${ABANDONED_DAYS} days old (replaces npm.stale-12m).`
  },
  behindLatest: {
    id: 'npm.version-behind-latest',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'A newer version is the registry’s latest',
    rationale: 'The graded version is lower than the `latest` dist-tag.'
  },
  oldVersion: {
    id: 'npm.version-old',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 10,
    title: 'The graded version is over 12 months old and has been superseded',
    cwe: 'CWE-1104',
    rationale: `The graded version is lower than \`latest\` and was published more than ${STALE_DAYS} days ago (replaces npm.version-behind-latest).`
  },
  publishDatesUnknown: {
    id: 'npm.publish-dates-unknown',
    axis: 'maintenance',
    severity: 'info',
    deduction: 0,
    title: 'The registry does not give publish dates; recency not assessed',
    rationale: 'Without the packument `time` map the recency rules cannot run; nothing is deducted.'
  },
  maintainersUnknown: {
    id: 'npm.maintainers-unknown',
    axis: 'maintenance',
    severity: 'info',
    deduction: 0,
    title: 'The registry does not list maintainers; not assessed',
    rationale:
      'Some registries and mirrors strip `maintainers`; absence of the field is not evidence of anything, so nothing is deducted.'
  },
  noMaintainers: {
    id: 'npm.maintainers-none',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 10,
    title: 'The registry lists no maintainer',
    rationale: 'The `maintainers` list is present but empty: nobody can publish a fix.'
  },
  singleMaintainer: {
    id: 'npm.single-maintainer',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'A single maintainer can publish this package',
    rationale: 'One account is a single point of failure for fixes and for account takeover.'
  },
  repositoryMissing: {
    id: 'npm.repository-missing',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 15,
    title: 'No source repository declared',
    rationale: 'Without `repository` the published code cannot be traced to its source.'
  },
  repositoryUnrecognised: {
    id: 'npm.repository-unrecognised',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'The declared repository is not a recognisable URL',
    rationale:
      '`repository` is neither a git URL, a hosted shorthand (`github:owner/repo`, `owner/repo`) nor an http(s) URL.'
  },
  // ── maintenance: tarball ────────────────────────────────────────────────────────────────────
  securityPolicyMissing: {
    id: 'docs.security-policy-missing',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'No SECURITY.md in the package',
    rationale:
      'A security policy tells users how to report a vulnerability. v1 sees only the tarball, not the repository.'
  },
  securityPolicyNoContact: {
    id: 'docs.security-policy-no-contact',
    axis: 'maintenance',
    severity: 'low',
    deduction: 3,
    title: 'SECURITY.md does not say how to report a vulnerability',
    rationale: 'The policy has no e-mail address, URL or security-advisory link.'
  },
  changelogMissing: {
    id: 'docs.changelog-missing',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'No CHANGELOG in the package',
    rationale: 'Users cannot see what changed between versions before upgrading.'
  },
  changelogStale: {
    id: 'docs.changelog-stale',
    axis: 'maintenance',
    severity: 'low',
    deduction: 3,
    title: 'The CHANGELOG does not mention the graded version',
    rationale: 'The changelog shipped with the version does not describe it.'
  },
  // ── documentation ───────────────────────────────────────────────────────────────────────────
  readmeMissing: {
    id: 'docs.readme-missing',
    axis: 'documentation',
    severity: 'high',
    deduction: 60,
    title: 'No README in the package',
    rationale:
      'Nothing tells a user what the server does, which tools it offers or how to set it up (costs more than the three README quality rules together).'
  },
  readmeThin: {
    id: 'docs.readme-thin',
    axis: 'documentation',
    severity: 'medium',
    deduction: 25,
    title: 'The README is only a title or boilerplate',
    rationale:
      'Fewer than 60 words of prose outside headings, badges and code, or template text left in place.'
  },
  readmeNoUsage: {
    id: 'docs.readme-no-usage',
    axis: 'documentation',
    severity: 'low',
    deduction: 10,
    title: 'The README has no installation, usage or configuration section',
    rationale:
      'No heading about installing, setting up, using or configuring the server (or getting started).'
  },
  readmeNoMcpSetup: {
    id: 'docs.readme-no-mcp-setup',
    axis: 'documentation',
    severity: 'low',
    deduction: 10,
    title: 'The README neither lists the server’s tools nor shows an MCP client setup',
    rationale:
      'No section about the tools the server offers and no client configuration (`mcpServers`, `claude mcp add`, …).'
  },
  readmeNotAnalysed: {
    id: 'docs.readme-not-analysed',
    axis: 'documentation',
    severity: 'info',
    deduction: 0,
    title: 'The README is too large to analyse; only its presence was checked',
    rationale: 'Files over the per-file read limit are listed, not read; nothing is deducted.'
  },
  // ── compatibility: license ──────────────────────────────────────────────────────────────────
  licenseMissing: {
    id: 'license.missing',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 15,
    title: 'No license declared',
    rationale: 'Without a license nobody is granted the right to run or change the code.'
  },
  licenseUnlicensed: {
    id: 'license.unlicensed',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 15,
    title: 'The license is UNLICENSED (proprietary)',
    rationale: '`UNLICENSED` means no rights are granted to others.'
  },
  licenseNotSpdx: {
    id: 'license.not-spdx',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'The license is not an SPDX expression',
    rationale:
      'Tools and legal reviews read SPDX ids (`MIT`, `Apache-2.0 OR MIT`); free text cannot be checked automatically.'
  },
  licenseSeeFileMissing: {
    id: 'license.see-file-missing',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 10,
    title: 'The license points to a file the package does not contain',
    rationale: '`SEE LICENSE IN <file>` names a file that is not in the tarball, so no terms ship.'
  },
  licenseFileMissing: {
    id: 'license.file-missing',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'No LICENSE file in the package',
    rationale:
      'Most licenses require their text to ship with the code (not counted when license.see-file-missing fires).'
  },
  licenseFileUnrecognised: {
    id: 'license.file-unrecognised',
    axis: 'compatibility',
    severity: 'low',
    deduction: 3,
    title: 'The LICENSE file is not a recognisable license text',
    rationale:
      'The file matches none of the common texts (MIT, Apache-2.0, BSD, ISC, GPL/LGPL/AGPL, MPL-2.0, Unlicense, CC0, 0BSD).'
  },
  licenseFileMismatch: {
    id: 'license.file-mismatch',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 10,
    title: 'The LICENSE file does not match the declared license',
    rationale: 'The text is one license and `package.json` declares another.'
  },
  // ── compatibility: MCP SDK, engines, bin, package.json ──────────────────────────────────────
  sdkNotDeclared: {
    id: 'mcp.sdk-not-declared',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 10,
    title: 'The MCP SDK is not a declared dependency',
    rationale:
      'Neither `@modelcontextprotocol/sdk` nor `@modelcontextprotocol/server` is in dependencies or peerDependencies: the server bundles or reimplements the protocol, and SDK fixes do not reach it through npm.'
  },
  sdkBehindMajor: {
    id: 'mcp.sdk-behind-major',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 15,
    title: 'The declared MCP SDK range cannot reach the current major version',
    rationale:
      'The highest SDK version the range allows is a lower major than the SDK’s `latest` (numbers in the evidence).'
  },
  sdkBehindMinor: {
    id: 'mcp.sdk-behind-minor',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'The declared MCP SDK range cannot reach the current minor version',
    rationale:
      'Same major as the SDK’s `latest`, but the range stops at a lower minor (numbers in the evidence).'
  },
  sdkRangeUnresolvable: {
    id: 'mcp.sdk-range-unresolvable',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'The declared MCP SDK range matches no published SDK version',
    rationale: 'The range is not a semver range, or no published version satisfies it.'
  },
  sdkCurrencyUnknown: {
    id: 'mcp.sdk-currency-unknown',
    axis: 'compatibility',
    severity: 'info',
    deduction: 0,
    title: 'The MCP SDK’s current version could not be fetched; currency not assessed',
    rationale: 'The SDK packument could not be read from the registry; nothing is deducted.'
  },
  enginesMissing: {
    id: 'npm.engines-missing',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'No `engines.node` declared',
    rationale: 'Users cannot tell which Node.js versions the server supports.'
  },
  enginesInvalid: {
    id: 'npm.engines-invalid',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: '`engines.node` is not a valid semver range',
    rationale: 'npm cannot check the declared Node.js range.'
  },
  binMissing: {
    id: 'npm.bin-missing',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 15,
    title: 'No `bin` entry: `npx <package>` cannot start the server',
    rationale: 'MCP clients launch npm servers with `npx`, which needs an executable in `bin`.'
  },
  packageJsonInvalid: {
    id: 'tarball.package-json-invalid',
    axis: 'compatibility',
    severity: 'high',
    deduction: 25,
    title: 'The package.json in the tarball is missing or not valid JSON',
    rationale:
      'npm reads the tarball’s package.json when it installs; a broken one may not install.'
  },
  // ── security: reported, not scored in v1 ───────────────────────────────────────────────────
  installScript: {
    id: 'npm.install-script',
    axis: 'security',
    severity: 'high',
    deduction: 15,
    title: 'The package runs an install script',
    cwe: 'CWE-829',
    rationale:
      '`preinstall`/`install`/`postinstall` (or the registry’s `hasInstallScript`) run code on `npx` before the server starts; the script is the evidence.'
  },
  manifestMismatch: {
    id: 'npm.manifest-mismatch',
    axis: 'security',
    severity: 'high',
    deduction: 30,
    title: 'The registry manifest and the tarball’s package.json disagree',
    cwe: 'CWE-345',
    rationale:
      'Name, version, install scripts or dependencies differ between what the registry shows and what npm installs (manifest confusion).'
  },
  provenance: {
    id: 'npm.provenance',
    axis: 'security',
    severity: 'info',
    deduction: 0,
    title: 'Published with provenance',
    rationale: 'The registry holds an SLSA provenance attestation linking the tarball to its build.'
  },
  noProvenance: {
    id: 'npm.no-provenance',
    axis: 'security',
    severity: 'low',
    deduction: 3,
    title: 'Published without provenance',
    cwe: 'CWE-345',
    rationale:
      'No SLSA provenance attestation: the tarball cannot be tied to a source commit and build.'
  },
  unsafeEntry: {
    id: 'tarball.unsafe-entry',
    axis: 'security',
    severity: 'medium',
    deduction: 10,
    title: 'The tarball holds links, devices or paths outside the package',
    cwe: 'CWE-22',
    rationale:
      'Symbolic or hard links, device files, FIFOs, absolute paths or `..` segments have no place in an npm package; they were skipped, not read.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every package rule, in catalog order (for docs and tests). */
export const PACKAGE_RULES: readonly RuleDefinition[] = Object.freeze(Object.values(PACKAGE_RULE))
