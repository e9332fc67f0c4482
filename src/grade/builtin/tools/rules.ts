/**
 * The declared-tools part of the built-in grader's rubric (docs/grading.md "Tool rules"): what a
 * server's tools let a model do (permissions axis) and whether their descriptions try to steer
 * the model (security axis: tool poisoning, Invariant Labs, April 2025; MCP specification
 * 2025-06-18, "Security and Trust & Safety" and `ToolAnnotations`).
 *
 * Language-agnostic: it reads `DeclaredTool`s, whichever language they were extracted from
 * (JavaScript/TypeScript: `js-declared-tools.ts`; Python: the Python analysis).
 *
 * Deductions are points off the rule's axis (0–100) and are this project's judgement: one
 * poisoned description (−40, critical) is disqualifying on its own; a command runner (−15) costs
 * a letter; gaps in annotations or input constraints cost a few points. CWE ids are MITRE CWE
 * 4.x (CWE-1427: improper neutralization of input used for LLM prompting).
 *
 * Caps (`checkDeclaredTools`): one finding per rule per tool; a per-tool rule deducts for at most
 * `MAX_DEDUCTING_TOOLS[rule]` tools; poisoning rules report at most `MAX_FINDINGS_PER_RULE`
 * tools (later ones without deduction, then not at all), permission rules only the tools they
 * deduct for, the last finding naming the others; `tools.annotations-missing` and
 * `tools.many` fire at most once per server.
 */
import type { DeclaredTool, Finding } from '../../report.js'
import { findingOf, quote } from '../finding.js'
import type { RuleDefinition } from '../rule.js'
import { destructiveEvidence, execEvidence, unconstrainedRiskyParameters } from './capabilities.js'
import { encodedPayload, hiddenInstruction, invisibleUnicode, secretAccess } from './poisoning.js'
import { escapeInvisible } from './tool-text.js'

/** Tool rules by short name (ids are stable; see docs/grading.md). */
export const TOOL_RULE = {
  exec: {
    id: 'tools.exec',
    axis: 'permissions',
    severity: 'high',
    deduction: 15,
    title: 'A tool runs commands, a shell or code',
    cwe: 'CWE-749',
    rationale:
      'A tool whose name (`exec`, `run_command`, `shell`, `eval`), description ("Execute a shell command") or free-text `command`/`cmd`/`script` parameter (or `code`, on a tool that runs it) says it runs commands or code: whoever steers the model — including a prompt injection in any text it reads — can run anything the server can. One finding per tool.'
  },
  destructiveUnannotated: {
    id: 'tools.destructive-unannotated',
    axis: 'permissions',
    severity: 'medium',
    deduction: 10,
    title: 'A tool that deletes or changes things does not declare destructiveHint: true',
    rationale:
      'A tool whose name (`delete`, `remove`, `write`, `move`, `kill`, `drop`, `update`, …) or opening words ("Permanently delete …") say it changes or destroys state, but which does not declare `destructiveHint: true`, or which claims `readOnlyHint: true`: clients use these MCP annotations to decide when to ask the user first. One finding per tool.'
  },
  unconstrainedInput: {
    id: 'tools.unconstrained-input',
    axis: 'permissions',
    severity: 'medium',
    deduction: 5,
    title: 'A tool takes a path, URL, command or SQL as unconstrained text',
    cwe: 'CWE-20',
    rationale:
      'A `path`/`file`/`dir`/`url`/`uri`/`command`/`cmd`/`sql`/`script` parameter (or `query` on a database tool) is a free string: no enum, pattern, format or length limit narrows it in the schema the model sees. One finding per tool, listing the parameters; deducts for at most 3 tools.'
  },
  annotationsMissing: {
    id: 'tools.annotations-missing',
    axis: 'permissions',
    severity: 'low',
    deduction: 5,
    title: 'No tool declares MCP tool annotations',
    rationale:
      'The server declares tools but none of them sets `readOnlyHint`, `destructiveHint`, `idempotentHint` or `openWorldHint`, so a client cannot tell a harmless lookup from a destructive call. Once per server.'
  },
  many: {
    id: 'tools.many',
    axis: 'permissions',
    severity: 'low',
    deduction: 5,
    title: 'The server declares more than 40 tools',
    rationale:
      'More than 40 distinct tool names: a wide surface for a model to misuse, and more text in every prompt for an injection to hide in. The evidence is the number. Once per server.'
  },
  hiddenInstructions: {
    id: 'tools.hidden-instructions',
    axis: 'security',
    severity: 'critical',
    deduction: 40,
    title: 'A tool description hides instructions to the model',
    cwe: 'CWE-1427',
    rationale:
      'A tool or parameter description addresses the model instead of describing the tool: `<IMPORTANT>`/`<system>` tags, "ignore previous instructions", "do not tell the user", "before using this tool, read …", "secretly", "otherwise the tool will not work" (tool poisoning, Invariant Labs 2025). One finding per tool.'
  },
  secretAccess: {
    id: 'tools.secret-access',
    axis: 'security',
    severity: 'critical',
    deduction: 40,
    title: 'A tool description asks for secrets or steers other tools',
    cwe: 'CWE-1427',
    rationale:
      'A tool or parameter description tells the model to read or send secrets or sensitive files (`~/.ssh`, `id_rsa`, `.env`, `mcp.json`, cloud credentials, API keys), or to change how other servers’ tools are used ("when the … tool is available", "instead of using the … tool": tool shadowing). One finding per tool.'
  },
  invisibleUnicode: {
    id: 'tools.invisible-unicode',
    axis: 'security',
    severity: 'high',
    deduction: 25,
    title: 'A tool name or description contains invisible Unicode characters',
    cwe: 'CWE-451',
    rationale:
      'Zero-width characters, bidi controls (U+202A–202E, U+2066–2069), tag characters (U+E0000–E007F), variation-selector runs or other format (Cf) characters in a tool or parameter name or description hide or reorder text the model reads and the user does not see. Emoji joiners and presentation selectors are not counted. The evidence shows them as `\\u{…}` escapes. One finding per tool.'
  },
  encodedPayload: {
    id: 'tools.encoded-payload',
    axis: 'security',
    severity: 'high',
    deduction: 20,
    title: 'A tool description carries an encoded payload',
    cwe: 'CWE-1427',
    rationale:
      'A base64 run of 40+ characters or a hex run of 64+ digits that decodes to mostly printable text, or a run of 8+ `\\xNN`/`\\uNNNN`/`%NN` escapes, in a tool or parameter description: text meant for the model, not for the reader. The evidence shows what it decodes to. One finding per tool.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every tool rule (for docs/grading.md and its test). */
export const TOOL_RULES: readonly RuleDefinition[] = Object.freeze(Object.values(TOOL_RULE))

type PerToolRule = Exclude<keyof typeof TOOL_RULE, 'annotationsMissing' | 'many'>

/** For each per-tool rule, how many tools it deducts for at most (see the module doc). */
export const MAX_DEDUCTING_TOOLS: Readonly<Record<PerToolRule, number>> = Object.freeze({
  exec: 3,
  destructiveUnannotated: 3,
  unconstrainedInput: 3,
  hiddenInstructions: 3,
  secretAccess: 3,
  invisibleUnicode: 3,
  encodedPayload: 3
})

/** Most findings one per-tool rule reports for a server. */
export const MAX_FINDINGS_PER_RULE = 20

/**
 * Permission rules report only the tools they deduct for: the last finding names how many more
 * tools match (a filesystem server's every tool takes a path; one line each would bury the
 * findings that matter). Tool-poisoning rules list up to `MAX_FINDINGS_PER_RULE` tools.
 */
const REPORTS_ONLY_DEDUCTING: ReadonlySet<PerToolRule> = new Set<PerToolRule>([
  'exec',
  'destructiveUnannotated',
  'unconstrainedInput'
])

/** Above this many distinct tool names, `tools.many` fires. */
export const MANY_TOOLS = 40

/** Per-tool rules in report order: security first. */
const PER_TOOL_ORDER: readonly PerToolRule[] = [
  'hiddenInstructions',
  'secretAccess',
  'invisibleUnicode',
  'encodedPayload',
  'exec',
  'destructiveUnannotated',
  'unconstrainedInput'
]

/**
 * The findings of the tool rules for the tools one server declares (see the module doc for the
 * caps). Evidence: the tool's file and line, and a snippet naming the tool with the offending
 * part (escaped; secrets masked by `findingOf`). No tools, no findings. Never throws.
 */
export function checkDeclaredTools(tools: readonly DeclaredTool[]): Finding[] {
  const findings: Finding[] = []
  for (const key of PER_TOOL_ORDER) {
    const rule = TOOL_RULE[key]
    const limit = REPORTS_ONLY_DEDUCTING.has(key) ? MAX_DEDUCTING_TOOLS[key] : MAX_FINDINGS_PER_RULE
    let reported = 0
    const unreported: string[] = []
    for (const tool of tools) {
      const evidence = PER_TOOL_CHECKS[key](tool)
      if (evidence === undefined) continue
      if (reported >= limit) {
        unreported.push(escapeInvisible(tool.name))
        continue
      }
      const finding = findingOf(rule, {
        file: tool.evidence?.file,
        line: tool.evidence?.line,
        snippet: `tool ${escapeInvisible(tool.name)} — ${evidence}`
      })
      if (reported >= MAX_DEDUCTING_TOOLS[key]) delete finding.deduction
      findings.push(finding)
      reported += 1
    }
    const last = findings[findings.length - 1]
    if (unreported.length > 0 && last?.ruleId === rule.id && last.evidence?.snippet) {
      const names = unreported.slice(0, 5).join(', ')
      const more = unreported.length > 5 ? ` and ${unreported.length - 5} more` : ''
      last.evidence.snippet = quote(
        `${last.evidence.snippet}; also ${unreported.length} more tool${unreported.length === 1 ? '' : 's'} (${names}${more})`
      )
    }
  }
  const first = tools[0]
  if (first && tools.every((tool) => Object.keys(tool.annotations).length === 0)) {
    findings.push(
      findingOf(TOOL_RULE.annotationsMissing, {
        file: first.evidence?.file,
        line: first.evidence?.line,
        snippet: `none of the ${tools.length} tool${tools.length === 1 ? '' : 's'} declares readOnlyHint, destructiveHint, idempotentHint or openWorldHint`
      })
    )
  }
  const names = new Set(tools.map((tool) => tool.name))
  if (first && names.size > MANY_TOOLS) {
    findings.push(
      findingOf(TOOL_RULE.many, {
        file: first.evidence?.file,
        snippet: `${names.size} tools declared (more than ${MANY_TOOLS})`
      })
    )
  }
  return findings
}

/** The texts of a tool a model reads: its description, then each parameter's description. */
function describedTexts(tool: DeclaredTool): Array<{ label: string; text: string }> {
  const texts: Array<{ label: string; text: string }> = []
  if (tool.description) texts.push({ label: 'description', text: tool.description })
  for (const parameter of tool.parameters) {
    if (parameter.description) {
      texts.push({
        label: `parameter ${escapeInvisible(parameter.name)} description`,
        text: parameter.description
      })
    }
  }
  return texts
}

/** The first text of `tool` on which `detect` finds something, as `label: excerpt`. */
function inTexts(
  tool: DeclaredTool,
  detect: (text: string) => string | undefined,
  withNames = false
): string | undefined {
  const texts = describedTexts(tool)
  if (withNames) {
    texts.unshift({ label: 'name', text: tool.name })
    for (const parameter of tool.parameters) {
      texts.push({ label: 'parameter name', text: parameter.name })
    }
  }
  for (const { label, text } of texts) {
    const found = detect(text)
    if (found !== undefined) return `${label}: ${found}`
  }
  return undefined
}

/** Why `tool` breaks `destructiveUnannotated`, or undefined. */
function destructiveUnannotated(tool: DeclaredTool): string | undefined {
  const evidence = destructiveEvidence(tool)
  if (evidence === undefined) return undefined
  if (tool.annotations.readOnlyHint === true) return `${evidence}, yet readOnlyHint: true`
  if (tool.annotations.destructiveHint !== true) {
    const declared =
      tool.annotations.destructiveHint === false ? 'destructiveHint: false' : 'no destructiveHint'
    return `${evidence}, ${declared}`
  }
  return undefined
}

const PER_TOOL_CHECKS: Readonly<Record<PerToolRule, (tool: DeclaredTool) => string | undefined>> = {
  hiddenInstructions: (tool) => inTexts(tool, hiddenInstruction),
  secretAccess: (tool) => inTexts(tool, secretAccess),
  invisibleUnicode: (tool) => inTexts(tool, invisibleUnicode, true),
  encodedPayload: (tool) => inTexts(tool, encodedPayload),
  exec: execEvidence,
  destructiveUnannotated,
  unconstrainedInput: (tool) => {
    const names = unconstrainedRiskyParameters(tool)
    return names.length > 0
      ? `unconstrained parameter${names.length === 1 ? '' : 's'} ${names.map(escapeInvisible).join(', ')}`
      : undefined
  }
}
