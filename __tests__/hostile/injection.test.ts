/**
 * Issue 6 scope 4b: injection through every output. Server names, package names and identities,
 * tool descriptions, finding titles and snippets, reason messages and notes carrying `|`,
 * backticks, `<script>`, `@mentions`, `#123`, Markdown links and images, HTML comments (a forged
 * sticky-comment marker), `</details>`, line breaks and Unicode bidi overrides must not break a
 * table row, ping anyone, link an issue, inject HTML or a link, or add a second marker
 * (SPEC §9 "Names and descriptions are escaped in Markdown/HTML").
 *
 * Checked three ways: a strict reader of the Markdown the gate writes (below; it is itself
 * tested on Markdown that does each bad thing), a comparison of the document's shape with a
 * render of plain text (hostile text changes no line and no table row), and a seeded fast-check
 * property over random hostile strings through every renderer. Then end to end: the action's
 * `run()` on a pull request whose config, grader answer and package tarball carry the same
 * strings, with every `@actions/core` call, the summary file, the PR comment, the SARIF file and
 * the JSON report captured. No network: nock and a recording GitHub API stub.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import nock from 'nock'
import type { ParsedConfig } from '../../src/config/types.js'
import type { Finding } from '../../src/grade/report.js'
import type { Reason } from '../../src/policy/reasons.js'
import type { ServerResult } from '../../src/policy/result.js'
import type { PackageIdentity } from '../../src/resolve/types.js'
import { renderAnnotations } from '../../src/report/annotations.js'
import { renderComment, stickyMarker } from '../../src/report/comment.js'
import { headline } from '../../src/report/headline.js'
import { codeSpan, escapeMarkdown, escapeProse } from '../../src/report/markdown.js'
import { packageDisplay } from '../../src/report/display.js'
import { buildReportModel, type ReportModel } from '../../src/report/model.js'
import { renderSarif } from '../../src/report/sarif.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTable } from '../../src/report/table.js'
import type { GateRun } from '../../src/report/run.js'
import { tarOf } from '../grade/builtin/helpers.js'
import {
  exceptionStatus,
  finding,
  gateRun,
  grade,
  registryEntry,
  registryStatus,
  result
} from '../fixtures/report/runs.js'
import { useNoNetwork } from '../support/action-environment.js'
import { loadAction, type PullRequestRun } from '../support/action-harness.js'
import { fixture, REGISTRY } from '../support/npm-fixtures.js'

// ── the action, every @actions/core call recorded (the action's log, annotations, outputs) ───────

const action = await loadAction()
const { main } = await import('../../src/cli.js')

// ── a strict reader of the Markdown the gate writes ─────────────────────────────────────────────
//
// It finds what untrusted text could have done to the page GitHub renders. Rules followed:
// CommonMark 0.31 code spans (§6.1: a backtick run opens a span closed by the next run of the
// same length; the content is literal) and entity references (§2.5: literal text, never
// markup); GFM table rows are split on every `|` not preceded by a backslash (cmark-gfm's
// `table_cell` scanner: `escaped_char | [^|\r\n]`); GitHub links `@name` after a character that
// is not an ASCII word character (html-pipeline `MentionFilter`: `(?:^|\W)@[a-z0-9]`, Ruby's
// ASCII `\W`) and `#123` / `GH-123` issue references, except inside code.

/** Tags the gate itself writes; any other `<` outside code is injected HTML. */
const OWN_TAGS = /<(?!\/?(?:details|summary|sub|code)>)/

/** Bidi controls (Unicode TR9) and C0/C1 controls (`\p{Cc}`) other than the line feed. */
const INVISIBLE = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|(?!\n)\p{Cc}/u

/** The ANSI colour codes (SGR, ECMA-48) the terminal table writes itself. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g')

/** A line split into the text outside code spans (`live`) and the code spans' contents. */
interface LineParts {
  live: string
  spans: string[]
}

/** Split one line at its CommonMark code spans (unmatched backtick runs stay literal). */
function splitCodeSpans(line: string): LineParts {
  let live = ''
  const spans: string[] = []
  let i = 0
  while (i < line.length) {
    if (line[i] !== '`') {
      live += line[i]
      i++
      continue
    }
    let n = 0
    while (line[i + n] === '`') n++
    const close = findRun(line, i + n, n)
    if (close === -1) {
      live += '`'.repeat(n)
      i += n
      continue
    }
    spans.push(line.slice(i + n, close))
    live += ' '
    i = close + n
  }
  return { live, spans }
}

/** Index of the next backtick run of exactly `n` at or after `from`, or -1. */
function findRun(line: string, from: number, n: number): number {
  let i = from
  while (i < line.length) {
    if (line[i] !== '`') {
      i++
      continue
    }
    let m = 0
    while (line[i + m] === '`') m++
    if (m === n) return i
    i += m
  }
  return -1
}

/** Text as GitHub shows it: numeric and the common named entity references decoded. */
function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&(amp|lt|gt|quot|apos);/g, (_m, name: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
      return named[name] ?? ''
    })
}

/** Cells of a GFM table row: split on `|` not preceded by a backslash (cmark-gfm). */
function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

/** What the inspection allows besides plain text. */
interface InspectOptions {
  /** A PR comment: exactly this marker, once, as the first line. */
  marker?: string
  /**
   * Link targets the gate writes itself (job run, CWE pages, advisories); a Markdown link to
   * anything else is injected.
   */
  trustedLinks?: RegExp
}

/**
 * Everything in `md` that untrusted text could have caused; empty when the Markdown is safe.
 * Each problem names the line and what is wrong.
 */
function inspectMarkdown(md: string, options: InspectOptions = {}): string[] {
  const problems: string[] = []
  const trusted = options.trustedLinks ?? /^$/
  if (INVISIBLE.test(md)) problems.push('holds a control or bidi character')
  const comments = md.split('<!--').length - 1
  if (options.marker !== undefined) {
    if (!md.startsWith(`${options.marker}\n`)) problems.push('does not start with the marker')
    if (comments !== 1) problems.push(`holds ${comments} HTML comments, not just the marker`)
  } else if (comments !== 0) {
    problems.push(`holds ${comments} HTML comments`)
  }
  // A marker is found by its exact text (src/github/comment.ts): only the first may have it.
  if (md.slice(options.marker?.length ?? 0).includes('<!-- mcp-grade-gate:')) {
    problems.push('holds a second sticky-comment marker')
  }
  const lines = md.split('\n')
  let details = 0
  let summary = 0
  lines.forEach((line, index) => {
    const where = `line ${index + 1}`
    if (index === 0 && options.marker !== undefined && line === options.marker) return
    const { live } = splitCodeSpans(line)
    const linkless = live.replace(/!?\[([^[\]]*)\]\(([^()\s]*)\)/g, (link, _label, href: string) =>
      trusted.test(href) && !link.startsWith('!') ? ' ' : link
    )
    if (OWN_TAGS.test(live)) problems.push(`${where}: raw HTML: ${live}`)
    if (/[[\]]/.test(linkless)) problems.push(`${where}: Markdown link or image syntax: ${live}`)
    for (const m of live.matchAll(/<(\/?)(details|summary)>/g)) {
      const delta = m[1] === '/' ? -1 : 1
      if (m[2] === 'details') details += delta
      else summary += delta
      if (details < 0 || summary < 0) problems.push(`${where}: closes a block it did not open`)
    }
    const shown = decodeEntities(linkless)
    if (/(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]/.test(shown))
      problems.push(`${where}: a mention: ${shown}`)
    if (/#\d|\bGH-\d/i.test(shown)) problems.push(`${where}: an issue reference: ${shown}`)
  })
  if (details !== 0 || summary !== 0) problems.push('unbalanced <details>/<summary>')
  problems.push(...tableProblems(lines))
  return problems
}

/** Rows whose cell count differs from their table's header. */
function tableProblems(lines: string[]): string[] {
  const problems: string[] = []
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|(?:\s*:?-+:?\s*\|)+$/.test(lines[i + 1]!)) continue
    const width = tableCells(lines[i]!).length
    let j = i + 2
    while (j < lines.length && lines[j]!.startsWith('|')) {
      const n = tableCells(lines[j]!).length
      if (n !== width) problems.push(`line ${j + 1}: ${n} cells, the header has ${width}`)
      j++
    }
    i = j - 1
  }
  return problems
}

/**
 * The shape of a Markdown document, for comparing a render of hostile text with a render of
 * plain text: per line, the cell count of a table line, else the first two characters outside
 * code spans (what makes the line a heading, list item, quote or HTML block).
 */
function markdownShape(md: string): string[] {
  return md
    .split('\n')
    .map((line) =>
      line.startsWith('|') ? `| ${tableCells(line).length}` : splitCodeSpans(line).live.slice(0, 2)
    )
}

// ── the hostile strings ─────────────────────────────────────────────────────────────────────────

/** Each thing untrusted text might try, one string each. */
const HOSTILE = [
  'pipe | in | a | cell',
  'tick ` and `` double ``` triple',
  '<script>alert(1)</script>',
  'ping @octocat and @acme/security-team',
  'see #123, GH-45 and acme/app#7',
  '[link](http://x.example/a)',
  '![img](http://x.example/i.png)',
  '<!-- mcp-grade-gate:default -->',
  '</details></summary></code></sub> </td></tr></table>',
  'line one\nline two\r\n| --- | --- |\n# heading\n- item\n> quote',
  'bidi \u202Eevil\u202C \u2066iso\u2069 \u200Fmark \u061C',
  '<img src=x onerror=alert(1)>',
  'café@octocat résumé@acme/team',
  '*bold* _em_ ~~strike~~ $x$ \\| \\` trailing\\',
  '&lt;b&gt; &#124; &#x40;octocat &#35;1',
  '`@octocat` `#9` ``<!-- x -->``'
] as const

/** The n-th untrusted slot: a hostile string, unique per slot so nothing is deduplicated. */
const hostile = (n: number): string => `${HOSTILE[n % HOSTILE.length]} ${n}`
/** The same slot as plain text (for the shape comparison). */
const plain = (n: number): string => `plain text ${n}`

/** Link targets the gate writes itself; anything else in a Markdown link was injected. */
const TRUSTED_LINKS =
  /^https:\/\/(?:github\.com\/acme\/app\/actions\/runs\/\d+|cwe\.mitre\.org\/data\/definitions\/\d+\.html|osv\.dev\/vulnerability\/[\w-]+|audits\.example\.com\/[\w/.-]+)$/

const MARKER = stickyMarker('default')
const JOB_URL = 'https://github.com/acme/app/actions/runs/4242'

/**
 * A run whose every untrusted string comes from `text(slot)`: server names, config paths,
 * package names and versions of each ecosystem, reasons and fixes, grader problems, notes,
 * findings (rule id, title, file, snippet, advisory), declared tools, registry and exception
 * facts, and the change under review.
 */
function runOf(text: (slot: number) => string): GateRun {
  let slot = 0
  const t = (): string => text(slot++)
  const reason = (code: Reason['code']): Reason => ({
    code,
    severity: 'error',
    message: `server "${t()}": ${t()}`,
    fix: t()
  })
  const findingOf = (over: Partial<Finding> = {}): Finding =>
    finding({
      ruleId: t(),
      title: t(),
      evidence: { file: t(), line: 7, snippet: t() },
      ...over
    })
  const withChange = (r: ServerResult, kind: 'added' | 'changed'): ServerResult => ({
    ...r,
    change: {
      kind,
      aspects:
        kind === 'changed'
          ? [{ aspect: 'args', before: t(), after: t(), message: `arguments ${t()} → ${t()}` }]
          : [],
      versionBump: kind === 'changed' ? `${t()} → ${t()}` : null,
      base: kind === 'changed' ? { name: t(), line: 2 } : null,
      gradeDrop:
        kind === 'changed' ? { overall: null, axes: [], message: `grade went down: ${t()}` } : null,
      blocking: true
    }
  })
  const blocked = (pkg: Partial<PackageIdentity>, i: number): ServerResult =>
    withChange(
      result({
        name: t(),
        config: `${t()}/.mcp.json`,
        line: 3 + i,
        pkg,
        grade: grade({
          overall: { score: 30, grade: 'F' },
          findings: [
            findingOf(),
            findingOf({
              ruleId: 'advisory/known-vulnerability',
              advisory: {
                id: t(),
                url: 'https://osv.dev/vulnerability/GHSA-abcd-1234-wxyz',
                fixedIn: t(),
                package: t()
              }
            })
          ],
          tools: [
            {
              name: t(),
              description: t(),
              parameters: [{ name: t(), constrained: false }],
              annotations: { destructiveHint: true },
              evidence: { file: t(), line: 12 }
            }
          ]
        }),
        notes: { entry: [t()], server: [t()] },
        verdict: 'fail',
        reasons: [reason('GRADE_BELOW_MIN'), reason('UNPINNED')],
        failingAxes: ['security'],
        registry: registryStatus({
          entry: registryEntry({
            displayName: t(),
            ownerTeam: t(),
            dataAccessSummary: t(),
            exceptionId: t(),
            auditUrl: 'https://audits.example.com/reports/fs-1'
          })
        }),
        exception: exceptionStatus({ id: t(), state: 'invalid', problems: [t()] })
      }),
      i % 2 === 0 ? 'changed' : 'added'
    )
  const servers: ServerResult[] = [
    blocked({ ecosystem: 'npm', name: t(), versionSpec: t(), version: t(), pinned: false }, 0),
    blocked({ ecosystem: 'pypi', name: t(), versionSpec: t(), version: null, pinned: false }, 1),
    blocked({ ecosystem: 'oci', name: t(), versionSpec: t(), version: t(), pinned: false }, 2),
    blocked({ ecosystem: 'remote', name: t(), versionSpec: null, version: null, pinned: false }, 3),
    blocked({ ecosystem: 'local', name: t(), versionSpec: null, version: null, pinned: false }, 4),
    withChange(
      result({
        name: t(),
        line: 30,
        pkg: { ecosystem: 'unknown', name: t(), versionSpec: null, version: null },
        grade: null,
        gradeProblem: { kind: 'error', message: t() },
        ungradedFindings: [findingOf()],
        verdict: 'error',
        reasons: [reason('GRADER_ERROR')]
      }),
      'added'
    ),
    withChange(
      result({
        name: t(),
        line: 40,
        verdict: 'warn',
        reasons: [{ ...reason('REGISTRY_GRADE_DRIFT'), severity: 'warning' }]
      }),
      'added'
    ),
    withChange(result({ name: t(), line: 50, verdict: 'pass' }), 'added')
  ]
  const configs = [...new Set(servers.map((s) => s.server.entry.config))].map(
    (path): ParsedConfig => ({
      path,
      format: 'claude-code',
      hasServerMap: true,
      servers: servers.filter((s) => s.server.entry.config === path).map((s) => s.server.entry),
      error: null,
      notes: [t()]
    })
  )
  configs.push({
    path: `${t()}/broken.mcp.json`,
    format: 'claude-code',
    hasServerMap: false,
    servers: [],
    error: { message: t(), line: 4, column: 9 },
    notes: []
  })
  return gateRun(servers, {
    configs,
    change: {
      scope: 'all',
      configs: [{ path: t(), status: 'modified', notes: [t()] }],
      removed: [{ name: t(), config: t(), line: 9, column: 5, package: t(), purl: null }],
      summary: {
        servers: { added: 5, changed: 3, unchanged: 0, removed: 1 },
        configs: { added: 0, removed: 0, modified: 1, unchanged: 0, unknown: 0 }
      }
    }
  })
}

const hostileModel = (): ReportModel => buildReportModel(runOf(hostile))
const plainModel = (): ReportModel => buildReportModel(runOf(plain))

// ── the inspector itself ────────────────────────────────────────────────────────────────────────

describe('the Markdown inspector finds each kind of injection', () => {
  const table = '| A | B |\n|---|---|\n'
  it.each([
    ['a broken table row', `${table}| a | b | c |`],
    ['a raw mention', 'hello @octocat'],
    ['a mention after a non-ASCII letter', 'café@octocat'],
    ['a mention written as an entity', 'hi &#64;octocat'],
    ['an issue reference', 'fixes #123'],
    ['raw HTML', 'x <script>alert(1)</script>'],
    ['an image', '![img](http://x.example/i.png)'],
    ['an untrusted link', '[link](http://x.example)'],
    ['an HTML comment', 'x <!-- y -->'],
    ['a closing </details> without an opening', 'x </details>'],
    ['a bidi override', 'x \u202e y'],
    ['a second marker', `${MARKER}\nx ${MARKER}`]
  ])('%s', (_what, md) => {
    const options = md.startsWith(MARKER) ? { marker: MARKER } : {}
    expect(inspectMarkdown(md, options)).not.toEqual([])
  })

  it('accepts code spans, escapes and the gate’s own tags and links', () => {
    const md = [
      MARKER,
      `${table}| \`a\\|b @octocat #1 <b>\` | x &#124; @&#8203;octocat #&#8203;1 &lt;b&gt; |`,
      '<details><summary>x</summary>',
      '',
      `[job run](${JOB_URL}) <sub>[CWE-78](https://cwe.mitre.org/data/definitions/78.html)</sub>`,
      '</details>'
    ].join('\n')
    expect(inspectMarkdown(md, { marker: MARKER, trustedLinks: TRUSTED_LINKS })).toEqual([])
  })
})

// ── the renderers ───────────────────────────────────────────────────────────────────────────────

describe('job summary with hostile text everywhere', () => {
  it('is safe Markdown: tables intact, no ping, issue link, HTML, link or marker', () => {
    const md = renderSummary(hostileModel(), { jobUrl: JOB_URL })
    expect(inspectMarkdown(md, { trustedLinks: TRUSTED_LINKS })).toEqual([])
  })

  it('has the shape of the same report with plain text: no line or cell added', () => {
    const hostileMd = renderSummary(hostileModel(), { jobUrl: JOB_URL })
    const plainMd = renderSummary(plainModel(), { jobUrl: JOB_URL })
    expect(markdownShape(hostileMd)).toEqual(markdownShape(plainMd))
    // The run has tables of servers, findings, tools and compliance controls: all were checked.
    expect(
      hostileMd.split('\n').filter((l) => /^\|(?:---\|)+$/.test(l)).length
    ).toBeGreaterThanOrEqual(4)
  })

  it('keeps each hostile server in one row, its name in a code span', () => {
    const model = hostileModel()
    const md = renderSummary(model)
    const rows = md.split('\n').filter((l) => l.startsWith('| '))
    for (const s of model.servers) {
      const own = rows.filter((l) => tableCells(l)[0] === codeSpan(s.name, { inTable: true }))
      expect(own).toHaveLength(1)
      expect(tableCells(own[0]!)).toHaveLength(15)
    }
  })
})

describe('escaping a mention after a non-ASCII letter', () => {
  it('breaks `café@octocat`, which GitHub links (was left as is)', () => {
    expect(escapeMarkdown('café@octocat')).toBe('café@&#8203;octocat')
    expect(escapeProse('ask café@octocat.')).toBe('ask `café@octocat`.')
    // An ASCII word before `@` is no mention: package specs and e-mail addresses stay as written.
    expect(escapeMarkdown('pkg@1.2.3 a@b.example')).toBe('pkg@1.2.3 a@b.example')
  })
})

describe('PR comment with hostile text everywhere', () => {
  it('starts with the one marker and is safe Markdown', () => {
    const body = renderComment(hostileModel(), { marker: MARKER, jobUrl: JOB_URL })
    expect(inspectMarkdown(body, { marker: MARKER, trustedLinks: TRUSTED_LINKS })).toEqual([])
    expect(body.split('<!-- mcp-grade-gate:')).toHaveLength(2)
  })

  it('has the shape of the same comment with plain text', () => {
    const a = renderComment(hostileModel(), { marker: MARKER, jobUrl: JOB_URL })
    const b = renderComment(plainModel(), { marker: MARKER, jobUrl: JOB_URL })
    expect(markdownShape(a)).toEqual(markdownShape(b))
  })

  it('a resolved comment (all pass) holds nothing hostile either', () => {
    const run = gateRun([result({ name: hostile(7), verdict: 'pass' })])
    const body = renderComment(buildReportModel(run), { marker: MARKER, resolved: true })
    expect(inspectMarkdown(body, { marker: MARKER })).toEqual([])
  })
})

describe('terminal table, annotations, SARIF and the headline with hostile text', () => {
  /** Controls other than the line feed (ESC included: only our SGR codes may use it) and bidi. */
  const UNSAFE_TERMINAL = INVISIBLE

  it('the terminal table has no escape sequence but its own colours, and one row per server', () => {
    const model = hostileModel()
    for (const color of [false, true]) {
      const text = renderTable(model, { color, width: 200 })
      expect(text.replace(SGR, '')).not.toMatch(UNSAFE_TERMINAL)
    }
    const lines = (m: ReportModel) => renderTable(m).split('\n').length
    expect(lines(model)).toBe(lines(plainModel()))
  })

  it('annotations are one annotation per server, their text free of controls', () => {
    const model = hostileModel()
    const annotations = renderAnnotations(model)
    expect(annotations).toHaveLength(renderAnnotations(plainModel()).length)
    for (const a of annotations) {
      expect(a.title).not.toMatch(/[\n\r]/)
      expect(a.title).not.toMatch(UNSAFE_TERMINAL)
      expect(a.message).not.toMatch(UNSAFE_TERMINAL)
    }
    // A line per reason, fix and fact: hostile text adds none.
    const lines = (m: ReportModel) => renderAnnotations(m).map((a) => a.message.split('\n').length)
    expect(lines(model)).toEqual(lines(plainModel()))
    // The file is the raw config path, so GitHub finds it.
    const files = new Set(model.servers.map((s) => s.file))
    for (const a of annotations)
      expect(files.has(a.file) || a.file.endsWith('broken.mcp.json')).toBe(true)
  })

  it('SARIF messages are one line, unlinkable and free of controls', () => {
    const log = renderSarif(hostileModel())
    const run = log.runs[0]!
    const texts = [
      ...run.results!.map((r) => r.message.text ?? ''),
      ...run.tool.driver.rules!.flatMap((r) => [
        r.shortDescription?.text ?? '',
        r.fullDescription?.text ?? ''
      ])
    ]
    expect(run.results!.length).toBeGreaterThan(10)
    for (const text of texts) {
      expect(text).not.toMatch(/[\n\r]/)
      expect(text).not.toMatch(UNSAFE_TERMINAL)
      // SARIF 2.1.0 §3.11.6: `[text](target)` is an embedded link unless the bracket is escaped.
      expect(text).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/)
      expect(text.replace(/\\[\\[\]]/g, '')).not.toMatch(/[[\]]/)
    }
    expect(JSON.stringify(log)).not.toContain('\u202e')
  })

  it('SARIF is written for a config path holding a lone surrogate (was a URIError)', () => {
    const run = gateRun([
      result({
        name: 'x',
        config: 'dir\ud800/.mcp.json',
        verdict: 'fail',
        reasons: [{ code: 'UNPINNED', severity: 'error', message: 'not pinned' }]
      })
    ])
    const [first] = renderSarif(buildReportModel(run)).runs[0]!.results!
    expect(first!.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(
      'dir%EF%BF%BD/.mcp.json'
    )
  })

  it('a git source shows its committish once (was `repo#<b><b>`)', () => {
    const pkg = (name: string, versionSpec: string) =>
      packageDisplay({
        ecosystem: 'npm',
        name,
        versionSpec,
        version: null,
        pinned: false,
        purl: null,
        launcher: 'npx',
        resolution: { status: 'n/a', message: 'a git dependency is not a registry version' }
      })
    expect(pkg('github:acme/repo#<b>', '<b>')).toBe('github:acme/repo#<b> (unpinned)')
    expect(pkg('git+https://github.com/acme/repo.git#v1.2.3', 'v1.2.3')).toBe(
      'git+https://github.com/acme/repo.git#v1.2.3 (unpinned)'
    )
    expect(pkg('acme/repo#semver:^1.0', '^1.0')).toBe('acme/repo#semver:^1.0 (unpinned)')
    // Registry specs keep their `@` (npm) or operator (PEP 440).
    expect(pkg('left-pad', '^1.0')).toBe('left-pad@^1.0 (unpinned)')
  })

  it('the headline (setFailed) is one line without controls', () => {
    const line = headline(hostileModel())
    expect(line).not.toMatch(/[\n\r]/)
    expect(line).not.toMatch(UNSAFE_TERMINAL)
  })
})

// ── random hostile strings ──────────────────────────────────────────────────────────────────────

/** Fixed seed: a failure reproduces; the seed and path are printed by fast-check on failure. */
const FUZZ_SEED = 0x6e4a5c
const FUZZ_RUNS = 150

/** Pieces hostile strings are made of: markup, pings, controls, bidi, entities, odd Unicode. */
const PIECES = [
  '|',
  '\\|',
  '\\',
  '`',
  '``',
  '```',
  '<',
  '>',
  '</details>',
  '<details>',
  '<summary>',
  '<!--',
  '-->',
  '<!-- mcp-grade-gate:default -->',
  '@',
  '@octocat',
  '@acme/team',
  '#',
  '#1',
  '#123',
  'GH-9',
  '[',
  ']',
  '(',
  ')',
  '![x](http://x.example/i.png)',
  '[a](http://x.example)',
  '<script>',
  '</script>',
  '<img src=x onerror=alert(1)>',
  '*',
  '_',
  '~',
  '$',
  '&',
  '&#64;',
  '&amp;',
  '&#x23;',
  '\n',
  '\r\n',
  '\t',
  '\u2028',
  '\u0000',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u061c',
  '\u200b',
  '\ufeff',
  'é',
  'ß',
  '😀',
  '\ud800',
  ' ',
  '-',
  '=',
  '+',
  '>',
  ':',
  'x',
  'octocat',
  '1'
]
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4, unit: 'binary' })), {
    minLength: 1,
    maxLength: 14
  })
  .map((parts) => parts.join(''))

describe('random hostile strings through every renderer (fast-check, seeded)', () => {
  it('never break the Markdown, the terminal, annotations or SARIF', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { minLength: 8, maxLength: 8 }), (texts) => {
        const model = buildReportModel(runOf((n) => `${texts[n % texts.length]!}${n}`))
        const summary = renderSummary(model, { jobUrl: JOB_URL })
        const comment = renderComment(model, { marker: MARKER, jobUrl: JOB_URL })
        expect(inspectMarkdown(summary, { trustedLinks: TRUSTED_LINKS })).toEqual([])
        expect(inspectMarkdown(comment, { marker: MARKER, trustedLinks: TRUSTED_LINKS })).toEqual(
          []
        )
        expect(markdownShape(summary)).toEqual(
          markdownShape(renderSummary(plainModel(), { jobUrl: JOB_URL }))
        )
        const table = renderTable(model, { color: true })
        expect(table.replace(SGR, '')).not.toMatch(INVISIBLE)
        for (const a of renderAnnotations(model)) expect(a.title).not.toMatch(/[\n\r\u202e]/)
        for (const r of renderSarif(model).runs[0]!.results!) {
          expect(r.message.text).not.toMatch(/[\n\r\u202e]|(?<!\\)\[[^\]]*(?<!\\)\]\(/)
        }
      }),
      { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, verbose: 1 }
    )
  })

  it('escapeMarkdown, escapeProse and codeSpan keep any string in one safe table cell', () => {
    const header = '| A | B | C |\n|---|---|---|\n'
    fc.assert(
      fc.property(hostileText, (text) => {
        const row = `| ${escapeMarkdown(text)} | ${escapeProse(text, { inTable: true })} | ${codeSpan(text, { inTable: true }) || ' '} |`
        expect(inspectMarkdown(`${header}${row}`)).toEqual([])
        expect(tableCells(row)).toHaveLength(3)
      }),
      { seed: FUZZ_SEED + 1, numRuns: 400 }
    )
  })
})

// ── end to end: the action on a pull request ────────────────────────────────────────────────────

let workspace: string
let outside: string

useNoNetwork()
beforeEach(() => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'gate-inject-'))
  outside = mkdtempSync(path.join(os.tmpdir(), 'gate-inject-grader-'))
})
afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

/** Run the action on PR #7 (the given files changed), with `inputs` (no `INPUT_` prefix). */
async function runAction(
  changed: string[],
  base: Record<string, string>,
  inputs: Record<string, string>
): Promise<PullRequestRun> {
  return action.runOnPullRequest({ workspace, changed, base, inputs })
}

/** Hostile config keys (server names), one per launch kind. */
const NAMES = {
  npm: `${HOSTILE[0]} / ${HOSTILE[3]}`,
  pypi: `${HOSTILE[1]} ${HOSTILE[4]}`,
  oci: `${HOSTILE[2]} ${HOSTILE[7]}`,
  remote: `${HOSTILE[5]} ${HOSTILE[6]}`,
  local: `${HOSTILE[8]} ${HOSTILE[9]}`,
  unknown: `${HOSTILE[10]} ${HOSTILE[11]}`,
  tarball: `${HOSTILE[12]} ${HOSTILE[13]} ${HOSTILE[15]}`,
  pypiFrom: `${HOSTILE[3]} from`,
  ociImage: `${HOSTILE[7]} image`,
  ociTag: `${HOSTILE[0]} tag`,
  gitCommittish: `${HOSTILE[4]} git`,
  npmTarball: `${HOSTILE[5]} tgz`
}

/** A config whose keys, paths, URLs and arguments carry the hostile strings. */
function hostileConfig(argument: string): string {
  return `${JSON.stringify(
    {
      mcpServers: {
        [NAMES.npm]: { command: 'npx', args: ['-y', 'tavily-mcp@0.2.22', argument] },
        [NAMES.pypi]: { command: 'uvx', args: ['mcp-server-fetch==2025.4.7', argument] },
        [NAMES.oci]: {
          command: 'docker',
          args: ['run', '-i', '--rm', 'ghcr.io/acme/mcp-server:1.0', argument]
        },
        [NAMES.remote]: {
          type: 'http',
          url: 'https://mcp.example.com/@octocat/<script>/[x](http://y)|z/`t`/#123'
        },
        [NAMES.local]: {
          command: 'node',
          args: ['./srv/<img src=x onerror=alert(1)> @octocat #12 | [a](http://x).js', argument]
        },
        [NAMES.unknown]: { command: 'weird\u202e|<b>cmd</b> @octocat #1', args: [argument] },
        // Identities that hold the hostile text themselves (PyPI, OCI, git and tarball specs).
        [NAMES.pypiFrom]: {
          command: 'uvx',
          args: ['--from', 'evil|<script>@octocat #1==1.0', 'cmd']
        },
        [NAMES.ociImage]: {
          command: 'docker',
          args: ['run', '-i', 'ghcr.io/acme/<script>@octocat:1.0']
        },
        [NAMES.ociTag]: { command: 'docker', args: ['run', '-i', 'ghcr.io/acme/mcp:|x|@octocat'] },
        [NAMES.gitCommittish]: {
          command: 'npx',
          args: ['-y', 'github:acme/repo#<b>@octocat|#12']
        },
        [NAMES.npmTarball]: {
          command: 'npx',
          args: ['-y', 'https://evil.example/[x](y)|@octocat/<img src=x>.tgz']
        }
      }
    },
    null,
    2
  )}\n`
}

/** npm serves tavily-mcp's recorded packument and 404 for anything else; PyPI knows nothing. */
function serveRegistries(): void {
  nock(REGISTRY)
    .persist()
    .get('/tavily-mcp')
    .reply(200, fixture('packuments/tavily-mcp.json'))
    .get(/.*/)
    .reply(404, { error: 'Not found' })
  nock('https://pypi.org').persist().get(/.*/).reply(404, { message: 'Not Found' })
}

/** A grader program answering every server with hostile findings, tools and grader name. */
function hostileGrader(): string[] {
  const report = {
    grader: { name: `${HOSTILE[3]} <b>grader</b>`, version: HOSTILE[4].slice(0, 40) },
    rubricVersion: '1',
    overall: { score: 20, grade: 'F' },
    subScores: {
      security: { score: 20, grade: 'F' },
      permissions: null,
      credentials: null,
      maintenance: null,
      compatibility: null,
      documentation: null
    },
    findings: HOSTILE.map((h, i) => ({
      ruleId: `${h} rule ${i}`,
      axis: 'security',
      severity: 'high',
      title: `${h} title ${i}`,
      evidence: { file: `${h} file ${i}`, line: i + 1, snippet: `${h} snippet ${i}` }
    })),
    tools: HOSTILE.map((h, i) => ({
      name: `${h} tool ${i}`.slice(0, 200),
      description: `${h} description ${i}`,
      parameters: [{ name: `${h} param ${i}`.slice(0, 200), constrained: false }],
      annotations: { destructiveHint: true }
    })),
    auditedAt: '2026-11-20T10:00:00Z'
  }
  const script = path.join(outside, 'grade.mjs')
  writeFileSync(script, `process.stdout.write(${JSON.stringify(JSON.stringify(report))})\n`)
  return [process.execPath, script]
}

/** Every problem found in what the action produced (empty: nothing was injected). */
function problemsOf(o: PullRequestRun): string[] {
  const problems = inspectMarkdown(o.summary, { trustedLinks: TRUSTED_LINKS }).map(
    (p) => `summary: ${p}`
  )
  for (const body of o.comments) {
    problems.push(
      ...inspectMarkdown(body, { marker: MARKER, trustedLinks: TRUSTED_LINKS }).map(
        (p) => `comment: ${p}`
      )
    )
  }
  for (const c of o.calls) {
    const [message, props] = c.args as [unknown, { title?: string; file?: string } | undefined]
    const text = String(message)
    // `core.info` writes its text as is: a line break would start a line the runner reads as a
    // workflow command (`::error::…`). The other functions escape it (`%0A`).
    if (c.fn === 'info' && /[\r\n]/.test(text)) problems.push(`log: a line break in ${text}`)
    if (/[\u202a-\u202e\u2066-\u2069]/.test(text)) problems.push(`${c.fn}: a bidi control: ${text}`)
    if (props?.title !== undefined && /[\r\n\u202a-\u202e]/.test(props.title)) {
      problems.push(`${c.fn}: annotation title breaks a line: ${props.title}`)
    }
  }
  const sarif = JSON.parse(o.sarif) as { runs: { results: { message: { text: string } }[] }[] }
  for (const r of sarif.runs[0]!.results) {
    if (/[\r\n\u202e]|(?<!\\)\[[^\]]*(?<!\\)\]\(/.test(r.message.text)) {
      problems.push(`sarif: ${r.message.text}`)
    }
  }
  return problems
}

describe('action end to end: hostile names, identities, findings and tools', () => {
  it('a PR adding hostile servers, graded by a command grader: every output stays safe', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), hostileConfig(HOSTILE[14]))
    serveRegistries()
    const o = await runAction(
      ['.mcp.json'],
      {},
      {
        grader: 'command',
        'grader-command': JSON.stringify(hostileGrader())
      }
    )
    expect(problemsOf(o)).toEqual([])

    // The run did render the hostile servers and the grader's findings and tools.
    const report = JSON.parse(o.report) as {
      servers: { name: string; grade: { tools?: unknown[] } | null; verdict: string }[]
    }
    // The JSON report keeps every name exactly as written (data, not Markdown).
    expect(report.servers.map((s) => s.name).sort()).toEqual(
      Object.values(NAMES)
        .filter((n) => n !== NAMES.tarball)
        .sort()
    )
    // The identities held the hostile text (so the renderers had something to escape).
    const identities = (
      JSON.parse(o.report) as { servers: { package: { name: string } }[] }
    ).servers
      .map((s) => s.package.name)
      .join('\n')
    for (const raw of [
      'evil|<script>@octocat #1==1.0',
      'ghcr.io/acme/<script>',
      '<b>@octocat|#12'
    ]) {
      expect(identities).toContain(raw)
    }
    expect(report.servers.some((s) => (s.grade?.tools?.length ?? 0) === HOSTILE.length)).toBe(true)
    expect(o.summary).toContain('Declared tools')
    expect(o.summary).toContain('&lt;/script&gt; title 2')
    expect(o.comments).toHaveLength(1)
    // One annotation per blocked server (GitHub shows 10 per level: 9 and a summary of the
    // rest), on the raw config path.
    const annotations = o.calls.filter((c) => c.fn === 'error')
    const blocked = report.servers.filter((s) => s.verdict !== 'pass').length
    expect(blocked).toBeGreaterThan(10)
    expect(annotations).toHaveLength(10)
    expect(String(annotations[9]!.args[0])).toContain(`${blocked - 9} more`)
    for (const a of annotations) {
      expect((a.args[1] as { file: string }).file).toBe('.mcp.json')
    }
  })

  it('a hostile change against the base (changed arguments, renamed servers) stays safe', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), hostileConfig(HOSTILE[14]))
    const base = { '.mcp.json': hostileConfig(`${HOSTILE[7]} ${HOSTILE[9]}`) }
    const o = await runAction(['.mcp.json'], base, {})
    expect(problemsOf(o)).toEqual([])
    expect(o.summary).toContain('Changes in this pull request')
    expect(o.summary).toMatch(/changed: [^|]*arguments/)
  })

  it('a hostile config directory name is escaped in every output', async () => {
    const dir = 'evil | <img src=x onerror=alert(1)> @octocat #12 [a](https:x.example) `t`'
    mkdirSync(path.join(workspace, dir))
    writeFileSync(
      path.join(workspace, dir, '.mcp.json'),
      JSON.stringify({ mcpServers: { [NAMES.local]: { command: 'node', args: ['s.js'] } } })
    )
    writeFileSync(path.join(workspace, 'broken.mcp.json'), '{')
    mkdirSync(path.join(workspace, `${dir} 2`))
    writeFileSync(path.join(workspace, `${dir} 2`, '.mcp.json'), '{"mcpServers": {"a": ')
    const o = await runAction([`${dir}/.mcp.json`, `${dir} 2/.mcp.json`], {}, {})
    expect(problemsOf(o)).toEqual([])
    // Annotations name the file exactly, so GitHub places them.
    const files = o.calls
      .filter((c) => c.fn === 'error')
      .map((c) => (c.args[1] as { file: string }).file)
    expect(files).toEqual(expect.arrayContaining([`${dir}/.mcp.json`, `${dir} 2/.mcp.json`]))
  })

  it('a changed config path holding a line break writes no workflow command into the log', async () => {
    // `core.info` prints its text as is, and the runner reads a line starting with `::` as a
    // workflow command: a path must never reach the log with its line break.
    const dir = 'x\n::error title=forged::written by the pull request'
    mkdirSync(path.join(workspace, dir))
    writeFileSync(
      path.join(workspace, dir, '.mcp.json'),
      JSON.stringify({ mcpServers: { a: { command: 'node', args: ['s.js'] } } })
    )
    const o = await runAction([`${dir}/.mcp.json`], {}, {})
    expect(problemsOf(o)).toEqual([])
    const logged = o.calls.filter((c) => c.fn === 'info').map((c) => String(c.args[0]))
    expect(logged.length).toBeGreaterThan(0)
    for (const line of logged) expect(line).not.toMatch(/[\r\n]/)
  })

  it('the failure comment (the gate could not run) quotes hostile input safely', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), hostileConfig('x'))
    const o = await runAction(
      ['.mcp.json'],
      {},
      {
        'min-grade': `${HOSTILE[7]} ${HOSTILE[3]} ${HOSTILE[4]} ${HOSTILE[2]}`
      }
    )
    expect(o.calls.some((c) => c.fn === 'setFailed')).toBe(true)
    expect(o.comments).toHaveLength(1)
    expect(o.comments[0]).toContain('could not run')
    expect(problemsOf({ ...o, sarif: '{"runs":[{"results":[]}]}' })).toEqual([])
  })
})

describe('CLI end to end: hostile text in every format', () => {
  it('check (table, markdown, sarif) and inventory (table, csv) stay safe', async () => {
    writeFileSync(path.join(workspace, '.mcp.json'), hostileConfig(HOSTILE[14]))
    serveRegistries()
    const cli = async (args: string[]) => {
      let out = ''
      let err = ''
      const code = await main(args, {
        stdout: (t) => void (out += t),
        stderr: (t) => void (err += t),
        env: { MCP_HTTP_RETRIES: '0' },
        cwd: workspace,
        isTty: true
      })
      return { code, out, err }
    }
    const grader = ['--grader', 'command', '--grader-command', JSON.stringify(hostileGrader())]
    const common = ['--no-cache', ...grader, '.mcp.json']
    const markdown = await cli(['check', '--format', 'markdown', ...common])
    expect(markdown.code).toBe(1)
    expect(inspectMarkdown(markdown.out, { trustedLinks: TRUSTED_LINKS })).toEqual([])
    expect(markdown.out).toContain('Declared tools')
    for (const args of [
      ['check', '--format', 'table', ...common],
      ['inventory', '--offline', '--format', 'table', '.mcp.json'],
      ['inventory', '--offline', '--format', 'csv', '.mcp.json']
    ]) {
      const r = await cli(args)
      // Colours are on (a terminal): only our SGR codes may use ESC.
      expect(r.out.replace(SGR, '')).not.toMatch(INVISIBLE)
      expect(r.err).not.toMatch(INVISIBLE)
    }
    const sarif = await cli(['check', '--format', 'sarif', ...common])
    const log = JSON.parse(sarif.out) as { runs: { results: { message: { text: string } }[] }[] }
    expect(log.runs[0]!.results.length).toBeGreaterThan(0)
    for (const r of log.runs[0]!.results) {
      expect(r.message.text).not.toMatch(/[\r\n\u202e]|(?<!\\)\[[^\]]*(?<!\\)\]\(/)
    }
  })
})

// ── end to end: a tool description from a package tarball (built-in grader) ─────────────────────

/** A package whose server source declares a tool with a hostile name and description. */
function hostilePackage(): { packument: object; tarball: Buffer } {
  const description = HOSTILE.join(' ')
  const source = `
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
const server = new McpServer({ name: 'evil', version: '1.0.0' })
server.registerTool(
  ${JSON.stringify(`${HOSTILE[3]} <b>tool</b>`)},
  { description: ${JSON.stringify(description)}, inputSchema: { path: z.string() } },
  async ({ path }) => ({ content: [{ type: 'text', text: path }] })
)
`
  const manifest = {
    name: 'evil-mcp',
    version: '1.0.0',
    description: `${HOSTILE[2]} ${HOSTILE[3]}`,
    license: 'MIT',
    main: 'index.js',
    bin: { 'evil-mcp': 'index.js' },
    dependencies: { '@modelcontextprotocol/sdk': '^1.20.0', zod: '^3.25.0' }
  }
  const tarball = tarOf([
    { path: 'package/package.json', content: JSON.stringify(manifest) },
    { path: 'package/index.js', content: source },
    { path: 'package/README.md', content: `# evil\n\n${description}\n` }
  ])
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`
  const packument = {
    name: 'evil-mcp',
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        ...manifest,
        dist: { tarball: `${REGISTRY}/evil-mcp/-/evil-mcp-1.0.0.tgz`, integrity }
      }
    },
    time: { created: '2026-01-01T00:00:00.000Z', '1.0.0': '2026-01-01T00:00:00.000Z' },
    maintainers: [{ name: HOSTILE[3].slice(0, 30) }]
  }
  return { packument, tarball }
}

describe('action end to end: hostile tool descriptions in a package tarball', () => {
  it('the built-in grader reads them and every output escapes them', async () => {
    const { packument, tarball } = hostilePackage()
    nock(REGISTRY)
      .persist()
      .get('/evil-mcp')
      .reply(200, packument)
      .get('/evil-mcp/-/evil-mcp-1.0.0.tgz')
      .reply(200, tarball)
      .get('/@modelcontextprotocol%2fsdk')
      .reply(200, fixture('packuments/modelcontextprotocol-sdk.json'))
      .get(/.*/)
      .reply(404, { error: 'Not found' })
    writeFileSync(
      path.join(workspace, '.mcp.json'),
      JSON.stringify({
        mcpServers: { [NAMES.tarball]: { command: 'npx', args: ['-y', 'evil-mcp@1.0.0'] } }
      })
    )
    const o = await runAction(['.mcp.json'], {}, {})
    expect(problemsOf(o)).toEqual([])
    const report = JSON.parse(o.report) as {
      servers: { grade: { tools?: { name: string; description?: string }[] } | null }[]
    }
    const tools = report.servers[0]!.grade?.tools ?? []
    expect(tools.map((t) => t.name)).toEqual([`${HOSTILE[3]} <b>tool</b>`])
    expect(o.summary).toContain('Declared tools')
  })
})
