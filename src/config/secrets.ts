/**
 * Literal-secret detection in one config entry (SPEC §3, §5 "what the config itself does", §8
 * `LITERAL_SECRET`).
 *
 * Looks at env values, header values, `command`, every arg and the remote URL. Two layers:
 * - secretlint (`@secretlint/core` with the recommended preset) over one synthetic text per entry
 *   — one line per field, `KEY=value` for env and `Name: value` for headers so that key-aware
 *   rules (AWS secret access key) see their context — with every reported range mapped back to
 *   its field;
 * - this project's own rules for what secretlint misses in MCP configs (listed in
 *   {@link SECRET_DETECTION_RULES} and docs/grading-config.md): vendor token shapes outside the
 *   preset, values of keys that name a secret, `--api-key VALUE` flags, `KEY=VALUE` args,
 *   Authorization headers, passwords in URLs and connection strings, secrets in URL query
 *   parameters, tokens written as a URL path segment, and secrets in JSON written into an arg.
 *
 * Variable references, placeholders and identifiers are never reported (`placeholders.ts`).
 * The raw value of a secret never leaves this module: results carry `maskSecret(value)` only,
 * and no error or message is built from a value.
 */
import { lintSource } from '@secretlint/core'
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend'
import { parse as parseShell } from 'shell-quote'
import { looksLikeToken } from '../net/url-redaction.js'
import {
  hasReference,
  isIdentifierLike,
  isPlaceholder,
  isWordLike,
  overlapsAny,
  referenceSpans,
  unquote,
  vendorPrefixOf
} from './placeholders.js'
import { silenceSecretlintProfiler } from './secretlint-profiler.js'
import type { LiteralSecret, ServerEntry } from './types.js'

silenceSecretlintProfiler()

/** Longest value scanned, in characters; the rest of a longer value is not looked at. */
export const MAX_SCANNED_CHARS = 100_000

/** Ids of this project's own detection rules (the `rule` of a `LiteralSecret` they find). */
export const OWN_SECRET_RULE = {
  vendorToken: 'mcp-grade-gate/vendor-token',
  secretNamedKey: 'mcp-grade-gate/secret-named-key',
  authorizationHeader: 'mcp-grade-gate/authorization-header',
  secretFlag: 'mcp-grade-gate/secret-flag',
  secretAssignment: 'mcp-grade-gate/secret-assignment',
  jsonSecret: 'mcp-grade-gate/json-secret',
  urlPassword: 'mcp-grade-gate/url-password',
  urlQuerySecret: 'mcp-grade-gate/url-query-secret',
  urlPathToken: 'mcp-grade-gate/url-path-token',
  connectionStringPassword: 'mcp-grade-gate/connection-string-password'
} as const

/** One detection rule, for docs/grading-config.md and tests. */
export interface SecretDetectionRule {
  id: string
  /** What the rule looks at, in plain words. */
  description: string
}

/** Every detection rule: secretlint's preset (as one row) and this project's own rules. */
export const SECRET_DETECTION_RULES: readonly SecretDetectionRule[] = [
  {
    id: '@secretlint/secretlint-rule-preset-recommend',
    description:
      'secretlint recommended preset (GitHub, Slack, npm, OpenAI, Anthropic, Linear, SendGrid, Shopify, 1Password, AWS secret access key, private keys, GCP service-account keys, database URLs and basic-auth URLs), comment directives disabled'
  },
  {
    id: OWN_SECRET_RULE.vendorToken,
    description:
      'vendor token shapes anywhere in a value: GitHub, GitLab, OpenAI-style sk-, Anthropic, Slack, AWS access key id, Google AIza, Google OAuth client secret, Stripe, Hugging Face, Supabase, Figma, Notion, Groq, Replicate, Perplexity, Tavily, xAI, OpenRouter, Linear, Postman, DigitalOcean, Atlassian, Sentry, Context7, SendGrid, Shopify, PyPI, Airtable, Mailgun, Firecrawl, Telegram bot tokens, and JWTs (except Supabase anon keys)'
  },
  {
    id: OWN_SECRET_RULE.secretNamedKey,
    description:
      'env and header values whose key names a secret (*_API_KEY, *TOKEN*, *SECRET*, PASSWORD, *_PAT, …) and whose value looks like one'
  },
  {
    id: OWN_SECRET_RULE.authorizationHeader,
    description:
      'Authorization / Proxy-Authorization headers (and `--header "Authorization: …"` args) with a literal Bearer, Basic, Token or bare credential'
  },
  {
    id: OWN_SECRET_RULE.secretFlag,
    description: '`--api-key VALUE`, `--token=VALUE`, `--password VALUE`-style args'
  },
  {
    id: OWN_SECRET_RULE.secretAssignment,
    description: '`API_KEY=VALUE`-style positional args (also docker `-e KEY=VALUE`)'
  },
  {
    id: OWN_SECRET_RULE.jsonSecret,
    description: 'JSON objects written into an arg whose keys name a secret (`{"dbPassword": …}`)'
  },
  {
    id: OWN_SECRET_RULE.urlPassword,
    description:
      'the password part of `scheme://user:password@host` in any value (split at the last `@` before the host, so a password may hold `@`)'
  },
  {
    id: OWN_SECRET_RULE.urlQuerySecret,
    description: 'URL query parameters that name a secret (`?api_key=…`, `&token=…`)'
  },
  {
    id: OWN_SECRET_RULE.urlPathToken,
    description:
      'a URL path segment that is a token (`/mcp/sk-ak-…/sse`): a known vendor prefix followed by 16+ mixed letters and digits, or 24+ URL-safe characters mixing upper case, lower case and digits with high entropy; hex ids and UUIDs are identifiers'
  },
  {
    id: OWN_SECRET_RULE.connectionStringPassword,
    description: '`Password=…;` / `PWD=…;` in ADO.NET, ODBC and JDBC connection strings'
  }
]

/**
 * Mask a secret for display: a known, non-secret vendor prefix (`ghp_`, `github_pat_`, `sk-`,
 * `sk-ant-`, `xoxb-`, `AKIA`, `glpat-`, … — see `VENDOR_PREFIXES`) when the value is at least
 * 8 characters longer than it, then `…(N chars)` where N is the value's length in characters.
 * Example: a 40-character GitHub token → `ghp_…(40 chars)`. Never shows more of the value.
 */
export function maskSecret(value: string): string {
  const length = [...value].length
  const prefix = vendorPrefixOf(value)
  const shown = prefix !== '' && length >= [...prefix].length + 8 ? prefix : ''
  return `${shown}…(${length} chars)`
}

/**
 * `text` with every secret the in-line rules recognise (vendor tokens, URL passwords, secret
 * URL query parameters, URL path tokens, connection-string passwords, `Bearer …` credentials)
 * replaced by its
 * {@link maskSecret} form. For evidence snippets built from untrusted config text. Only the first
 * `MAX_SCANNED_CHARS` characters are scanned; anything after them, and the word the cut falls
 * in (a secret the scan would see only in part), is replaced by `…(N more chars not shown)`.
 * Never throws.
 */
export function maskSecretsInText(text: string): string {
  const spans: { start: number; end: number }[] = []
  const scanned =
    text.length <= MAX_SCANNED_CHARS ? text : text.slice(0, MAX_SCANNED_CHARS).replace(/\S+$/, '')
  for (const c of scanText('', scanned)) {
    if (c.start !== undefined && c.end !== undefined) spans.push({ start: c.start, end: c.end })
  }
  for (const m of scanned.matchAll(INLINE_AUTH)) {
    const cred = m[2] ?? ''
    if (isPlaceholder(cred) || hasReference(cred)) continue
    const start = m.index + m[0].length - cred.length
    spans.push({ start, end: start + cred.length })
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  let out = ''
  let at = 0
  for (const s of spans) {
    if (s.start < at) continue
    out += text.slice(at, s.start) + maskSecret(text.slice(s.start, s.end))
    at = s.end
  }
  // Text past the scanned part was not looked at: it is cut, never shown unchecked.
  const rest = text.length - scanned.length
  return out + text.slice(at, scanned.length) + (rest > 0 ? `…(${rest} more chars not shown)` : '')
}

/**
 * Find the literal secrets in one config entry (SPEC §3, §8).
 *
 * @returns one `LiteralSecret` per distinct secret per field (`env.KEY`, `headers.Name`,
 *   `args.N`, `command`, `url`), in field order; each holds only the masked value, the kind of
 *   secret, the rule that found it and, when `entry.fieldLocations` knows it, the field's
 *   1-based location. Empty when nothing is found. Never rejects for any input; a secretlint
 *   failure only drops that layer (the own rules still run).
 */
export function findLiteralSecrets(entry: ServerEntry): Promise<LiteralSecret[]> {
  // The gate (LITERAL_SECRET reasons) and the built-in grader (credentials findings) both ask
  // about the same entry objects: scan each one once.
  let pending = scanned.get(entry)
  if (!pending) {
    pending = scanEntry(entry)
    scanned.set(entry, pending)
  }
  return pending
}

const scanned = new WeakMap<ServerEntry, Promise<LiteralSecret[]>>()

async function scanEntry(entry: ServerEntry): Promise<LiteralSecret[]> {
  const targets = targetsOf(entry)
  const candidates: Candidate[] = []
  for (const t of targets) {
    candidates.push(...scanText(t.field, t.value))
    if (t.source === 'env') candidates.push(...namedValue(t.field, t.name, t.value, 'env'))
    if (t.source === 'header') candidates.push(...headerValue(t.field, t.name, t.value))
  }
  candidates.push(
    ...commandLine(entry.launch.args.map((a, i) => ({ text: cap(a), field: `args.${i}` })))
  )
  if (entry.launch.command !== undefined && /\s/.test(entry.launch.command)) {
    const tokens = shellTokens(entry.launch.command).map((text) => ({ text, field: 'command' }))
    candidates.push(...commandLine(tokens))
  }
  candidates.push(...(await secretlintCandidates(targets)))
  return finalize(entry, targets, candidates)
}

// ── internals ─────────────────────────────────────────────────────────────────────────────────

/** One field value to scan. `name` is the env key or header name. */
interface Target {
  field: string
  value: string
  source: 'command' | 'arg' | 'env' | 'header' | 'url'
  name: string
}

/** A secret found by one rule, before dedupe and masking. `start`/`end`: offsets in the text. */
interface Candidate {
  field: string
  secret: string
  kind: string
  rule: string
  /** Lower wins when two rules find the same secret (more specific kind). */
  priority: number
  start?: number
  end?: number
}

function cap(value: string): string {
  return value.length > MAX_SCANNED_CHARS ? value.slice(0, MAX_SCANNED_CHARS) : value
}

function targetsOf(entry: ServerEntry): Target[] {
  const { launch } = entry
  const targets: Target[] = []
  if (launch.command !== undefined) {
    targets.push({ field: 'command', value: cap(launch.command), source: 'command', name: '' })
  }
  launch.args.forEach((arg, i) =>
    targets.push({ field: `args.${i}`, value: cap(arg), source: 'arg', name: '' })
  )
  for (const [key, value] of Object.entries(launch.env)) {
    targets.push({ field: `env.${key}`, value: cap(value), source: 'env', name: key })
  }
  if (launch.url !== undefined) {
    targets.push({ field: 'url', value: cap(launch.url), source: 'url', name: '' })
  }
  for (const [name, value] of Object.entries(launch.headers)) {
    targets.push({ field: `headers.${name}`, value: cap(value), source: 'header', name })
  }
  return targets
}

// ── key names ─────────────────────────────────────────────────────────────────────────────────

type SecretNameKind = 'password' | 'token'

/** Last name segments that make a key an identifier or a setting, not a secret (`TOKEN_URL`). */
const NOT_SECRET_LAST = new Set([
  'ID',
  'IDS',
  'NAME',
  'NAMES',
  'URL',
  'URLS',
  'URI',
  'ENDPOINT',
  'HOST',
  'HOSTNAME',
  'PORT',
  'PATH',
  'FILE',
  'FILES',
  'DIR',
  'DIRECTORY',
  'FOLDER',
  'TYPE',
  'LIMIT',
  'LIMITS',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'EXPIRATION',
  'TIMEOUT',
  'INTERVAL',
  'ENV',
  'VAR',
  'COUNT',
  'SIZE',
  'MAX',
  'MIN',
  'LENGTH',
  'LEN',
  'ENABLED',
  'DISABLED',
  'ENABLE',
  'DISABLE',
  'REQUIRED',
  'MODE',
  'REGION',
  'USER',
  'USERNAME',
  'LOGIN',
  'EMAIL',
  'FORMAT',
  'PREFIX',
  'SUFFIX',
  'LOCATION',
  'FIELD',
  'PARAM',
  'KIND',
  'VERSION',
  'ALGORITHM',
  'ALG',
  'SCOPE',
  'SCOPES',
  'AUDIENCE',
  'ISSUER',
  'STORE',
  'STORAGE',
  'CACHE',
  'HELPER',
  'COMMAND',
  'CMD',
  'PROVIDER',
  'METHOD',
  'REF',
  'ARN',
  'MANAGER',
  'STRATEGY',
  'POLICY',
  'LEVEL',
  'SOURCE',
  'ROTATION',
  'DAYS',
  'SECONDS',
  'MS'
])

/** Segments before `KEY` that make it a non-secret key (`SORT_KEY`, `PUBLISHABLE_KEY`). */
const NOT_SECRET_KEY_QUALIFIER = new Set([
  'SORT',
  'PARTITION',
  'PRIMARY',
  'FOREIGN',
  'CACHE',
  'PUBLIC',
  'PUBLISHABLE',
  'ANON',
  'HOT',
  'SHORTCUT',
  'ROUTING',
  'IDEMPOTENCY',
  'LOOKUP',
  'GROUP',
  'HASH',
  'RANGE',
  'OBJECT',
  'S3',
  'DEDUP',
  'UNIQUE',
  'SEARCH',
  'QUERY',
  'CONFIG',
  'MAP'
])

const PASSWORD_SEGMENTS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'PASSPHRASE', 'PASSCODE'])
const TOKEN_SEGMENTS = new Set([
  'TOKEN',
  'SECRET',
  'APIKEY',
  'PAT',
  'CREDENTIAL',
  'CREDENTIALS',
  'COOKIE',
  'AUTH',
  'AUTHORIZATION',
  'BEARER'
])

/** `mysqlPassword` → `MYSQL`, `PASSWORD`; `X-Goog-Api-Key` → `X`, `GOOG`, `API`, `KEY`. */
function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((s) => s !== '')
}

/**
 * Whether a key/flag/header name names a secret, and which kind: `password` (PASSWORD, PASSWD,
 * PASS, PWD — not the shell's bare `PWD` —, PASSPHRASE) or `token` (TOKEN, SECRET, API_KEY/APIKEY,
 * PAT, CREDENTIALS, COOKIE, AUTH, AUTHORIZATION, a `KEY` not qualified as SORT/PUBLIC/ANON/…).
 * Names ending in an identifier/setting segment (`_ID`, `_URL`, `_FILE`, `_NAME`, … see
 * {@link NOT_SECRET_LAST}) and plural `TOKENS` (LLM token counts) name no secret.
 */
function secretNameKind(name: string): SecretNameKind | null {
  const segments = nameSegments(name)
  const last = segments.at(-1)
  if (last === undefined || NOT_SECRET_LAST.has(last)) return null
  if (segments.length === 1 && last === 'PWD') return null
  if (
    segments.some(
      (s) => PASSWORD_SEGMENTS.has(s) || (s.length > 8 && /(?:PASSWORD|PASSWD)$/.test(s))
    )
  ) {
    return 'password'
  }
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] ?? ''
    if (TOKEN_SEGMENTS.has(s)) return 'token'
    if (/^[A-Z0-9]+(?:TOKEN|SECRET|APIKEY|ACCESSKEY|SECRETKEY|PRIVATEKEY|AUTHKEY)$/.test(s)) {
      return 'token'
    }
    if (s === 'KEY') {
      const before = segments[i - 1]
      if (before === undefined || !NOT_SECRET_KEY_QUALIFIER.has(before)) return 'token'
    }
  }
  return null
}

/** `Bearer xyz`, `Basic dXNl…`, `token xyz`: scheme and credential. */
const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot|ApiKey|Api-Key|Key|SSWS|OAuth|JWT)\s+(\S.*)$/is

/** `Bearer xyz` written inside a longer text (for masking snippets). */
const INLINE_AUTH = /\b(Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,4096})/g

/**
 * The secret in a value written under a secret-naming key, or null when the value is a
 * reference, a placeholder or an identifier. A leading auth scheme (`Bearer `) is dropped.
 */
function secretOfNamedValue(kind: SecretNameKind, value: string): string | null {
  const v = unquote(value.trim())
  if (v === '' || hasReference(v)) return null
  const scheme = AUTH_SCHEME.exec(v)
  const cred = scheme ? (scheme[2] ?? '').trim() : v
  if (isPlaceholder(cred)) return null
  if (kind === 'password') {
    if ([...cred].length < 4) return null
    // A passphrase may hold spaces and plain words; only clear non-secrets are let through.
    if (/^(?:true|false|yes|no)$/i.test(cred) || /^[a-z][a-z0-9+.-]{1,30}:\/\//i.test(cred)) {
      return null
    }
    if (/^(?:\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/])/.test(cred) || /^\d{1,5}$/.test(cred)) {
      return null
    }
    return cred
  }
  if ([...cred].length < 8 || isIdentifierLike(cred) || isWordLike(cred)) return null
  return cred
}

function namedKindLabel(kind: SecretNameKind, where: string): string {
  return kind === 'password' ? `password in ${where}` : `API key or token in ${where}`
}

type NamedSource = 'env' | 'flag' | 'assignment' | 'json'

const NAMED_RULE: Record<NamedSource, { rule: string; where: string; priority: number }> = {
  env: { rule: OWN_SECRET_RULE.secretNamedKey, where: 'an env variable', priority: 6 },
  flag: { rule: OWN_SECRET_RULE.secretFlag, where: 'a command-line flag', priority: 5 },
  assignment: { rule: OWN_SECRET_RULE.secretAssignment, where: 'a KEY=VALUE arg', priority: 5 },
  json: { rule: OWN_SECRET_RULE.jsonSecret, where: 'JSON in an arg', priority: 5 }
}

function namedValue(field: string, name: string, value: string, source: NamedSource): Candidate[] {
  const kind = secretNameKind(name)
  if (kind === null) return []
  const secret = secretOfNamedValue(kind, value)
  if (secret === null) return []
  const { rule, where, priority } = NAMED_RULE[source]
  return [{ field, secret, kind: namedKindLabel(kind, where), rule, priority }]
}

/** Header names (normalised) whose whole value is a credential even without a secret word. */
const AUTH_HEADERS = new Set(['AUTHORIZATION', 'PROXY_AUTHORIZATION'])

function headerValue(field: string, name: string, value: string): Candidate[] {
  const normalised = nameSegments(name).join('_')
  if (AUTH_HEADERS.has(normalised)) {
    const secret = secretOfNamedValue('token', value)
    if (secret === null) return []
    const scheme = AUTH_SCHEME.exec(unquote(value.trim()))?.[1]?.toLowerCase()
    const kind =
      scheme === 'bearer'
        ? 'Bearer token in an Authorization header'
        : scheme === 'basic'
          ? 'Basic credentials in an Authorization header'
          : 'credential in an Authorization header'
    return [{ field, secret, kind, rule: OWN_SECRET_RULE.authorizationHeader, priority: 2 }]
  }
  const kind = secretNameKind(name)
  if (kind === null) return []
  const secret = secretOfNamedValue(kind, value)
  if (secret === null) return []
  return [
    {
      field,
      secret,
      kind: namedKindLabel(kind, 'a header'),
      rule: OWN_SECRET_RULE.secretNamedKey,
      priority: 6
    }
  ]
}

// ── command lines ─────────────────────────────────────────────────────────────────────────────

interface Token {
  text: string
  field: string
}

/** Flags that take an HTTP header line as their value (`mcp-remote --header`, curl `-H`). */
const HEADER_FLAGS = new Set(['--header', '--headers', '-H'])

/**
 * Secrets in a command line: `--name=value` and `--name value` flags, `KEY=VALUE` args,
 * `Name: value` header lines (after `--header` or alone), JSON objects, and — for an arg that
 * is itself a command line (`bash -c "npx … --token x"`) — the same rules over its words.
 */
function commandLine(tokens: readonly Token[], depth = 0): Candidate[] {
  const found: Candidate[] = []
  for (let i = 0; i < tokens.length; i++) {
    const { text, field } = tokens[i] as Token
    const next = tokens[i + 1]
    const flagWithValue = /^--?([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s.exec(text)
    if (flagWithValue) {
      const [, name = '', value = ''] = flagWithValue
      if (HEADER_FLAGS.has(`--${name}`)) found.push(...headerLine(field, value))
      else found.push(...namedValue(field, name, value, 'flag'))
      if (/^\s*[[{]/.test(value)) found.push(...jsonArg(field, value))
      continue
    }
    if (HEADER_FLAGS.has(text) && next !== undefined) {
      found.push(...headerLine(next.field, next.text))
      i++
      continue
    }
    const longFlag = /^--([A-Za-z][A-Za-z0-9_.-]*)$/.exec(text)
    if (longFlag && next !== undefined && !next.text.startsWith('--')) {
      found.push(...namedValue(next.field, longFlag[1] ?? '', next.text, 'flag'))
      continue
    }
    const assignment = /^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$/s.exec(text)
    if (assignment) {
      found.push(...namedValue(field, assignment[1] ?? '', assignment[2] ?? '', 'assignment'))
    }
    found.push(...headerLine(field, text))
    if (/^\s*[[{]/.test(text)) found.push(...jsonArg(field, text))
    if (depth === 0 && /\s/.test(text.trim()) && !/^\s*[[{]/.test(text)) {
      const words = shellTokens(text)
      if (words.length > 1) {
        found.push(
          ...commandLine(
            words.map((w) => ({ text: w, field })),
            depth + 1
          )
        )
      }
    }
  }
  return found
}

/** `Authorization: Bearer x` / `X-Api-Key:x` written as one string. */
function headerLine(field: string, text: string): Candidate[] {
  const m = /^\s*([A-Za-z][A-Za-z0-9-]{0,100})\s*:\s*(\S.*)$/s.exec(text)
  if (!m || (m[2] ?? '').startsWith('//')) return []
  return headerValue(field, m[1] ?? '', m[2] ?? '')
}

/** Words of a shell command line; references are kept as `$NAME`. Never throws. */
function shellTokens(line: string): string[] {
  try {
    return parseShell(cap(line), (key) => `$${key}`).flatMap((e) => {
      if (typeof e === 'string') return [e]
      if ('pattern' in e) return [e.pattern]
      return []
    })
  } catch {
    return line.split(/\s+/).filter((w) => w !== '')
  }
}

/** Secrets in a JSON object/array written into an arg: named keys plus in-line rules. */
function jsonArg(field: string, text: string): Candidate[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return []
  }
  const found: Candidate[] = []
  const walk = (node: unknown, key: string | undefined, depth: number): void => {
    if (depth > 32 || found.length > 100) return
    if (typeof node === 'string') {
      if (key !== undefined) found.push(...namedValue(field, key, node, 'json'))
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key, depth + 1)
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k, depth + 1)
    }
  }
  walk(data, undefined, 0)
  return found
}

// ── in-line rules (any value) ─────────────────────────────────────────────────────────────────

interface VendorPattern {
  kind: string
  re: RegExp
}

/** Token shapes with a vendor prefix, matched anywhere in a value (bounded lengths: no ReDoS). */
const VENDOR_PATTERNS: readonly VendorPattern[] = [
  { kind: 'GitHub token', re: /gh[pousr]_[A-Za-z0-9]{36,251}/g },
  { kind: 'GitHub fine-grained token', re: /github_pat_[A-Za-z0-9_]{22,255}/g },
  { kind: 'GitLab token', re: /gl(?:pat|ptt)-[A-Za-z0-9_-]{20,64}/g },
  { kind: 'Anthropic API key', re: /sk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{20,250}/g },
  { kind: 'OpenRouter API key', re: /sk-or-v1-[A-Za-z0-9]{32,128}/g },
  { kind: 'OpenAI API key', re: /sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,250}/g },
  { kind: 'API key with the sk- prefix (OpenAI-compatible)', re: /sk-[A-Za-z0-9]{20,250}/g },
  { kind: 'Slack token', re: /xox[abposre]-[A-Za-z0-9-]{10,250}/g },
  { kind: 'Slack app token', re: /xapp-\d-[A-Za-z0-9-]{10,250}/g },
  { kind: 'AWS access key ID', re: /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/g },
  { kind: 'Google API key', re: /AIza[0-9A-Za-z_-]{35}/g },
  { kind: 'Google OAuth client secret', re: /GOCSPX-[A-Za-z0-9_-]{28}/g },
  { kind: 'Stripe secret key', re: /[sr]k_(?:live|test)_[A-Za-z0-9]{16,250}/g },
  { kind: 'Stripe webhook secret', re: /whsec_[A-Za-z0-9]{24,250}/g },
  { kind: 'npm access token', re: /npm_[A-Za-z0-9]{36}/g },
  { kind: 'Hugging Face token', re: /hf_[A-Za-z0-9]{30,250}/g },
  { kind: 'Supabase access token', re: /sbp_[A-Za-z0-9]{40}/g },
  { kind: 'Supabase secret key', re: /sb_secret_[A-Za-z0-9_-]{20,250}/g },
  { kind: 'Figma token', re: /figd_[A-Za-z0-9_-]{20,250}/g },
  { kind: 'Notion token', re: /ntn_[A-Za-z0-9]{30,250}/g },
  { kind: 'Notion integration secret', re: /secret_[A-Za-z0-9]{43}/g },
  { kind: 'Groq API key', re: /gsk_[A-Za-z0-9]{40,250}/g },
  { kind: 'Replicate token', re: /r8_[A-Za-z0-9]{30,250}/g },
  { kind: 'Perplexity API key', re: /pplx-[A-Za-z0-9]{30,250}/g },
  { kind: 'Tavily API key', re: /tvly-(?:dev-|prod-)?[A-Za-z0-9]{20,250}/g },
  { kind: 'xAI API key', re: /xai-[A-Za-z0-9]{40,250}/g },
  { kind: 'Linear API key', re: /lin_api_[A-Za-z0-9]{30,250}/g },
  { kind: 'Postman API key', re: /PMAK-[A-Za-z0-9]{20,30}-[A-Za-z0-9]{30,40}/g },
  { kind: 'DigitalOcean token', re: /do[opr]_v1_[a-f0-9]{64}/g },
  { kind: 'Atlassian API token', re: /ATATT[A-Za-z0-9_=-]{30,250}/g },
  { kind: 'Sentry token', re: /sntry[su]_[A-Za-z0-9_=+/]{30,250}/g },
  { kind: 'Context7 API key', re: /ctx7sk-[A-Za-z0-9-]{20,250}/g },
  { kind: 'SendGrid API key', re: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { kind: 'Shopify token', re: /shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}/g },
  { kind: 'PyPI token', re: /pypi-AgE[A-Za-z0-9_-]{50,250}/g },
  { kind: 'Airtable token', re: /pat[A-Za-z0-9]{14}\.[a-f0-9]{64}/g },
  { kind: 'Mailgun API key', re: /key-[0-9a-f]{32}/g },
  { kind: 'Firecrawl API key', re: /fc-[a-f0-9]{32}/g },
  { kind: 'Telegram bot token', re: /\d{8,10}:AA[A-Za-z0-9_-]{33}/g },
  {
    kind: 'JSON Web Token',
    re: /eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,2000}/g
  }
]

/** Characters that may continue a token: a match touching one of them is part of a longer word. */
const TOKEN_CHAR = /[A-Za-z0-9_]/

/** True for a JWT whose payload says `"role": "anon"` (Supabase's public anon key). */
function isPublicJwt(token: string): boolean {
  const payload = token.split('.')[1]
  if (payload === undefined) return false
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return (
      claims !== null && typeof claims === 'object' && 'role' in claims && claims.role === 'anon'
    )
  } catch {
    return false
  }
}

/**
 * URL with `user:password@`; group 1 = user, group 2 = password. As in the WHATWG URL parser,
 * the user info ends at the LAST `@` before the host (a password may hold `@`: greedy group 2,
 * which cannot cross `/`, `?` or `#`) and the user ends at its first `:`.
 */
const URL_USERINFO = /\b[a-z][a-z0-9+.-]{1,30}:\/\/([^\s:/?#'"]{0,256}):([^\s/?#'"]{1,256})@/gi
/** A URL with a path; group 1 = scheme, group 2 = the path (up to `?`, `#` or the end). */
const URL_WITH_PATH = /\b([a-z][a-z0-9+.-]{1,30}):\/\/[^\s'"<>/?#]{0,2048}(\/[^\s'"<>?#]{1,4096})/gi
/**
 * Schemes whose "URLs" are references to a secret store, not locations: 1Password's
 * `op://vault/item/field` (its ids look random but are not secrets, SPEC §3).
 */
const SECRET_REFERENCE_SCHEMES = new Set(['op'])
/** A URL with a query string. */
const URL_WITH_QUERY = /\b[a-z][a-z0-9+.-]{1,30}:\/\/[^\s'"<>?#]{1,2048}\?[^\s'"<>#]{1,4096}/gi
/** `Password=…` / `PWD=…` in a `;`-separated connection string. */
const CONNECTION_PASSWORD =
  /(?:^|[;{\s])\s*(?:password|pwd|passwd)\s*=\s*(\{[^}]{0,512}\}|'[^']{0,512}'|"[^"]{0,512}"|[^;]{0,512})/gi

/** Shannon entropy of `s` in bits per character (0 for an empty string). */
function shannonEntropy(s: string): number {
  const counts = new Map<string, number>()
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  const length = [...s].length
  let bits = 0
  for (const n of counts.values()) bits -= (n / length) * Math.log2(n / length)
  return bits
}

/** Least entropy of a prefix-less path token, bits/char: random base62 of 24+ chars is ≥ 3.5. */
const PATH_TOKEN_MIN_ENTROPY = 3.5

/**
 * True when a (decoded) URL path segment is a secret rather than a name or an identifier. The
 * candidates are what `looksLikeToken` (src/net/url-redaction.ts) would mask, plus segments
 * starting with a known vendor prefix; of those, a segment is a secret when it
 * - starts with a known vendor prefix (`VENDOR_PREFIXES`: `sk-`, `ghp_`, `xoxb-`, …) followed by
 *   a run of 16+ letters and digits mixing both (`sk-ak-0123…`; not `sk-learn-guide-2024`), or
 * - is 24+ URL-safe characters (`A-Z a-z 0-9 _ -`) holding upper case, lower case and digits,
 *   with digits interleaved with letters at least three times (not `GetUserV2Endpoint` names)
 *   and at least {@link PATH_TOKEN_MIN_ENTROPY} bits of entropy per character.
 * Hex-only segments (ids, hashes, UUIDs of public resources) are identifiers, never secrets, and
 * so are placeholders. This project's own rule, tuned on the real-world corpus (no hit there).
 */
function isPathToken(segment: string): boolean {
  if (isPlaceholder(segment)) return false
  const prefix = vendorPrefixOf(segment)
  if (!looksLikeToken(segment) && prefix === '') return false
  if (prefix !== '') {
    const runs = segment.slice(prefix.length).match(/[A-Za-z0-9]{16,}/g) ?? []
    return runs.some((run) => /[A-Za-z]/.test(run) && /\d/.test(run))
  }
  if (/^[0-9a-f-]+$/i.test(segment)) return false
  if (segment.length < 24 || !/^[\w-]+$/.test(segment)) return false
  if (!/[A-Z]/.test(segment) || !/[a-z]/.test(segment) || !/\d/.test(segment)) return false
  const alternations = segment.match(/[A-Za-z](?=\d)|\d(?=[A-Za-z])/g)?.length ?? 0
  return alternations >= 3 && shannonEntropy(segment) >= PATH_TOKEN_MIN_ENTROPY
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function passwordLooksReal(password: string): boolean {
  let decoded = password
  try {
    decoded = decodeURIComponent(password)
  } catch {
    // keep the raw text
  }
  return [...decoded].length >= 4 && !isPlaceholder(password) && !isPlaceholder(decoded)
}

/**
 * The in-line rules over one value: vendor token shapes, URL passwords, URL path tokens, secret
 * URL query parameters and connection-string passwords. Matches inside variable references are
 * skipped.
 */
function scanText(field: string, text: string): Candidate[] {
  const refs = referenceSpans(text)
  const found: Candidate[] = []
  const add = (start: number, secret: string, kind: string, rule: string, priority: number) => {
    const end = start + secret.length
    if (overlapsAny(refs, start, end) || isPlaceholder(secret)) return
    found.push({ field, secret, kind, rule, priority, start, end })
  }
  for (const { kind, re } of VENDOR_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const start = m.index
      const end = start + m[0].length
      if (start > 0 && TOKEN_CHAR.test(text[start - 1] ?? '')) continue
      if (end < text.length && TOKEN_CHAR.test(text[end] ?? '')) continue
      if (kind === 'JSON Web Token' && isPublicJwt(m[0])) continue
      add(start, m[0], kind, OWN_SECRET_RULE.vendorToken, 1)
    }
  }
  for (const m of text.matchAll(URL_USERINFO)) {
    const password = m[2] ?? ''
    if (!passwordLooksReal(password)) continue
    add(
      m.index + m[0].length - 1 - password.length,
      password,
      'password in a URL',
      OWN_SECRET_RULE.urlPassword,
      3
    )
  }
  for (const m of text.matchAll(URL_WITH_PATH)) {
    if (SECRET_REFERENCE_SCHEMES.has((m[1] ?? '').toLowerCase())) continue
    const path = m[2] ?? ''
    let offset = m.index + m[0].length - path.length
    for (const segment of path.split('/')) {
      if (segment !== '' && isPathToken(decodeSegment(segment))) {
        add(offset, segment, 'token in a URL path', OWN_SECRET_RULE.urlPathToken, 4)
      }
      offset += segment.length + 1
    }
  }
  for (const m of text.matchAll(URL_WITH_QUERY)) {
    const queryStart = m.index + m[0].indexOf('?') + 1
    const query = text.slice(queryStart, m.index + m[0].length)
    let offset = queryStart
    for (const part of query.split(/[&;]/)) {
      const eq = part.indexOf('=')
      if (eq > 0) {
        let name = part.slice(0, eq)
        try {
          name = decodeURIComponent(name)
        } catch {
          // keep the raw name
        }
        const value = part.slice(eq + 1)
        const kind = secretNameKind(name)
        if (kind !== null && secretOfNamedValue(kind, value) === value) {
          add(
            offset + eq + 1,
            value,
            namedKindLabel(kind, 'a URL query parameter'),
            OWN_SECRET_RULE.urlQuerySecret,
            4
          )
        }
      }
      offset += part.length + 1
    }
  }
  if (text.includes(';')) {
    for (const m of text.matchAll(CONNECTION_PASSWORD)) {
      const raw = (m[1] ?? '').trimEnd()
      const inner = /^(?:\{.*\}|'.*'|".*")$/s.test(raw) ? raw.slice(1, -1) : raw
      if (inner === '' || hasReference(inner) || !passwordLooksReal(inner)) continue
      const rawStart = m.index + m[0].length - (m[1] ?? '').length
      const start = rawStart + (inner === raw ? 0 : 1)
      add(
        start,
        inner,
        'password in a connection string',
        OWN_SECRET_RULE.connectionStringPassword,
        3
      )
    }
  }
  return found
}

// ── secretlint layer ──────────────────────────────────────────────────────────────────────────

type SecretlintConfig = Parameters<typeof lintSource>[0]['options']['config']

/**
 * The preset's scanner rules registered one by one, without `filter-comments`: a config value
 * could otherwise carry `secretlint-disable` and hide the secrets after it.
 */
const SECRETLINT_CONFIG: SecretlintConfig = {
  rules: recommendedRules
    .filter((rule) => rule.meta.id !== '@secretlint/secretlint-rule-filter-comments')
    .map((rule) => ({ id: rule.meta.id, rule }))
}

/** secretlint message ids → what we call the secret. */
const SECRETLINT_KIND: Record<string, string> = {
  GITHUB_TOKEN: 'GitHub token',
  SLACK_TOKEN: 'Slack token',
  IncomingWebhook: 'Slack incoming-webhook URL',
  BasicAuth: 'password in a URL',
  OPENAI_TOKEN: 'OpenAI API key',
  ANTHROPIC_API_KEY: 'Anthropic API key',
  LINEAR_API_TOKEN: 'Linear API key',
  PrivateKey: 'private key',
  PrivateKeyJSON: 'service-account private key',
  PrivateKeyP12: 'private key',
  SENDGRID_KEY: 'SendGrid API key',
  SHOPIFY_KEY: 'Shopify token',
  NPM_ACCESS_TOKEN: 'npm access token',
  Npmrc_authToken: 'npm auth token',
  PackageJSON_xOauthToken: 'npm OAuth token',
  OPS_TOKEN: '1Password service-account token',
  AWSSecretAccessKey: 'AWS secret access key',
  AWSAccessKeyID: 'AWS access key ID',
  MongoDBConnection: 'password in a MongoDB connection string',
  MySQLConnection: 'password in a MySQL connection string',
  PostgreSQLConnection: 'password in a PostgreSQL connection string'
}

/** Messages whose match is a whole URL: the secret is the password inside it. */
const SECRETLINT_URL_MESSAGES = new Set([
  'BasicAuth',
  'MongoDBConnection',
  'MySQLConnection',
  'PostgreSQLConnection'
])

async function secretlintCandidates(targets: readonly Target[]): Promise<Candidate[]> {
  const regions: { target: Target; lineStart: number; valueStart: number; valueEnd: number }[] = []
  let content = ''
  for (const target of targets) {
    const label =
      target.source === 'env'
        ? `${target.name}=`
        : target.source === 'header'
          ? `${target.name}: `
          : ''
    const lineStart = content.length
    content += label
    const valueStart = content.length
    content += target.value
    regions.push({ target, lineStart, valueStart, valueEnd: content.length })
    content += '\n'
  }
  if (content.trim() === '') return []
  let messages: Awaited<ReturnType<typeof lintSource>>['messages']
  try {
    const result = await lintSource({
      source: { content, filePath: 'mcp-config-entry.txt', contentType: 'text' },
      options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true }
    })
    messages = result.messages
  } catch {
    return []
  }
  const found: Candidate[] = []
  for (const message of messages) {
    const [start, end] = message.range
    const region = regions.find((r) => start >= r.lineStart && start < r.valueEnd + 1)
    if (!region) continue
    const { target, valueStart, valueEnd } = region
    if (end <= valueStart) continue // inside the `KEY=` label only: names are not secrets
    let from = Math.max(start, valueStart)
    let secret = content.slice(from, Math.min(valueEnd, end))
    if (message.messageId === 'AWSSecretAccessKey') {
      // This rule's range starts at the key name but is as long as the key: take the value.
      const m = /(?:=>|=|:)\s*["']?([A-Za-z0-9/+=]{40})/.exec(content.slice(start, valueEnd))
      if (!m?.[1]) continue
      from = start + m.index + m[0].length - m[1].length
      secret = m[1]
    }
    if (SECRETLINT_URL_MESSAGES.has(message.messageId)) {
      const m = new RegExp(URL_USERINFO.source, 'i').exec(secret)
      const password = m?.[2]
      if (password === undefined) continue
      secret = password
    }
    const offset = content.indexOf(secret, from) - valueStart
    const refs = referenceSpans(target.value)
    if (
      secret === '' ||
      isPlaceholder(secret) ||
      overlapsAny(refs, offset, offset + secret.length)
    ) {
      continue
    }
    found.push({
      field: target.field,
      secret,
      kind: SECRETLINT_KIND[message.messageId] ?? 'secret recognised by secretlint',
      rule: message.ruleId,
      priority: 0
    })
  }
  return found
}

// ── result ────────────────────────────────────────────────────────────────────────────────────

function finalize(
  entry: ServerEntry,
  targets: readonly Target[],
  candidates: readonly Candidate[]
): LiteralSecret[] {
  const order = new Map(targets.map((t, i) => [t.field, i]))
  const sorted = [...candidates].sort((a, b) => a.priority - b.priority)
  const kept: Candidate[] = []
  for (const c of sorted) {
    if (c.secret === '' || isPlaceholder(c.secret)) continue
    const duplicate = kept.some(
      (k) => k.field === c.field && (k.secret.includes(c.secret) || c.secret.includes(k.secret))
    )
    if (!duplicate) kept.push(c)
  }
  kept.sort(
    (a, b) =>
      (order.get(a.field) ?? Number.MAX_SAFE_INTEGER) -
        (order.get(b.field) ?? Number.MAX_SAFE_INTEGER) || a.priority - b.priority
  )
  return kept.map((c) => {
    const secret: LiteralSecret = {
      field: c.field,
      kind: c.kind,
      masked: maskSecret(c.secret),
      rule: c.rule
    }
    const location = entry.fieldLocations[c.field]
    if (location) secret.location = { line: location.line, column: location.column }
    return secret
  })
}
