import { describe, expect, it } from '@jest/globals'
import { checkDocs, mentionsVersion } from '../../../src/grade/builtin/docs-rules.js'
import { analyseReadme } from '../../../src/grade/builtin/readme.js'
import { ids, packageFilesOf } from './helpers.js'

const prose = (words: number): string =>
  Array.from({ length: words }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}`).join(' ')

const GOOD_README = `# Weather MCP Server

[![npm](https://img.shields.io/npm/v/weather-mcp.svg)](https://npmjs.com/weather-mcp)

${prose(80)}

## Installation

\`\`\`json
{ "mcpServers": { "weather": { "command": "npx", "args": ["-y", "weather-mcp@1.2.3"] } } }
\`\`\`

## Tools

- \`get_forecast\`: the forecast for a city.
`

const SECURITY = 'Report vulnerabilities to security@example.com.'
const CHANGELOG = '# Changelog\n\n## 1.2.3\n- fixes\n'

function docsOf(files: Record<string, string>, version = '1.2.3'): string[] {
  return ids(checkDocs(packageFilesOf(files), version))
}

describe('checkDocs', () => {
  it('finds nothing to deduct for a complete set of documents', () => {
    expect(
      docsOf({ 'README.md': GOOD_README, 'SECURITY.md': SECURITY, 'CHANGELOG.md': CHANGELOG })
    ).toEqual([])
  })

  it('deducts most for a missing README', () => {
    const findings = checkDocs(packageFilesOf({ 'SECURITY.md': SECURITY }), '1.2.3')
    expect(findings[0]).toMatchObject({ ruleId: 'docs.readme-missing', deduction: 60 })
    // a README in a sub-folder is not the package's README
    expect(docsOf({ 'docs/README.md': GOOD_README })).toContain('docs.readme-missing')
  })

  it('deducts for a README that is only a title', () => {
    const findings = checkDocs(
      packageFilesOf({ 'README.md': '# my-mcp\n\nAn MCP server.\n' }),
      '1.2.3'
    )
    expect(ids(findings)).toEqual([
      'docs.readme-thin',
      'docs.readme-no-usage',
      'docs.readme-no-mcp-setup',
      'docs.security-policy-missing',
      'docs.changelog-missing'
    ])
    expect(findings[0]?.evidence).toEqual({
      file: 'README.md',
      snippet: '3 words of prose (fewer than 60); headings: my-mcp'
    })
  })

  it('deducts for template text left in a long README', () => {
    const readme = `# App\n\nThis project was bootstrapped with create-thing.\n\n${prose(100)}\n\n## Usage\n\nAdd it to mcpServers.\n`
    const findings = checkDocs(packageFilesOf({ 'README.md': readme }), '1.2.3')
    expect(findings.find((f) => f.ruleId === 'docs.readme-thin')?.evidence).toEqual({
      file: 'README.md',
      line: 3,
      snippet: 'template text: This project was bootstrapped with create-thing.'
    })
  })

  it('does not count code, badges and headings as prose', () => {
    const readme = `# Title\n\n![logo](x.png) [![ci](b.svg)](c)\n\n\`\`\`\n${prose(200)}\n\`\`\`\n## Usage\n`
    expect(analyseReadme(readme).proseWords).toBe(0)
  })

  it('wants a usage section and tools or client setup', () => {
    const noSections = `# Weather\n\n${prose(80)}\n`
    expect(
      docsOf({ 'README.md': noSections, 'SECURITY.md': SECURITY, 'CHANGELOG.md': CHANGELOG })
    ).toEqual(['docs.readme-no-usage', 'docs.readme-no-mcp-setup'])
    const setext = `Weather\n=======\n\n${prose(80)}\n\nGetting started\n---------------\n\nThe server exposes these tools: a, b.\n`
    expect(
      docsOf({ 'README.md': setext, 'SECURITY.md': SECURITY, 'CHANGELOG.md': CHANGELOG })
    ).toEqual([])
  })

  it('says when the README is too large to analyse, without deducting', () => {
    const files = packageFilesOf({}, { entries: [{ path: 'README.md', size: 5e6, kept: false }] })
    const findings = checkDocs(files, '1.0.0')
    expect(findings[0]).toMatchObject({ ruleId: 'docs.readme-not-analysed', severity: 'info' })
    expect(findings[0]?.deduction).toBeUndefined()
  })

  it('checks SECURITY.md for a way to report', () => {
    const base = { 'README.md': GOOD_README, 'CHANGELOG.md': CHANGELOG }
    expect(docsOf({ ...base, 'SECURITY.md': 'We care about security.' })).toEqual([
      'docs.security-policy-no-contact'
    ])
    expect(
      docsOf({ ...base, '.github/SECURITY.md': 'Use a GitHub security advisory to report.' })
    ).toEqual([])
    expect(docsOf({ ...base, 'SECURITY.md': 'See https://example.com/security' })).toEqual([])
  })

  it('checks that the CHANGELOG mentions the graded version', () => {
    const base = { 'README.md': GOOD_README, 'SECURITY.md': SECURITY }
    const findings = checkDocs(packageFilesOf({ ...base, 'HISTORY.md': CHANGELOG }), '1.2.4')
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'docs.changelog-stale',
        evidence: { file: 'HISTORY.md', snippet: '1.2.4 is not mentioned' }
      })
    ])
  })
})

describe('mentionsVersion', () => {
  it('matches whole versions only', () => {
    expect(mentionsVersion('## [1.2.3] - 2026-01-01', '1.2.3')).toBe(true)
    expect(mentionsVersion('## v1.2.3', '1.2.3')).toBe(true)
    expect(mentionsVersion('1.2.30 and 11.2.3', '1.2.3')).toBe(false)
    expect(mentionsVersion('1.2.3-beta.1', '1.2.3')).toBe(false)
    expect(mentionsVersion('1.2.3.4', '1.2.3')).toBe(false)
  })
})
