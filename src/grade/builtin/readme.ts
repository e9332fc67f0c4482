/**
 * What a README says, judged on substance rather than presence (rubric in docs/grading.md):
 * words of prose, headings, template text left in place, an installation/usage/configuration
 * section, and whether it lists the server's tools or shows how to add it to an MCP client.
 *
 * A line-based Markdown reading (ATX and setext headings, fenced code, HTML headings) is enough
 * for these questions.
 */

/** What `analyseReadme` found. */
export interface ReadmeAnalysis {
  /** Words of prose: outside headings, code blocks, badges, images, HTML tags and URLs. */
  proseWords: number
  /** Heading texts in order, with their 1-based line. */
  headings: Array<{ text: string; line: number }>
  /** Template text found (the matched phrase and its line), or null. */
  boilerplate: { text: string; line: number } | null
  /** First heading about installing, setting up, using or configuring the server, or null. */
  usageHeading: { text: string; line: number } | null
  /** First heading or phrase about the tools the server offers, or null. */
  toolsMention: { text: string; line: number } | null
  /** First MCP client configuration marker (`mcpServers`, `claude mcp add`, …), or null. */
  clientSetup: { text: string; line: number } | null
}

const USAGE_HEADING =
  /\b(install|installation|installing|setup|set up|setting up|getting started|get started|quick ?start|usage|how to use|using|configur\w*|running|run)\b/i
const TOOLS_HEADING = /\btools?\b|\bcapabilit(y|ies)\b/i
const TOOLS_PHRASE =
  /\b(available|provided|exposed|supported|following|offers?|provides?|exposes?)\s+(\w+\s+)?tools\b|\btools\/list\b/i
const CLIENT_SETUP =
  /mcpServers|claude_desktop_config|"servers"\s*:|context_servers|\[mcp_servers|claude mcp add|--add-mcp|\.cursor\/mcp\.json|\.vscode\/mcp\.json|mcp\.json/i
const BOILERPLATE =
  /bootstrapped with|this template|lorem ipsum|describe your project|add your (project )?description|project title|your project name|replace this (text|readme)|todo: write|coming soon/i

/** Analyse a README's text (any size the caller chose to read). Pure; never throws. */
export function analyseReadme(text: string): ReadmeAnalysis {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const result: ReadmeAnalysis = {
    proseWords: 0,
    headings: [],
    boilerplate: null,
    usageHeading: null,
    toolsMention: null,
    clientSetup: null
  }
  let fence: string | null = null
  lines.forEach((raw, index) => {
    const line = index + 1
    const trimmed = raw.trim()
    if (!result.clientSetup) {
      const setup = CLIENT_SETUP.exec(raw)
      if (setup) result.clientSetup = { text: setup[0], line }
    }
    const fenceMark = /^(```+|~~~+)/.exec(trimmed)
    if (fence) {
      if (
        fenceMark &&
        fenceMark[1]?.[0] === fence[0] &&
        (fenceMark[1]?.length ?? 0) >= fence.length
      ) {
        fence = null
      }
      return
    }
    if (fenceMark) {
      fence = fenceMark[1] ?? '```'
      return
    }
    const heading = headingOf(trimmed, lines[index + 1]?.trim())
    if (heading !== null) {
      result.headings.push({ text: heading, line })
      if (!result.usageHeading && USAGE_HEADING.test(heading)) {
        result.usageHeading = { text: heading, line }
      }
      if (!result.toolsMention && TOOLS_HEADING.test(heading)) {
        result.toolsMention = { text: heading, line }
      }
    } else if (
      /^(=+|-+)$/.test(trimmed) &&
      index > 0 &&
      headingOf(lines[index - 1]?.trim() ?? '', trimmed) !== null
    ) {
      return // setext underline of the previous line's heading
    } else {
      const prose = proseOf(trimmed)
      result.proseWords += (prose.match(/[\p{L}]{2,}/gu) ?? []).length
      if (!result.toolsMention) {
        const phrase = TOOLS_PHRASE.exec(prose)
        if (phrase) result.toolsMention = { text: phrase[0], line }
      }
    }
    if (!result.boilerplate) {
      const template = BOILERPLATE.exec(trimmed)
      if (template) result.boilerplate = { text: trimmed.slice(0, 120), line }
    }
  })
  return result
}

/** Heading text of a line (ATX `# x`, HTML `<h2>x</h2>`, or setext when `next` is `===`/`---`). */
function headingOf(line: string, next: string | undefined): string | null {
  const atx = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
  if (atx) return clean(atx[1] ?? '')
  const html = /^<h[1-6][^>]*>(.*?)<\/h[1-6]>/i.exec(line)
  if (html) return clean(html[1] ?? '')
  if (line !== '' && next !== undefined && /^(=+|-{2,})$/.test(next) && !/^[-*+>|]/.test(line)) {
    return clean(line)
  }
  return null
}

/** Prose of a line without badges, images, HTML tags, link targets, URLs and table bars. */
function proseOf(line: string): string {
  return line
    .replace(/\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)/g, ' ') // linked badge
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ') // image
    .replace(/<[^>]+>/g, ' ') // HTML tag
    .replace(/\]\([^)]*\)/g, ']') // link target
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/`[^`]*`/g, ' code ')
}

function clean(text: string): string {
  return proseOf(text)
    .replace(/[*_`[\]]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}
