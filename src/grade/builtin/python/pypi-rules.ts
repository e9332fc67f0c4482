/**
 * The PyPI package part of the built-in grader's rubric (docs/grading.md): rules on the PyPI
 * JSON API metadata and on the core metadata shipped in the distribution (`METADATA` in a wheel,
 * `PKG-INFO` in an sdist; Core Metadata 2.x, https://packaging.python.org/specifications/core-metadata/).
 *
 * They mirror the npm rules of `package-rules.ts` where the two registries say the same thing
 * (deprecation ≈ yank, recency, behind latest, repository, license, README, engines ≈
 * `Requires-Python`, MCP SDK dependency), with the same deductions so that a Python server and a
 * Node server are weighed alike. README quality rules (`docs.readme-*`) are shared, not repeated.
 */
import { ABANDONED_DAYS, STALE_DAYS } from '../package-rules.js'
import type { RuleDefinition } from '../rule.js'

/** PyPI rules by short name (ids are stable; see docs/grading.md). */
export const PYPI_RULE = {
  // ── maintenance ─────────────────────────────────────────────────────────────────────────────
  yanked: {
    id: 'pypi.yanked',
    axis: 'maintenance',
    severity: 'high',
    deduction: 40,
    title: 'This release is yanked on PyPI',
    cwe: 'CWE-1104',
    rationale:
      'The author yanked the release (PEP 592; the reason is the evidence): installers skip it unless pinned, and it is no longer meant to be run.'
  },
  stale: {
    id: 'pypi.stale-12m',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 15,
    title: 'No release of the project in more than 12 months',
    cwe: 'CWE-1104',
    rationale: `The newest upload of any release is more than ${STALE_DAYS} days old.`
  },
  abandoned: {
    id: 'pypi.stale-24m',
    axis: 'maintenance',
    severity: 'high',
    deduction: 30,
    title: 'No release of the project in more than 24 months',
    cwe: 'CWE-1104',
    rationale: `The newest upload of any release is more than ${ABANDONED_DAYS} days old (replaces pypi.stale-12m).`
  },
  behindLatest: {
    id: 'pypi.version-behind-latest',
    axis: 'maintenance',
    severity: 'low',
    deduction: 5,
    title: 'A newer release is the project’s latest',
    rationale: 'The graded version is lower (PEP 440) than the version PyPI shows as latest.'
  },
  oldVersion: {
    id: 'pypi.version-old',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 10,
    title: 'The graded release is over 12 months old and has been superseded',
    cwe: 'CWE-1104',
    rationale: `The graded version is lower than the latest and was uploaded more than ${STALE_DAYS} days ago (replaces pypi.version-behind-latest).`
  },
  uploadDatesUnknown: {
    id: 'pypi.upload-dates-unknown',
    axis: 'maintenance',
    severity: 'info',
    deduction: 0,
    title: 'PyPI gives no upload dates; recency not assessed',
    rationale:
      'Without `upload_time_iso_8601` on the files the recency rules cannot run; nothing is deducted.'
  },
  repositoryMissing: {
    id: 'pypi.repository-missing',
    axis: 'maintenance',
    severity: 'medium',
    deduction: 15,
    title: 'No source repository declared',
    rationale:
      'Neither `project_urls` nor the home page points to a source repository (a `Source`/`Repository`/`Code` URL, or a GitHub, GitLab, Bitbucket, Codeberg or SourceHut URL): the published code cannot be traced to its source.'
  },
  // ── documentation ───────────────────────────────────────────────────────────────────────────
  readmeMissing: {
    id: 'pypi.readme-missing',
    axis: 'documentation',
    severity: 'high',
    deduction: 60,
    title: 'No project description (README) on PyPI',
    rationale:
      'The long description (`Description` / the README given to the build backend) is empty or `UNKNOWN`: nothing tells a user what the server does or how to set it up. Its quality is judged with the shared `docs.readme-*` rules.'
  },
  // ── compatibility ───────────────────────────────────────────────────────────────────────────
  licenseMissing: {
    id: 'pypi.license-missing',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 15,
    title: 'No license declared',
    rationale:
      'No `License-Expression` (PEP 639), no `License` text and no `License ::` classifier: nobody is granted the right to run or change the code.'
  },
  requiresPythonMissing: {
    id: 'pypi.requires-python-missing',
    axis: 'compatibility',
    severity: 'low',
    deduction: 5,
    title: 'No `Requires-Python` declared',
    rationale: 'Installers cannot tell which Python versions the server supports.'
  },
  sdkNotDeclared: {
    id: 'pypi.mcp-not-declared',
    axis: 'compatibility',
    severity: 'medium',
    deduction: 10,
    title: 'The MCP SDK is not a declared dependency',
    rationale:
      'No unconditional `Requires-Dist` on `mcp` (the MCP Python SDK) or `fastmcp` in the distribution’s metadata: the server bundles or reimplements the protocol, and SDK fixes do not reach it through the installer.'
  },
  metadataMissing: {
    id: 'pypi.metadata-missing',
    axis: 'compatibility',
    severity: 'high',
    deduction: 25,
    title: 'The distribution has no readable core metadata',
    rationale:
      'A wheel without `*.dist-info/METADATA` (or an sdist without `PKG-INFO`) is malformed: installers may refuse it, and its dependencies cannot be checked.'
  },
  // ── security: reported, not scored ──────────────────────────────────────────────────────────
  unsafeEntry: {
    id: 'pypi.unsafe-entry',
    axis: 'security',
    severity: 'medium',
    deduction: 0,
    title: 'The distribution holds links, special files or paths outside the package',
    cwe: 'CWE-22',
    rationale:
      'Symbolic or hard links, device files, absolute paths or `..` segments have no place in a wheel or sdist; they were skipped, not read.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every PyPI rule, in catalog order (for docs and tests). */
export const PYPI_RULES: readonly RuleDefinition[] = Object.freeze(Object.values(PYPI_RULE))
