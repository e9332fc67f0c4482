/**
 * The one-line outcome of a run, for `core.setFailed` and logs (SPEC §8: "fails the check with a
 * one-line reason"). Plain text: it is not rendered as Markdown.
 */
import { toOneLine } from './markdown.js'
import type { ReportModel } from './model.js'

/** How many blocked servers the line names before "and N more". */
const NAMED = 3

/**
 * E.g. `2 of 8 MCP servers blocked under production: fs (UNPINNED, CONFIG_RISK), github
 * (GRADE_BELOW_MIN, QUARANTINE); 1 invalid config file`. Each blocked server is named with the
 * distinct codes of its error-severity reasons (whatever the code: `CONFIG_RISK`,
 * `LITERAL_SECRET`, `GRADER_ERROR`, …), or its verdict when it has none. Names and environments
 * are cut to 60 characters, and control, bidi and line-break characters are replaced, so the
 * result is always one line.
 */
export function headline(model: ReportModel): string {
  const c = model.counts
  const envs = model.environments.map(short).join(', ') || 'the default environment'
  const parts: string[] = []
  if (c.blocked > 0) {
    const blocked = model.servers.filter((s) => s.outcome === 'blocked')
    const named = blocked.slice(0, NAMED).map((s) => {
      const codes = [...new Set(s.reasons.filter((r) => r.severity === 'error').map((r) => r.code))]
      return `${short(s.name)} (${codes.join(', ') || s.verdict})`
    })
    const more = blocked.length > NAMED ? `, and ${blocked.length - NAMED} more` : ''
    parts.push(
      `${c.blocked} of ${c.servers} MCP server${c.servers === 1 ? '' : 's'} blocked under ${envs}: ${named.join(', ')}${more}`
    )
  }
  if (c.invalidConfigs > 0) {
    parts.push(`${c.invalidConfigs} invalid config file${c.invalidConfigs === 1 ? '' : 's'}`)
  }
  if (parts.length === 0) {
    return `${c.servers} MCP server${c.servers === 1 ? '' : 's'} checked under ${envs}: ${c.passed} passed, ${c.warned} with warnings`
  }
  return parts.join('; ')
}

/** `text` on one line (see `toOneLine`), at most 60 characters. */
function short(text: string): string {
  const one = toOneLine(text)
  return one.length > 60 ? `${one.slice(0, 59)}…` : one
}
