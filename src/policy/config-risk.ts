/**
 * `CONFIG_RISK`: what the config entry itself does, judged whatever the grader (SPEC §5 "what the
 * config itself does"). The findings come from the built-in grader's config rules
 * (`checkConfigEntry`, rule ids `config.*`, documented in docs/grading-config.md), which the gate
 * runs for every server, graded or not, so an `api` or `command` grade cannot hide a privileged
 * container or an auto-approve-all: which of them block is the environment's `blockConfigRisk`,
 * never the grader's answer.
 */
import { CONFIG_RULE } from '../grade/builtin/config-rules.js'
import { SEVERITIES, type Finding, type Severity } from '../grade/report.js'
import type { ResolvedServer } from '../resolve/types.js'
import type { Reason, ReasonSeverity } from './reasons.js'
import type { ConfigRiskThreshold, EffectivePolicy } from './types.js'
import { clip, serverLabel } from './wording.js'

/** How many evidence snippets one reason quotes before "and N more". */
const QUOTED_SNIPPETS = 3

/** Longest evidence snippet (characters) quoted in a message. */
const MAX_SNIPPET_TEXT = 120

/**
 * What to change in the config for each rule that can block or warn (critical and high rules of
 * docs/grading-config.md). Rules not listed get `GENERIC_FIX`.
 */
const FIXES: Readonly<Record<string, string>> = {
  [CONFIG_RULE.dockerPrivileged.id]:
    'drop --privileged; if the server needs one capability, add only that one with --cap-add',
  [CONFIG_RULE.dockerCapability.id]:
    'drop the --cap-add of ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE and the like; grant only a narrow capability the server is documented to need',
  [CONFIG_RULE.dockerHostNamespace.id]:
    'drop --network host (and --pid/--ipc/--uts/--userns/--cgroupns host); publish the ports the server needs with -p instead',
  [CONFIG_RULE.dockerHostMount.id]:
    'mount only the project directory the server works on (e.g. -v "${workspaceFolder}:/workspace:ro"), never / or a system directory',
  [CONFIG_RULE.dockerSocket.id]:
    'do not mount the container engine socket (docker.sock, podman.sock) or pass --use-api-socket; whoever drives the engine is root on the host',
  [CONFIG_RULE.dockerSecurityDisabled.id]:
    'remove the --security-opt that switches seccomp, AppArmor or SELinux off; keep the default profiles',
  [CONFIG_RULE.containerEscape.id]:
    'run the container without --privileged, the engine socket, host-root mounts and ALL/SYS_ADMIN/SYS_MODULE capabilities (see the other CONFIG_RISK reasons of this server)',
  [CONFIG_RULE.filesystemSystemRoot.id]:
    'narrow the allowed directory to the project directory (e.g. /path/to/project), not / or a whole drive',
  [CONFIG_RULE.filesystemHomeRoot.id]:
    'narrow the root to a project directory instead of the whole home directory (SSH keys and cloud credentials live there)',
  [CONFIG_RULE.autoApproveAll.id]:
    'list the tools to auto-approve by name instead of * (leave out tools that write, delete or run commands)',
  [CONFIG_RULE.autoApproveDestructive.id]:
    'remove tools that change things from autoApprove/alwaysAllow, so each call asks first',
  [CONFIG_RULE.trustAll.id]:
    'remove "trust": true, so the client asks before each tool call (or auto-approve named read-only tools)',
  [CONFIG_RULE.skipPermissions.id]:
    'remove the flag that switches the server’s permission checks off (--dangerously-skip-permissions, --yolo, …)',
  [CONFIG_RULE.plainHttpRemote.id]: 'use https:// (or wss://) for the remote server URL'
}

/** The fix for a rule without its own wording. */
const GENERIC_FIX =
  'change the config entry so the rule no longer applies (docs/grading-config.md says what each rule looks for)'

/** The config rule whose findings already have their own reason (`LITERAL_SECRET`). */
const SECRET_RULE: string = CONFIG_RULE.literalSecret.id

/**
 * The fix `CONFIG_RISK` gives for a config rule id: what to change in the config entry, or, for a
 * rule without its own wording, a pointer to docs/grading-config.md.
 */
export function configRiskFix(ruleId: string): string {
  return Object.hasOwn(FIXES, ruleId) ? FIXES[ruleId]! : GENERIC_FIX
}

/** The lowest config-finding severity that gives a reason at all (lower ones only cost points). */
const LOWEST_REPORTED: Severity = 'high'

/**
 * Reason severity of a config finding under `blockAt`: at or above it blocks (`error`), below it
 * down to `high` warns, lower says nothing.
 */
function reasonSeverity(severity: Severity, blockAt: ConfigRiskThreshold): ReasonSeverity | null {
  const rank = SEVERITIES.indexOf(severity)
  if (rank > SEVERITIES.indexOf(LOWEST_REPORTED)) return null
  return rank <= SEVERITIES.indexOf(blockAt) ? 'error' : 'warning'
}

/** What happens to the server, for the message. */
function consequence(
  ruleSeverity: Severity,
  reason: ReasonSeverity,
  policy: EffectivePolicy
): string {
  const setting = `blockConfigRisk: ${policy.rules.blockConfigRisk}`
  if (reason !== 'error') return `allowed with a warning in ${policy.environment} (${setting})`
  // `critical` is the highest threshold there is: a critical rule blocks under every policy.
  return ruleSeverity === 'critical'
    ? 'blocked in every environment, whatever the grade'
    : `blocked in ${policy.environment} (${setting}), whatever the grade`
}

interface RuleHits {
  ruleId: string
  title: string
  severity: Severity
  findings: Finding[]
}

/**
 * One `CONFIG_RISK` reason per distinct config rule that fired in `findings` (the entry's
 * `checkConfigEntry` findings), in first-seen order, except `config.literal-secret` (reported as
 * `LITERAL_SECRET` by `literalSecretReasons`). Its severity depends only on the rule and on
 * `policy.rules.blockConfigRisk` (SPEC §5 "what the config itself does"; defaults in
 * `defaults.ts`), never on the grader, so every grader blocks the same config entries:
 * - a `critical` rule (privileged container, engine socket, host root or system directory
 *   mounted, the whole disk given to a filesystem server, container escape) is an `error` under
 *   every threshold: it blocks in every environment, whatever the grade;
 * - a `high` rule (host network or other namespace, dangerous capability, home directory root,
 *   auto-approve-all, trust, permission checks off, plain-http remote, kernel protection off) is an
 *   `error` where `blockConfigRisk` is `high` (production and staging by default) and a `warning`
 *   where it is `critical` (development and ci by default);
 * - `medium`, `low` and `info` rules give no reason (they only cost points in the built-in grade).
 *
 * A rule's severity is the worst among its findings. The message names the server, the rule's
 * title, its id, up to three evidence snippets with their lines (snippets are masked by the rules
 * that made them; they are clipped to one line here), and what happens in `policy.environment`
 * (naming the `blockConfigRisk` setting when it decided). The fix says what to change in the
 * config, per rule id (`configRiskFix`). Never throws.
 * @param policy the server's effective policy; only `environment` and `rules.blockConfigRisk`
 *   are read.
 */
export function configRiskReasons(
  server: ResolvedServer,
  findings: readonly Finding[],
  policy: EffectivePolicy
): Reason[] {
  const rules = new Map<string, RuleHits>()
  for (const finding of findings) {
    if (finding.ruleId === SECRET_RULE) continue
    const hits = rules.get(finding.ruleId)
    if (hits === undefined) {
      rules.set(finding.ruleId, {
        ruleId: finding.ruleId,
        title: finding.title,
        severity: finding.severity,
        findings: [finding]
      })
      continue
    }
    hits.findings.push(finding)
    if (SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(hits.severity)) {
      hits.severity = finding.severity
    }
  }
  const label = serverLabel(server)
  const reasons: Reason[] = []
  for (const hits of rules.values()) {
    const severity = reasonSeverity(hits.severity, policy.rules.blockConfigRisk)
    if (severity === null) continue
    reasons.push({
      code: 'CONFIG_RISK',
      severity,
      message: `${label}: ${clip(hits.title)} [${clip(hits.ruleId, 100)}]${evidenceText(hits.findings)}; ${consequence(hits.severity, severity, policy)}`,
      fix: configRiskFix(hits.ruleId)
    })
  }
  return reasons
}

/** ` (line 4: --privileged; line 5: -v /:/host)`, or empty when the findings carry no evidence. */
function evidenceText(findings: readonly Finding[]): string {
  const parts: string[] = []
  for (const finding of findings) {
    const { snippet, line } = finding.evidence ?? {}
    if (snippet === undefined && line === undefined) continue
    const where = line === undefined ? '' : `line ${line}`
    const what = snippet === undefined ? '' : clip(snippet, MAX_SNIPPET_TEXT)
    const part = where !== '' && what !== '' ? `${where}: ${what}` : where || what
    if (!parts.includes(part)) parts.push(part)
  }
  if (parts.length === 0) return ''
  const shown = parts.slice(0, QUOTED_SNIPPETS)
  const more = parts.length > shown.length ? `; and ${parts.length - shown.length} more` : ''
  return ` (${shown.join('; ')}${more})`
}
