import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { ADVISORY_RULES } from '../../../src/grade/builtin/advisories/advisory-rules.js'
import { PACKAGE_RULES } from '../../../src/grade/builtin/package-rules.js'
import { PYPI_RULES } from '../../../src/grade/builtin/python/pypi-rules.js'
import { SOURCE_RULES } from '../../../src/grade/builtin/source/rules.js'
import { TOOL_RULES } from '../../../src/grade/builtin/tools/rules.js'
import type { RuleDefinition } from '../../../src/grade/builtin/rule.js'
import { AXIS_WEIGHTS, RUBRIC_VERSION } from '../../../src/grade/builtin/scoring.js'
import { AXES } from '../../../src/grade/report.js'

const doc = readFileSync(new URL('../../../docs/grading.md', import.meta.url), 'utf8')

/** Rows of Markdown tables: the cells of each `| a | b |` line, trimmed. */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
    )
}

describe('docs/grading.md', () => {
  const rows = tableRows(doc)

  it('states the rubric version', () => {
    expect(doc).toContain(`**Rubric version: ${RUBRIC_VERSION}**`)
  })

  const catalog = [
    ...PACKAGE_RULES,
    ...ADVISORY_RULES,
    ...SOURCE_RULES,
    ...TOOL_RULES,
    ...PYPI_RULES
  ]

  it.each(catalog.map((rule): [string, RuleDefinition] => [rule.id, rule]))(
    'lists %s with its axis, severity and deduction',
    (id, rule) => {
      const row = rows.find((cells) => cells[0] === `\`${id}\``)
      expect(row).toBeDefined()
      expect(row?.[1]).toBe(rule.axis)
      expect(row?.[2]).toBe(rule.severity)
      expect(Number(row?.[3])).toBe(rule.deduction)
      expect(row?.[4]?.length).toBeGreaterThan(20)
    }
  )

  it('lists no rule that the catalog does not have', () => {
    const known = new Set(catalog.map((r) => `\`${r.id}\``))
    const documented = rows
      .map((cells) => cells[0] ?? '')
      .filter((cell) =>
        /^`(npm|docs|license|mcp|tarball|advisory|source|tools|pypi)\.[a-z0-9-]+`$/.test(cell)
      )
    expect(documented.filter((cell) => !known.has(cell))).toEqual([])
  })

  it('documents the axis weights the scoring uses', () => {
    for (const axis of AXES) {
      expect(rows).toContainEqual([axis, String(AXIS_WEIGHTS[axis])])
    }
  })

  it('keeps the section for the config entry rules', () => {
    expect(doc).toMatch(
      /## Config entry rules\n\nThese rules look at the config entry itself \(code: `src\/grade\/builtin\/config-rules\.ts`\)/
    )
  })
})
