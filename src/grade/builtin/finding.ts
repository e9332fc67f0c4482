/**
 * Turn a rubric rule into a `Finding` with safe evidence: snippets quoted from a package (README,
 * install scripts, deprecation messages) are untrusted text, so they are shortened to fit the
 * `GradeReport` limits and anything shaped like a credential is masked before it can reach a log,
 * a summary or a comment (SPEC §9).
 */
import { maskSecret, maskSecretsInText } from '../../config/secrets.js'
import type { Finding } from '../report.js'
import type { RuleDefinition } from './rule.js'

/** Longest snippet kept in evidence, in characters (the contract allows 2000). */
export const MAX_SNIPPET_CHARS = 500

/** Evidence given when a rule fires. */
export interface EvidenceInput {
  file?: string
  line?: number
  snippet?: string
}

/**
 * A finding of `rule` with `evidence`. `deduction` is set only when the rule deducts points
 * (informational rules carry none). The snippet is masked (`maskSecrets`) and cut to
 * `MAX_SNIPPET_CHARS`; `file` is cut to 1000 characters.
 */
export function findingOf(rule: RuleDefinition, evidence?: EvidenceInput): Finding {
  const finding: Finding = {
    ruleId: rule.id,
    axis: rule.axis,
    severity: rule.severity,
    title: rule.title
  }
  if (rule.cwe) finding.cwe = rule.cwe
  if (rule.deduction > 0) finding.deduction = rule.deduction
  if (evidence) {
    const safe: NonNullable<Finding['evidence']> = {}
    if (evidence.file) safe.file = evidence.file.slice(0, 1000)
    if (evidence.line !== undefined && Number.isInteger(evidence.line) && evidence.line >= 1) {
      safe.line = evidence.line
    }
    if (evidence.snippet) safe.snippet = quote(evidence.snippet)
    if (Object.keys(safe).length > 0) finding.evidence = safe
  }
  return finding
}

/** Mask secrets, collapse control characters and shorten `text` for a snippet. */
export function quote(text: string, max = MAX_SNIPPET_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = maskSecrets(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * Mask credential-shaped text: first everything the project's secret detector recognises in
 * running text (`maskSecretsInText`: vendor tokens, URL passwords, `Bearer …`, …), then — package
 * text being less predictable than config values — any other run of 24+ URL-safe characters that
 * mixes letters and digits with high entropy (> 3.5 bits per character), or starts like a known
 * token (`ghp_`, `npm_`, `sk-`, `AKIA`, a JWT's `eyJ`). Masked values look like `ghp_…(40 chars)`
 * (`maskSecret`).
 */
export function maskSecrets(text: string): string {
  return maskSecretsInText(text).replace(/[A-Za-z0-9_\-+/.~]{20,}={0,2}/g, (token) =>
    looksSecret(token) ? maskSecret(token) : token
  )
}

const KNOWN_PREFIX = /^(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|npm_|sk-|xox[abprs]-|AKIA|ASIA|eyJ)/

function looksSecret(token: string): boolean {
  if (KNOWN_PREFIX.test(token)) return true
  if (token.length < 24) return false
  if (!/[0-9]/.test(token) || !/[A-Za-z]/.test(token)) return false
  // Paths, URLs and dotted names are not secrets: judge the longest segment alone.
  const longest = token.split(/[/.]/).reduce((a, b) => (b.length > a.length ? b : a), '')
  return longest.length >= 24 && /[0-9]/.test(longest) && entropy(longest) > 3.5
}

/** Shannon entropy of `s` in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>()
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) {
    const p = n / s.length
    bits -= p * Math.log2(p)
  }
  return bits
}
