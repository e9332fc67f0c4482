/**
 * Inline annotations on the config lines (SPEC §8): one per blocked or warned server on its
 * entry's line (naming the exception that covers it, if any; an `excepted` server is a notice),
 * one per invalid config at the error's line/column.
 *
 * GitHub shows at most 10 error and 10 warning annotations per step (GitHub Docs, "Workflow
 * commands": "a maximum of 10 warning annotations and 10 error annotations per step"); further
 * ones are silently dropped. So per level we emit `perLevel - 1` annotations and, when more
 * exist, one last annotation of that level summarising the rest — which therefore is itself
 * shown. Annotations are plain text (GitHub does not render Markdown in them).
 */
import { clip, toOneLine } from './markdown.js'
import type { ReportModel, ServerView } from './model.js'
import type { ExceptionFacts } from './record-display.js'

/** Annotation levels, as `@actions/core` names them. */
export type AnnotationLevel = 'error' | 'warning' | 'notice'

/** One annotation; `startLine`/`startColumn` are 1-based. */
export interface Annotation {
  level: AnnotationLevel
  title: string
  message: string
  /**
   * Config path relative to the workspace (posix separators), exactly as the gate read it (the
   * model's raw `file`, never the display-clipped path), so GitHub finds the file.
   */
  file: string
  startLine: number
  startColumn: number
}

/** GitHub's per-step cap of shown annotations per level. */
export const ANNOTATIONS_PER_LEVEL = 10

/** Longest title kept (characters); GitHub truncates long titles anyway. */
const MAX_TITLE_CHARS = 200
/** Longest message kept (characters). */
const MAX_MESSAGE_CHARS = 4000
/** How many names the overflow annotation lists. */
const OVERFLOW_NAMES = 5

/** Options of `renderAnnotations`. */
export interface AnnotationOptions {
  /** Annotations shown per level, the summary included; default 10 (GitHub's cap). */
  perLevel?: number
}

/**
 * Annotations for a run: config errors and blocked servers as `error`, warned servers as
 * `warning` (an `excepted` server as `notice`), capped per level as described above. Order:
 * config errors, then servers in model order (blocked first).
 * @throws RangeError when `perLevel` < 2 (one annotation plus the summary).
 */
export function renderAnnotations(
  model: ReportModel,
  options: AnnotationOptions = {}
): Annotation[] {
  const perLevel = options.perLevel ?? ANNOTATIONS_PER_LEVEL
  if (perLevel < 2) throw new RangeError(`perLevel must be at least 2, got ${perLevel}`)
  const items: { annotation: Annotation; label: string; kind: string }[] = []
  for (const c of model.configs) {
    if (!c.error) continue
    items.push({
      kind: 'invalid config files',
      label: c.path,
      annotation: {
        level: 'error',
        title: plain(`CONFIG_INVALID: ${c.path}`, MAX_TITLE_CHARS),
        message: plain(
          `${c.error.message}\nFix the syntax here; the other config files were still gated.`,
          MAX_MESSAGE_CHARS
        ),
        file: c.file,
        startLine: c.error.line,
        startColumn: c.error.column
      }
    })
  }
  for (const s of model.servers) {
    if (s.outcome === 'passed') {
      // A passing server whose grade went down against the base is still called out.
      if (s.change?.gradeDrop) {
        items.push({ kind: 'grades that went down', label: s.name, annotation: dropNotice(s) })
      }
      continue
    }
    const level: AnnotationLevel =
      s.outcome === 'blocked' ? 'error' : s.verdict === 'excepted' ? 'notice' : 'warning'
    items.push({
      kind:
        level === 'error'
          ? 'blocked servers'
          : level === 'warning'
            ? 'warned servers'
            : 'excepted servers',
      label: s.name,
      annotation: serverAnnotation(s, level)
    })
  }

  const out: Annotation[] = []
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = items.filter((i) => i.annotation.level === level)
    if (ofLevel.length <= perLevel) {
      out.push(...ofLevel.map((i) => i.annotation))
      continue
    }
    const shown = ofLevel.slice(0, perLevel - 1)
    const rest = ofLevel.slice(perLevel - 1)
    out.push(...shown.map((i) => i.annotation))
    out.push(overflow(level, rest))
  }
  return out
}

function serverAnnotation(s: ServerView, level: AnnotationLevel): Annotation {
  const codes = [...new Set(s.reasons.filter((r) => r.severity !== 'notice').map((r) => r.code))]
  const state =
    level === 'error'
      ? 'blocked'
      : s.verdict === 'excepted'
        ? `excepted${s.exceptionFacts ? ` by ${s.exceptionFacts.id}` : ''}`
        : 'warning'
  const lines = [`${s.package} · grade ${s.grade.text} · environment ${s.environment}`]
  for (const r of s.reasons) {
    lines.push(`${r.code} (${r.severity}): ${r.message}`)
    if (r.fix) lines.push(`  Fix: ${r.fix}`)
  }
  if (s.gradeProblem) lines.push(`Grader: ${s.gradeProblem}`)
  if (s.change) lines.push(changeLine(s.change))
  if (s.exceptionFacts) lines.push(exceptionLine(s.exception, s.exceptionFacts))
  return {
    level,
    title: plain(
      `MCP server ${s.name} ${state}${codes.length > 0 ? `: ${codes.join(', ')}` : ''}`,
      MAX_TITLE_CHARS
    ),
    message: plain(lines.join('\n'), MAX_MESSAGE_CHARS),
    file: s.file,
    startLine: s.line,
    startColumn: s.column
  }
}

/** A notice on a passing server whose grade went down against the base. */
function dropNotice(s: ServerView): Annotation {
  return {
    level: 'notice',
    title: plain(`MCP server ${s.name}: grade went down`, MAX_TITLE_CHARS),
    message: plain(
      `${s.package} · grade ${s.grade.text}\n${changeLine(s.change!)}`,
      MAX_MESSAGE_CHARS
    ),
    file: s.file,
    startLine: s.line,
    startColumn: s.column
  }
}

/** The change under review in one line: `Change: changed: 1.2.0 → 1.3.1; grade went down …`. */
function changeLine(change: NonNullable<ServerView['change']>): string {
  return `Change: ${change.text}${change.gradeDrop ? `; ${change.gradeDrop}` : ''}`
}

/**
 * The exception that covers the server, in one line: `Exception EXC-12 applied, 5 d left (waives
 * GRADE_BELOW_MIN) — .github/mcp-exceptions.yml:3`, with each problem of an invalid one.
 */
function exceptionLine(cell: string, x: ExceptionFacts): string {
  const waives = x.waived.length > 0 ? ` (waives ${x.waived.join(', ')})` : ''
  const where = x.source ? ` — ${x.source}` : ''
  const problems = x.problems.length > 0 ? `: ${x.problems.join('; ')}` : ''
  return `Exception ${cell}${waives}${where}${problems}`
}

function overflow(
  level: AnnotationLevel,
  rest: { annotation: Annotation; label: string; kind: string }[]
): Annotation {
  const first = rest[0]!.annotation
  const kinds = [...new Set(rest.map((r) => r.kind))]
  const names = rest.slice(0, OVERFLOW_NAMES).map((r) => r.label)
  const list = `${names.join(', ')}${rest.length > OVERFLOW_NAMES ? '…' : ''}`
  const what = kinds.length === 1 ? kinds[0]! : 'problems'
  return {
    level,
    title: plain(`…and ${rest.length} more ${what}`, MAX_TITLE_CHARS),
    message: plain(
      `and ${rest.length} more ${what}: ${list} — see the job summary for all of them.`,
      MAX_MESSAGE_CHARS
    ),
    file: first.file,
    startLine: first.startLine,
    startColumn: first.startColumn
  }
}

/** Plain text for annotations: control/bidi characters replaced per line, then clipped. */
function plain(text: string, max: number): string {
  return clip(text.split('\n').map(toOneLine).join('\n'), max)
}
