import { describe, expect, it } from '@jest/globals'
import {
  AdvisoryRefSchema,
  gradeReportJsonSchema,
  GradeReportSchema,
  HttpUrlSchema,
  type GradeReport
} from '../../src/grade/report.js'

const report: GradeReport = {
  source: 'command',
  grader: { name: 'g', version: '1' },
  rubricVersion: 'r1',
  overall: { score: 80, grade: 'B' },
  subScores: {
    security: null,
    permissions: null,
    credentials: null,
    maintenance: null,
    compatibility: null,
    documentation: null
  },
  findings: [],
  auditedAt: '2026-01-01T00:00:00Z'
}

describe('HttpUrlSchema', () => {
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://files.example/x',
    'vbscript:msgbox(1)',
    '//grader.example/r/1',
    'not a url',
    `https://grader.example/${'x'.repeat(2000)}`
  ])('refuses %s', (url) => {
    expect(HttpUrlSchema.safeParse(url).success).toBe(false)
  })

  it.each([
    'https://grader.example/r/1',
    'http://grader.example:8080/r?id=1',
    'HTTPS://G.EXAMPLE/'
  ])('accepts %s', (url) => {
    expect(HttpUrlSchema.safeParse(url).success).toBe(true)
  })
})

describe('GradeReportSchema links', () => {
  it('refuses a javascript: report URL and a data: advisory URL', () => {
    const bad = GradeReportSchema.safeParse({ ...report, reportUrl: 'javascript:alert(1)' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.path).toEqual(['reportUrl'])
    expect(bad.error?.issues[0]?.message).toBe('expected an http(s) URL')
    expect(AdvisoryRefSchema.safeParse({ id: 'GHSA-1', url: 'data:,x' }).success).toBe(false)
    const finding = {
      ruleId: 'r',
      axis: 'security',
      severity: 'high',
      title: 't',
      advisory: { id: 'GHSA-1', url: 'data:text/html,x' }
    }
    expect(GradeReportSchema.safeParse({ ...report, findings: [finding] }).success).toBe(false)
  })

  it('keeps http(s) links', () => {
    const good = { ...report, reportUrl: 'https://grader.example/r/1' }
    expect(GradeReportSchema.parse(good)).toEqual(good)
  })

  it('publishes the scheme rule in the JSON Schema', () => {
    const schema = gradeReportJsonSchema() as {
      properties: { reportUrl: { format?: string; pattern?: string } }
    }
    expect(schema.properties.reportUrl.format).toBe('uri')
    const pattern = new RegExp(schema.properties.reportUrl.pattern ?? '')
    expect(pattern.test('https://x.example')).toBe(true)
    expect(pattern.test('javascript:alert(1)')).toBe(false)
  })
})
