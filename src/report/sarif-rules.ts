/**
 * The rule catalog of the SARIF output (docs/sarif.md): one SARIF rule (`reportingDescriptor`)
 * per reason code (SPEC §8: "Reason codes … used as SARIF rule ids") and one per grader rule,
 * with the level, `security-severity` and tags GitHub code scanning reads.
 *
 * `security-severity` is a numeric string "0.1"–"10.0"; GitHub code scanning turns it into the
 * alert's security severity: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9 (GitHub
 * Docs, "SARIF support for code scanning", `reportingDescriptor` properties). It is only shown for
 * rules tagged `security`, so every rule here carries that tag. The numbers are this project's
 * judgement, placed in those bands: certain compromise (malware) at the top, known-exploitable
 * or leaked (advisories, quarantine, secrets) critical/high, failed grades high, governance
 * (registry, exceptions, pinning) medium, bookkeeping low. docs/sarif.md holds both tables and a
 * test keeps them equal to the code.
 */
import type { ReportingDescriptor } from 'sarif'
import { ADVISORY_RULES } from '../grade/builtin/advisories/advisory-rules.js'
import { CONFIG_RULES } from '../grade/builtin/config-rules.js'
import { PACKAGE_RULES } from '../grade/builtin/package-rules.js'
import { PYPI_RULES } from '../grade/builtin/python/pypi-rules.js'
import type { RuleDefinition } from '../grade/builtin/rule.js'
import { SOURCE_RULES } from '../grade/builtin/source/rules.js'
import { TOOL_RULES } from '../grade/builtin/tools/rules.js'
import { SEVERITIES, type Axis, type Severity } from '../grade/report.js'
import { REASON_CODES, type ReasonCode, type ReasonSeverity } from '../policy/reasons.js'

/** A SARIF result/rule level (SARIF 2.1.0 §3.27.10; `none` is not used). */
export type SarifLevel = 'error' | 'warning' | 'note'

/** What the SARIF output says about one reason code. */
export interface ReasonRuleInfo {
  /** `defaultConfiguration.level`: the level the code usually has (the result's own may differ). */
  level: SarifLevel
  /** GitHub `security-severity`, "0.1"–"10.0" (one decimal). */
  securitySeverity: string
  /** One line: what the code means. */
  short: string
  /** When the gate raises it. */
  full: string
  /** What makes it go away. */
  fix: string
  /** The area of the gate: `config`, `grade`, `supply-chain`, `grader`, `registry`, `exception`. */
  category: 'config' | 'grade' | 'supply-chain' | 'grader' | 'registry' | 'exception'
  /** Axes the code is about, when it is about some. */
  axes: Axis[]
  /** CWE id (`CWE-798`) when one fits the code as a whole. */
  cwe?: string
}

/**
 * Every reason code's SARIF rule: level, security-severity, descriptions, fix, tags. The wording
 * follows README "Reason codes"; levels follow where each code blocks by default (SPEC §6, §7).
 */
export const REASON_RULES: Readonly<Record<ReasonCode, ReasonRuleInfo>> = Object.freeze({
  CONFIG_INVALID: {
    level: 'error',
    securitySeverity: '5.0',
    short: 'MCP config file cannot be read',
    full: 'The config file is not valid JSON, JSONC or TOML (or is too large), so none of its servers could be checked. Other config files are still gated.',
    fix: 'Fix the syntax at the reported line and column, then push again.',
    category: 'config',
    axes: []
  },
  GRADE_BELOW_MIN: {
    level: 'error',
    securitySeverity: '7.0',
    short: 'MCP server graded below the minimum',
    full: "The server's overall grade is below the minimum grade of the environment (or of its data classification).",
    fix: 'Pick a version (or another server) graded at or above the minimum, or request an exception.',
    category: 'grade',
    axes: []
  },
  SUBSCORE_BELOW_FLOOR: {
    level: 'error',
    securitySeverity: '6.5',
    short: 'MCP server sub-score below its floor',
    full: 'An assessed axis (security, permissions, credentials, maintenance, compatibility, documentation) scores below the floor the policy sets for it; with requireAssessedAxes, a floored axis that was not assessed also counts.',
    fix: 'Pick a version that meets the floor, or request an exception.',
    category: 'grade',
    axes: []
  },
  SUBSCORE_F: {
    level: 'error',
    securitySeverity: '7.5',
    short: 'MCP server has an F on an axis',
    full: 'An assessed axis is graded F and the environment allows no F in any axis.',
    fix: 'Pick a version without an F, or request an exception.',
    category: 'grade',
    axes: []
  },
  QUARANTINE: {
    level: 'error',
    securitySeverity: '9.0',
    short: 'MCP server quarantined',
    full: 'The security or credentials sub-score is below the quarantine threshold, or the server is known malware. Quarantine blocks in every environment and no exception can waive it.',
    fix: 'Remove the server or move to a version whose security and credentials scores clear the threshold.',
    category: 'grade',
    axes: ['security', 'credentials']
  },
  KNOWN_VULNERABILITY: {
    level: 'error',
    securitySeverity: '9.0',
    short: 'MCP server has a known vulnerability',
    full: 'A grader finding carries a critical or high advisory for the version the config runs (lower severities only warn).',
    fix: 'Upgrade to a version the advisory lists as fixed, or remove the server.',
    category: 'supply-chain',
    axes: ['security'],
    cwe: 'CWE-1395'
  },
  MALWARE: {
    level: 'error',
    securitySeverity: '10.0',
    short: 'MCP server is known malware',
    full: 'A grader finding carries a malicious-package (MAL-) advisory for the package or one of its dependencies. It blocks everywhere and cannot be waived.',
    fix: 'Remove the server now and rotate every credential it could reach.',
    category: 'supply-chain',
    axes: ['security'],
    cwe: 'CWE-506'
  },
  UNPINNED: {
    level: 'error',
    securitySeverity: '5.5',
    short: 'MCP server not pinned',
    full: 'The entry runs no exact version (npm, PyPI) or no image digest (OCI), so what runs can change without a change to the config.',
    fix: 'Pin the exact version (pkg@1.2.3, pkg==1.2.3) or the image digest (image@sha256:…).',
    category: 'supply-chain',
    axes: [],
    cwe: 'CWE-829'
  },
  UNGRADED: {
    level: 'error',
    securitySeverity: '6.0',
    short: 'MCP server has no grade',
    full: 'No grade could be obtained for the server (no package to grade, or the grader has none); unknown is never a pass where a grade is required.',
    fix: 'Run a package the grader can grade, add a graded registry entry, or request an exception.',
    category: 'grade',
    axes: []
  },
  GRADER_ERROR: {
    level: 'error',
    securitySeverity: '5.0',
    short: 'MCP server could not be graded',
    full: 'The grader failed (network, time limit, an answer that does not match the contract); the verdict is error, which blocks unless the policy says onGraderError: warn.',
    fix: 'Re-run the check; if it persists, fix the grader settings shown in the message.',
    category: 'grader',
    axes: []
  },
  LITERAL_SECRET: {
    level: 'error',
    securitySeverity: '8.5',
    short: 'Secret written into the MCP config',
    full: 'A credential is written literally into the config entry (shown masked). It blocks in every environment and cannot be waived.',
    fix: 'Revoke the secret, then read it from the environment or an input variable (${env:NAME}, ${input:name}).',
    category: 'config',
    axes: ['credentials'],
    cwe: 'CWE-798'
  },
  CONFIG_RISK: {
    level: 'error',
    securitySeverity: '8.0',
    short: 'MCP config entry grants risky access',
    full: 'The entry itself is risky whatever the grader says: privileged container, engine socket, host root or home mounts, host network, dangerous capabilities, auto-approve of all or destructive tools, trust, permission checks off, plain-http remotes.',
    fix: 'Remove the flag, mount or approval the message names, or narrow it to what the server needs.',
    category: 'config',
    axes: ['permissions'],
    cwe: 'CWE-250'
  },
  NOT_IN_REGISTRY: {
    level: 'error',
    securitySeverity: '6.0',
    short: 'MCP server not in the approved registry',
    full: 'No registry row names the server, and the environment requires registry approval.',
    fix: 'Have the server reviewed and added to the registry, or use an approved server.',
    category: 'registry',
    axes: []
  },
  NOT_APPROVED_FOR_ENVIRONMENT: {
    level: 'error',
    securitySeverity: '6.0',
    short: 'MCP server not approved for this environment',
    full: "The registry row's environments_approved does not list the run's environment.",
    fix: 'Get the server approved for this environment, or use it only where it is approved.',
    category: 'registry',
    axes: []
  },
  AUDIT_STALE: {
    level: 'error',
    securitySeverity: '4.0',
    short: 'MCP server audit is stale',
    full: "The registry row's audit_date is older than maxAuditAgeDays (or missing); from auditWarningDays on it is a warning.",
    fix: 'Re-audit the server and update audit_date in the registry.',
    category: 'registry',
    axes: []
  },
  REGISTRY_VERSION_MISMATCH: {
    level: 'error',
    securitySeverity: '5.0',
    short: 'MCP server version differs from the approved one',
    full: 'The registry row approves one version (or digest) and the config runs another.',
    fix: 'Run the approved version, or have the new version audited and recorded in the registry.',
    category: 'registry',
    axes: []
  },
  REGISTRY_GRADE_DRIFT: {
    level: 'warning',
    securitySeverity: '4.0',
    short: 'MCP server grade fell below the recorded grade',
    full: "The fresh grade is below the registry row's current_grade.",
    fix: 'Review the server again and update current_grade, or pick a version that keeps the grade.',
    category: 'registry',
    axes: []
  },
  REGISTRY_INCOMPLETE: {
    level: 'warning',
    securitySeverity: '2.0',
    short: 'MCP server registry row incomplete',
    full: 'The registry row has no owner_team or no data_access_summary.',
    fix: 'Fill in owner_team and data_access_summary in the registry.',
    category: 'registry',
    axes: []
  },
  EXCEPTION_EXPIRED: {
    level: 'error',
    securitySeverity: '6.0',
    short: 'Exception for the MCP server expired',
    full: 'The exception covering the server has passed its expires_on date; it blocks when the exception was needed.',
    fix: 'Renew the exception with a fresh approval, or make the server meet the policy.',
    category: 'exception',
    axes: []
  },
  EXCEPTION_INVALID: {
    level: 'error',
    securitySeverity: '6.0',
    short: 'Exception for the MCP server is invalid',
    full: 'An exception breaks a rule (too long, missing approver role, no artifact link, wrong environment), or the registry names an exception the file lacks.',
    fix: 'Fix the exception as the message says, or make the server meet the policy.',
    category: 'exception',
    axes: []
  },
  EXCEPTION_EXPIRING: {
    level: 'warning',
    securitySeverity: '3.0',
    short: 'Exception for the MCP server expires soon',
    full: 'The exception covering the server expires within 7 days.',
    fix: 'Renew the exception, or make the server meet the policy before it expires.',
    category: 'exception',
    axes: []
  },
  EXCEPTION_APPLIED: {
    level: 'note',
    securitySeverity: '1.0',
    short: 'Exception applied to the MCP server',
    full: 'A valid exception waived grade or floor failures; the waived reasons stay listed as warnings.',
    fix: 'Nothing to do before expiry; plan the fix the exception promised.',
    category: 'exception',
    axes: []
  }
} satisfies Record<ReasonCode, ReasonRuleInfo>)

/** The level of a result for a reason of `severity` (`notice` → `note`). */
export function levelOfReason(severity: ReasonSeverity): SarifLevel {
  return severity === 'notice' ? 'note' : severity
}

/**
 * The SARIF level and GitHub `security-severity` of a grader finding by its severity (SPEC §2
 * `critical|high|medium|low|info`), placed in GitHub's bands (see the module doc).
 */
export const FINDING_SEVERITY: Readonly<
  Record<Severity, { level: SarifLevel; securitySeverity: string }>
> = Object.freeze({
  critical: { level: 'error', securitySeverity: '9.5' },
  high: { level: 'error', securitySeverity: '8.0' },
  medium: { level: 'warning', securitySeverity: '5.5' },
  low: { level: 'note', securitySeverity: '3.0' },
  info: { level: 'note', securitySeverity: '1.0' }
} satisfies Record<Severity, { level: SarifLevel; securitySeverity: string }>)

/** Where each built-in catalog is documented: the section anchor of docs/grading.md. */
const CATALOGS: readonly { rules: readonly RuleDefinition[]; section: string }[] = [
  { rules: CONFIG_RULES, section: 'config-entry-rules' },
  { rules: PACKAGE_RULES, section: 'package-rules' },
  { rules: ADVISORY_RULES, section: 'advisory-rules' },
  { rules: SOURCE_RULES, section: 'source-rules' },
  { rules: TOOL_RULES, section: 'tool-rules' },
  { rules: PYPI_RULES, section: 'pypi-rules' }
]

/** A built-in rubric rule and the docs/grading.md section that documents it. */
export interface BuiltinRule {
  rule: RuleDefinition
  section: string
}

const BUILTIN = new Map<string, BuiltinRule>(
  CATALOGS.flatMap(({ rules, section }) => rules.map((rule) => [rule.id, { rule, section }]))
)

/** The built-in rubric rule with `id` (CONFIG/PACKAGE/ADVISORY/SOURCE/TOOL/PYPI_RULES), or null. */
export function builtinRule(id: string): BuiltinRule | null {
  return BUILTIN.get(id) ?? null
}

/** Most tags kept per rule: GitHub shows at most 10 (GitHub Docs, code scanning SARIF limits). */
const MAX_TAGS = 10

/** `external/cwe/cwe-798` for `CWE-798` (the tag form GitHub code scanning links); else null. */
export function cweTag(cwe: string | null | undefined): string | null {
  const m = /^CWE-(\d{1,6})$/i.exec(cwe?.trim() ?? '')
  return m ? `external/cwe/cwe-${Number(m[1])}` : null
}

function tags(...groups: (string | null | undefined)[][]): string[] {
  const out = new Set<string>()
  for (const group of groups) for (const tag of group) if (tag) out.add(tag)
  return [...out].slice(0, MAX_TAGS)
}

/**
 * The SARIF rule of a reason code: id = the code, descriptions and help (with the fix) from
 * `REASON_RULES`, `defaultConfiguration.level`, tags `security`, `mcp`, the category, the axes
 * and the CWE tag, `security-severity`.
 * @param helpUri where the code is documented (README "Reason codes").
 */
export function reasonRule(code: ReasonCode, helpUri: string): ReportingDescriptor {
  const info = REASON_RULES[code]
  return {
    id: code,
    shortDescription: { text: info.short },
    fullDescription: { text: info.full },
    help: { text: `${info.full}\nFix: ${info.fix}` },
    helpUri,
    defaultConfiguration: { level: info.level },
    properties: {
      tags: tags(['security', 'mcp', info.category], info.axes, [cweTag(info.cwe)]),
      'security-severity': info.securitySeverity
    }
  }
}

/**
 * The SARIF rule of a built-in rubric rule: title, rationale, axis and points from the catalog,
 * level and `security-severity` from its severity (`FINDING_SEVERITY`), tags `security`, `mcp`,
 * `builtin-grader`, the axis and the CWE tag.
 * @param id the SARIF rule id (the rubric id, unless it collides with a reason code).
 * @param rubricUri the URL of docs/grading.md; the catalog's section anchor is appended.
 */
export function builtinRuleDescriptor(
  id: string,
  builtin: BuiltinRule,
  rubricUri: string
): ReportingDescriptor {
  const { rule, section } = builtin
  const points =
    rule.deduction > 0
      ? `costs ${rule.deduction} points of the ${rule.axis} axis (0–100) each time`
      : `is reported on the ${rule.axis} axis without a deduction`
  return {
    id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: {
      text: `${rule.rationale}\nBuilt-in grader rule ${rule.id}: ${points}. The rubric is documented in docs/grading.md.`
    },
    helpUri: `${rubricUri}#${section}`,
    defaultConfiguration: { level: FINDING_SEVERITY[rule.severity].level },
    properties: {
      tags: tags(['security', 'mcp', 'builtin-grader', rule.axis], [cweTag(rule.cwe)]),
      'security-severity': FINDING_SEVERITY[rule.severity].securitySeverity
    }
  }
}

/** What the findings of one rule id outside the built-in catalogs say about it. */
export interface ExternalRuleFacts {
  /** The title of the first finding with the id (untrusted, one line, clipped). */
  title: string
  /** The worst severity among its findings. */
  severity: Severity
  axis: Axis
  /** The first CWE id given, if any. */
  cwe: string | null
  /** Which grader reported it (`api: name 1.0`), when known. */
  source: string | null
}

/**
 * The SARIF rule of a finding id no built-in catalog has (api and command graders): built from
 * the findings themselves (title, worst severity, axis, CWE); tags `security`, `mcp`, `grader`,
 * the axis and the CWE tag. `facts` text must already be SARIF plain text
 * (the caller escapes the grader's strings); `id` is used as is.
 */
export function externalRuleDescriptor(id: string, facts: ExternalRuleFacts): ReportingDescriptor {
  const by = facts.source ? ` by grader ${facts.source}` : ' by the grader'
  return {
    id,
    shortDescription: { text: facts.title },
    fullDescription: { text: `Reported${by}: ${facts.title}` },
    help: {
      text: `Reported${by} (severity ${facts.severity}, ${facts.axis} axis). See the grader's own report for the details and the fix.`
    },
    defaultConfiguration: { level: FINDING_SEVERITY[facts.severity].level },
    properties: {
      tags: tags(['security', 'mcp', 'grader', facts.axis], [cweTag(facts.cwe)]),
      'security-severity': FINDING_SEVERITY[facts.severity].securitySeverity
    }
  }
}

/** The worse of two finding severities (`SEVERITIES` order: critical first). */
export function worseSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b
}

/** True when `id` is a reason code (reserved as a SARIF rule id). */
export function isReasonCode(id: string): id is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(id)
}
