/**
 * How much one source rule may cost a package (rubric 2, docs/grading.md "Source rules"): the
 * first `MAX_DEDUCTING_SOURCE_FINDINGS` findings of each `source.*` rule deduct, later ones are
 * reported without a deduction. Ten places that read a tool's path without a containment check
 * are one design decision, not ten; two findings already take a whole letter or more.
 */
import type { Finding } from '../../report.js'

/** Findings per source rule that deduct points; the rest are reported only. */
export const MAX_DEDUCTING_SOURCE_FINDINGS = 2

/**
 * `findings` with the deduction removed from every `source.*` finding after the first
 * `MAX_DEDUCTING_SOURCE_FINDINGS` of its rule (in the given order). Other findings, and the
 * order, are unchanged; returns new objects where a deduction is removed.
 */
export function capSourceDeductions(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, number>()
  return findings.map((finding) => {
    if (!finding.ruleId.startsWith('source.') || finding.deduction === undefined) return finding
    const count = (seen.get(finding.ruleId) ?? 0) + 1
    seen.set(finding.ruleId, count)
    if (count <= MAX_DEDUCTING_SOURCE_FINDINGS) return finding
    const { deduction: _reportedOnly, ...rest } = finding
    return rest
  })
}
