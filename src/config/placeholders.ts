/**
 * What is *not* a secret in a config value (SPEC §3, §8): variable references, placeholders and
 * identifiers. The literal-secret detector (`secrets.ts`) asks these questions before it reports
 * anything, so that `${env:GITHUB_TOKEN}`, `YOUR_API_KEY`, `ghp_...` or a tenant id never show up
 * as a leaked credential. Every list here is this project's own, documented in
 * docs/grading-config.md; all checks are linear-time and never throw.
 */

/**
 * Variable-reference syntaxes clients and shells expand at launch (SPEC §3):
 * `${{ secrets.X }}` (GitHub Actions), `${X}`, `${env:X}`, `${input:x}`, `${X:-default}`,
 * `{{X}}` (template), `$X` (not preceded by a letter or digit, so `Pa$sw0rd` stays a password)
 * and `%X%` (Windows).
 */
const REFERENCE =
  /\$\{\{[^{}]{0,400}\}\}|\$\{[^{}]{0,400}\}|\{\{[^{}]{0,400}\}\}|(?<![A-Za-z0-9\\])\$[A-Za-z_][A-Za-z0-9_]*|(?<![A-Za-z0-9])%[A-Za-z_][A-Za-z0-9_]*%/g

/** A `[start, end)` span of a string, in UTF-16 code units. */
export type Span = readonly [start: number, end: number]

/**
 * The spans of `value` that are variable references (see {@link REFERENCE} for the syntaxes).
 * A match inside one of them is never a literal secret (SPEC §3).
 */
export function referenceSpans(value: string): Span[] {
  const spans: Span[] = []
  for (const m of value.matchAll(REFERENCE)) spans.push([m.index, m.index + m[0].length])
  return spans
}

/** True when `[start, end)` overlaps any of `spans`. */
export function overlapsAny(spans: readonly Span[], start: number, end: number): boolean {
  return spans.some(([s, e]) => start < e && s < end)
}

/** True when `value` holds a variable reference anywhere (`Bearer ${TOKEN}`, `$HOME/x`). */
export function hasReference(value: string): boolean {
  return referenceSpans(value).length > 0
}

/**
 * Vendor prefixes that say which service a token belongs to but are not secret themselves.
 * Longest first, so `sk-ant-` wins over `sk-` and `github_pat_` over shorter ones. Sources: the
 * vendors' published token formats (GitHub, GitLab, OpenAI, Anthropic, Slack, AWS IAM, Google
 * Cloud, Stripe, npm, Hugging Face, Supabase, Figma, Notion, Groq, Perplexity, Tavily, …).
 */
export const VENDOR_PREFIXES: readonly string[] = [
  'github_pat_',
  'sb_secret_',
  'sk-ant-',
  'sk-proj-',
  'sk-svcacct-',
  'sk-admin-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'lin_api_',
  'dop_v1_',
  'doo_v1_',
  'dor_v1_',
  'ctx7sk-',
  'sntrys_',
  'sntryu_',
  'shpat_',
  'shpss_',
  'shpca_',
  'shppa_',
  'whsec_',
  'glpat-',
  'glptt-',
  'ops_',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxs-',
  'xoxr-',
  'xoxe-',
  'xapp-',
  'pplx-',
  'tvly-',
  'PMAK-',
  'ATATT',
  'figd_',
  'pypi-',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'npm_',
  'sbp_',
  'ntn_',
  'gsk_',
  'xai-',
  'AKIA',
  'ASIA',
  'AIza',
  'r8_',
  'hf_',
  'SG.',
  'sk-',
  'fc-'
].sort((a, b) => b.length - a.length)

/** The known vendor prefix `value` starts with, or `''`. */
export function vendorPrefixOf(value: string): string {
  return VENDOR_PREFIXES.find((p) => value.startsWith(p)) ?? ''
}

/**
 * Whole values (compared lower-case with `-`, `_`, `.`, `/`, spaces removed) that stand for "put your
 * secret here", or are well-known default credentials that protect nothing (`postgres`, `root`,
 * `admin`, `guest`, `test` are the stock passwords of local database images and tutorials).
 */
const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'changethis',
  'redacted',
  'todo',
  'tbd',
  'fixme',
  'placeholder',
  'example',
  'sample',
  'dummy',
  'fake',
  'test',
  'testing',
  'demo',
  'optional',
  'required',
  'none',
  'null',
  'nil',
  'undefined',
  'empty',
  'na',
  'notset',
  'unset',
  'default',
  'secret',
  'secrets',
  'password',
  'passwd',
  'pass',
  'pwd',
  'token',
  'apikey',
  'apitoken',
  'accesstoken',
  'authtoken',
  'secretkey',
  'key',
  'value',
  'string',
  'mytoken',
  'mysecret',
  'mypassword',
  'myapikey',
  'mykey',
  'admin',
  'root',
  'postgres',
  'mysql',
  'guest',
  'user',
  'sa',
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  'abc123',
  'abcdef',
  'qwerty',
  'letmein'
])

/**
 * Markers that give a value away as a template, anywhere in it (case-insensitive): "your"/"votre"
 * (`YOUR_API_KEY`, `ghp_your_token`, `VOTRE_CLE_API`), "…_here", "redacted", "placeholder",
 * "replace", "example" (also AWS's documented `AKIAIOSFODNN7EXAMPLE`), "change me", "dummy",
 * "fake", "insert …", "enter …", "paste …", "todo", "fixme", "sample", `xxxx`, `***`, `<name>`
 * and an ellipsis (`ghp_...`, `sk-…`).
 */
const PLACEHOLDER_MARKER =
  /your|votre|[-_ ]here\b|redacted|placeholder|replace|example|change[-_ ]?me|dummy|fake|\binsert[-_ ]|\benter[-_ ]|\bpaste[-_ ]|\btodo\b|fixme|sample|x{4}|\*{3}|<[^<>]{1,80}>|\.\.\.|…/i

/** A value wrapped whole in brackets: `<token>`, `[REDACTED_API_KEY]`, `{secret}`, `{{KEY}}`. */
const WRAPPED = /^(?:<[^<>]*>|\[[^[\]]*\]|\{[^{}]*\}|\{\{[^{}]*\}\}|__[A-Za-z0-9_]+__)$/

/** After the vendor prefix, nothing but mask characters: `ghp_000…`, `sk-xxxx`, `***`, `----`. */
const MASK_BODY = /^[xX*•#0._-]*$/

/** A SCREAMING_SNAKE name (`GITHUB_TOKEN`, `VOTRE_CLE_API_HUBSPOT`): the name of a variable. */
const VARIABLE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/

/**
 * True when `value` is a placeholder, not a secret (SPEC §3, §8): empty; wrapped in brackets;
 * carrying a template marker (see {@link PLACEHOLDER_MARKER}); a known placeholder word or
 * default credential (see {@link PLACEHOLDER_WORDS}); only mask characters after a vendor prefix
 * (all-zero, `xxx…`, `***`); a single repeated character; or a SCREAMING_SNAKE variable name.
 */
export function isPlaceholder(value: string): boolean {
  const v = unquote(value.trim())
  if (v === '') return true
  if (WRAPPED.test(v)) return true
  if (PLACEHOLDER_MARKER.test(v)) return true
  const squashed = v.toLowerCase().replace(/[-_. /]/g, '')
  if (PLACEHOLDER_WORDS.has(squashed)) return true
  const body = v.slice(vendorPrefixOf(v).length)
  if (MASK_BODY.test(body)) return true
  if (/^(.)\1*$/su.test(body)) return true
  if (VARIABLE_NAME.test(v)) return true
  return false
}

/** `value` without one pair of surrounding quotes (`"abc"`, `'abc'`). */
export function unquote(value: string): string {
  if (value.length >= 2) {
    const first = value[0]
    if ((first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1)
  }
  return value
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'enabled', 'disabled'])

/**
 * True when `value` is an identifier or a plain setting rather than a credential (SPEC §8):
 * a boolean word; a number (≤ 15 digits, with sign/decimals); a version (`1.2.3`); a URL or
 * connection URI (credentials inside one are judged separately); a filesystem path (`/x`, `./x`,
 * `~/x`, `C:\x`, `\\server`); a hostname or IPv4 address; an e-mail address; or prose (contains
 * whitespace). Tenant/client/subscription ids are recognised by their key names instead
 * (see `secrets.ts`), because the same UUID shape is also used for real API keys.
 */
export function isIdentifierLike(value: string): boolean {
  const v = unquote(value.trim())
  if (BOOLEAN_WORDS.has(v.toLowerCase())) return true
  if (/^[-+]?\d{1,15}(?:\.\d+)?$/.test(v)) return true
  if (/^v?\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+)?$/.test(v)) return true
  if (/^[a-z][a-z0-9+.-]{1,30}:\/\//i.test(v)) return true
  if (/^(?:\/|\.{1,2}[\\/]|~(?:[\\/]|$)|[A-Za-z]:[\\/]|\\\\)/.test(v)) return true
  if (/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?$/.test(v)) return true
  if (/^(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?$/.test(v)) return true
  if (/^[^\s@]{1,64}@[a-z0-9.-]+\.[a-z]{2,24}$/i.test(v)) return true
  if (/\s/.test(v)) return true
  return false
}

/**
 * True when `value` is made of plain words: letter-only segments joined by `-`, `_` or `.`, each
 * lower-case, upper-case or Capitalised (`keychain`, `read-only`, `X-Api-Token`, `gpt.turbo`).
 * Such a value names something (a mode, a header, a store); random tokens mix case inside a
 * segment or carry digits. Used for token-like keys only — a passphrase is still a password.
 */
export function isWordLike(value: string): boolean {
  const v = unquote(value.trim())
  if (v.length > 64) return false
  return /^(?:[A-Z]?[a-z]+|[A-Z]+)(?:[-_.](?:[A-Z]?[a-z]+|[A-Z]+)){0,7}$/.test(v)
}
