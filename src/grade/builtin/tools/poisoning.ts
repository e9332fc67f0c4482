/**
 * Tool poisoning: instructions to the model hidden in a tool's description or parameter
 * descriptions, which the model reads verbatim and the person approving the tool rarely sees
 * (Invariant Labs, "MCP Security Notification: Tool Poisoning Attacks", April 2025; MCP
 * specification 2025-06-18, "Security and Trust & Safety": tool descriptions and annotations
 * from an untrusted server are untrusted).
 *
 * Each detector takes one text and returns the offending excerpt (escaped, see `tool-text.ts`)
 * or undefined. Matching runs on the normalised text (invisible characters removed, compatibility
 * forms folded, whitespace collapsed), so `ig\u{200B}nore previous instructions` or a full-width
 * `＜IMPORTANT＞` still match. The wording lists were tuned on the descriptions of real servers
 * (the MCP reference servers, Tavily, Figma, Context7, Desktop Commander, Kubernetes): ordinary
 * sentences such as "Read a file from the allowed directories", "Use this tool when you need
 * to…", "You MUST call this function before 'Query Documentation'" do not match.
 */
import {
  excerpt,
  excerptOf,
  invisibleCharacters,
  escapeCodePoint,
  normaliseText
} from './tool-text.js'

/** Up to this many characters are searched in one text (descriptions are clipped to 2000). */
const MAX_SCANNED_CHARS = 20_000

/**
 * Instructions addressed to the model that a tool description has no business giving:
 * prompt-like tags, overriding earlier instructions, hiding things from the user, or acting
 * before the tool is used. (`you must` alone is ordinary in real descriptions, so it is not a
 * signal by itself.)
 */
const HIDDEN_INSTRUCTION_PATTERNS: readonly RegExp[] = [
  // <IMPORTANT>, <system>, </instructions>, [SYSTEM], <|im_start|>, <<SYS>>
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|critical)\b[^<>]{0,40}>/i,
  /\[\s*\/?\s*(?:system|inst|instructions?)\s*\]|<\|im_start\|>|<<\s*sys\s*>>/i,
  // An HTML comment with words in it (rendered as nothing).
  /<!--(?:(?!-->)[\s\S]){0,400}?[a-z]{3,}(?:(?!-->)[\s\S]){0,400}?-->/i,
  /\b(?:ignore|disregard|forget|override)\b(?: (?:all|any|the|your|of|these|those))* (?:previous|prior|above|earlier|preceding|other|system|original)\b (?:instructions?|prompts?|rules|directions|guidelines|messages)/i,
  /\b(?:do not|don't|dont|never|must not|should not)\b (?:ever )?(?:tell|mention|inform|reveal|disclose|notify|alert|say|show|let on|explain)\b(?: (?:this|that|it|anything|any of this|about (?:this|it)))?(?: to)? (?:the )?user\b/i,
  /\bwithout (?:telling|informing|notifying|alerting|asking|letting) (?:the )?user\b/i,
  /\b(?:the )?user (?:must|should|does|need) not (?:know|see|notice|be told|be informed)\b/i,
  /\b(?:merely|just|only) an implementation detail\b/i,
  /\bsecretly\b/i,
  /\b(?:silently|quietly|covertly) (?:read|send|upload|forward|call|copy|include|pass|post|exfiltrate|collect|attach)\b/i,
  /\bbefore (?:using|calling|invoking|running|executing|you use|you call) (?:this|any|the|these|other) tools?\b[^.]{0,200}?\b(?:read|call|send|include|pass|fetch|upload|invoke|run|execute|forward|copy|cat|open)\b/i,
  /\b(?:otherwise|or else) (?:the|this) tool (?:will not|won't|cannot|can't|will fail to) work\b/i
]

/**
 * Files and places that hold secrets or other servers' configuration. The first group alone is
 * enough; generic words (`credentials`, `API key`, `token`, …) need an exfiltrating verb aimed at
 * a parameter, a URL or another tool.
 */
const SENSITIVE_FILE =
  /(?:~|\$home|%userprofile%|\/home\/[\w.-]+|\/users\/[\w.-]+)\/\.(?:ssh|aws|gnupg|kube|docker|config\/gcloud|azure|cursor|claude|codeium|npmrc|netrc|pypirc|git-credentials|bash_history|zsh_history)\b|\.ssh\/|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\bauthorized_keys\b|\.aws\/credentials\b|\.git-credentials\b|\.netrc\b|\.npmrc\b|\.pypirc\b|\bmcp\.json\b|\bclaude_desktop_config\.json\b|\bcline_mcp_settings\.json\b|\/etc\/(?:passwd|shadow|sudoers)\b|\bwallet\.dat\b|\bkeychain\b|(?:^|[\s'"`(])\.env(?:\.[a-z]+)?\b/i

const READ_OR_SEND =
  /\b(?:read|reads|send|sends|include|includes|pass|passes|upload|forward|copy|cat|extract|exfiltrate|attach|append|provide|post|share|collect|fetch|open|leak|dump|print|output|return|list)\b/i

const SECRET_EXFILTRATION: readonly RegExp[] = [
  /\b(?:send|upload|forward|exfiltrate|leak|post|transmit|share|include|pass|append|attach|copy|collect|dump)\b(?: (?:all|any|every|the|your|their|user's|users'|of|its|contents?|full|complete|entire))* (?:api[ _-]?keys?|secret(?:s| keys?)|credentials|passwords?|private keys?|access tokens?|auth tokens?|tokens|session cookies?|cookies|ssh keys?|env(?:ironment)? variables)\b[^.]{0,120}?\b(?:to|into|in|as|via|inside)\b[^.]{0,60}?(?:https?:\/\/|\bparameter\b|\bargument\b|\bfield\b|\bsidenote\b|\bnote\b|\bemail\b|\burl\b|\bserver\b|\bendpoint\b|\bwebhook\b|\btool\b|\bcall\b)/i,
  /\b(?:read|collect|gather|harvest|steal|grab|extract)\b(?: (?:all|any|every|the|your|user's|of))* (?:api[ _-]?keys?|secrets|credentials|passwords|private keys|access tokens|ssh keys|environment variables)\b[^.]{0,120}?\b(?:and|then)\b[^.]{0,40}?\b(?:send|pass|include|upload|forward|post)\b/i
]

/** Shadowing: a description that tells the model how to use, or not use, other tools. */
const TOOL_SHADOWING: readonly RegExp[] = [
  /\bwhen (?:the|a|any)? ?[\w`'".-]{0,60} tool is (?:available|present|called|used|invoked)\b/i,
  /\b(?:also present|previously declared|co-installed)\b[^.]{0,80}\btools?\b/i,
  /\binstead of (?:using|calling|invoking) (?:the|any|other|another)\b[^.]{0,60}\btools?\b/i,
  /\b(?:other|another|all other) (?:mcp )?(?:servers?|tools?)(?:'s|') (?:tools|descriptions|instructions|behaviou?r)\b/i,
  /\b(?:change|modify|alter|redirect|override|hijack)\b[^.]{0,40}\bbehaviou?r of (?:the|other|another|all)\b[^.]{0,40}\btools?\b/i,
  /\b(?:all|every) (?:emails?|messages?|requests?|payments?|transfers?) (?:must|should) (?:be )?(?:sent|forwarded|redirected|copied|bcc'?d?) to\b/i
]

/**
 * The excerpt of `text` with an instruction to the model hidden in it (see
 * `HIDDEN_INSTRUCTION_PATTERNS`), or undefined.
 */
export function hiddenInstruction(text: string): string | undefined {
  return firstMatch(text, HIDDEN_INSTRUCTION_PATTERNS)
}

/**
 * The excerpt of `text` telling the model to read or send secrets or sensitive files (`~/.ssh`,
 * `id_rsa`, `.env`, `mcp.json`, cloud credentials, API keys) or to change how other tools are
 * used ("when the … tool is available", "instead of using the … tool"), or undefined. A
 * sensitive file counts when a reading or sending verb is in the same sentence.
 */
export function secretAccess(text: string): string | undefined {
  const normalised = normaliseText(text.slice(0, MAX_SCANNED_CHARS))
  for (const sentence of sentencesOf(normalised.text)) {
    const file = SENSITIVE_FILE.exec(sentence.text)
    if (file && READ_OR_SEND.test(sentence.text)) {
      const start = sentence.start + file.index
      return excerpt(text, normalised, start, start + file[0].length, 80)
    }
  }
  return firstMatch(text, [...SECRET_EXFILTRATION, ...TOOL_SHADOWING])
}

/** Shortest base64 run looked at, in characters (the rule: ≥ 40). */
export const MIN_BASE64_RUN = 40

/** Shortest hex run looked at, in hex digits (32 bytes). */
export const MIN_HEX_RUN = 64

/** Shortest run of `\xNN` / `\uNNNN` / `%NN` escapes looked at, in escapes. */
export const MIN_ESCAPE_RUN = 8

const BASE64_RUN = new RegExp(`[A-Za-z0-9+/_-]{${MIN_BASE64_RUN},}={0,2}`, 'g')
const HEX_RUN = new RegExp(`(?:[0-9a-fA-F]{2}){${MIN_HEX_RUN / 2},}`, 'g')
const ESCAPE_RUN = new RegExp(
  `(?:\\\\x[0-9a-fA-F]{2}|\\\\u[0-9a-fA-F]{4}|\\\\u\\{[0-9a-fA-F]{1,6}\\}|%[0-9a-fA-F]{2}){${MIN_ESCAPE_RUN},}`
)

/** Share of printable characters above which decoded bytes count as text. */
export const PRINTABLE_SHARE = 0.85

/**
 * The excerpt of `text` holding an encoded payload, with what it decodes to, or undefined:
 * a base64 (or base64url) run of at least `MIN_BASE64_RUN` characters, or a hex run of at least
 * `MIN_HEX_RUN` digits, that decodes to mostly printable text (≥ `PRINTABLE_SHARE`: a hash or
 * random key does not); or a run of `MIN_ESCAPE_RUN`+ literal `\xNN`, `\uNNNN` or `%NN` escapes.
 */
export function encodedPayload(text: string): string | undefined {
  const scanned = text.slice(0, MAX_SCANNED_CHARS)
  const candidates: Array<{ run: string; at: number; decoded: string }> = []
  for (const match of scanned.matchAll(BASE64_RUN)) {
    const run = match[0]
    // Base64 of text mixes cases and has digits or `+/=`; words and identifiers do not.
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9+/=]/.test(run)) continue
    const decoded = Buffer.from(run, 'base64').toString('latin1')
    candidates.push({ run, at: match.index, decoded })
  }
  for (const match of scanned.matchAll(HEX_RUN)) {
    const decoded = Buffer.from(match[0], 'hex').toString('latin1')
    candidates.push({ run: match[0], at: match.index, decoded })
  }
  for (const { run, at, decoded } of candidates) {
    if (!isMostlyPrintable(decoded)) continue
    const preview = JSON.stringify(decoded.slice(0, 120))
    return `${excerptOf(scanned, at, at + run.length, 20)} (decodes to: ${preview})`
  }
  const escapes = ESCAPE_RUN.exec(scanned)
  if (escapes) return excerptOf(scanned, escapes.index, escapes.index + escapes[0].length, 20)
  return undefined
}

/** True when at least `PRINTABLE_SHARE` of `decoded` (≥ 20 characters) is printable ASCII. */
function isMostlyPrintable(decoded: string): boolean {
  if (decoded.length < 20) return false
  let printable = 0
  for (const c of decoded) if (/[\x20-\x7e\t\n\r]/.test(c)) printable += 1
  return printable / decoded.length >= PRINTABLE_SHARE && /[a-zA-Z]{3,}/.test(decoded)
}

/**
 * The excerpt of `text` around its first invisible characters (`isInvisibleCodePoint`), shown as
 * `\u{…}` escapes, with how many there are in all, or undefined when there are none.
 */
export function invisibleUnicode(text: string): string | undefined {
  const found = invisibleCharacters(text)
  const first = found[0]
  if (!first) return undefined
  const kinds = [...new Set(found.map((f) => escapeCodePoint(f.codePoint)))].slice(0, 8)
  const summary = `${found.length} invisible character${found.length === 1 ? '' : 's'} (${kinds.join(' ')})`
  return `${summary}: ${excerptOf(text, first.index, first.index + 1, 30)}`
}

/** The excerpt of the first match of any of `patterns` in `text`, or undefined. */
function firstMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  const normalised = normaliseText(text.slice(0, MAX_SCANNED_CHARS))
  for (const pattern of patterns) {
    const match = pattern.exec(normalised.text)
    if (match) return excerpt(text, normalised, match.index, match.index + match[0].length, 60)
  }
  return undefined
}

/** Sentences of a normalised text, with their start offsets. */
function sentencesOf(text: string): Array<{ text: string; start: number }> {
  const sentences: Array<{ text: string; start: number }> = []
  const boundary = /[.!?](?=\s|$)|\n/g
  let start = 0
  for (const match of text.matchAll(boundary)) {
    const end = match.index + 1
    sentences.push({ text: text.slice(start, end), start })
    start = end
  }
  if (start < text.length) sentences.push({ text: text.slice(start), start })
  return sentences
}
