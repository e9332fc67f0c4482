/**
 * The one-line outcome of a run, for `core.setFailed` and logs (SPEC §8: "fails the check with a
 * one-line reason"). Plain text: it is not rendered as Markdown.
 */
import type { ReportModel } from './model.js'

/** How many blocked servers the line names before "and N more". */
const NAMED = 3

/**
 * E.g. `2 of 8 MCP servers blocked under production: fs (UNPINNED), github (GRADE_BELOW_MIN,
 * QUARANTINE) and 1 invalid config file`. Names are cut to 60 characters and kept on one line.
 */
export function headline(model: ReportModel): string {
  const c = model.counts
  const envs = model.environments.join(', ') || 'the default environment'
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

function short(text: string): string {
  const one = text.replace(/[\r\n\t]+/g, ' ')
  return one.length > 60 ? `${one.slice(0, 59)}…` : one
}
