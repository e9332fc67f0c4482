import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { describeIssues, parseApiAnswer, safeExcerpt } from '../../src/grade/api-answer.js'
import { GradeReportSchema } from '../../src/grade/report.js'
import { z } from 'zod'

const context = { graderName: 'grader.example', now: () => new Date('2026-01-01T00:00:00Z') }

function problemOf(json: unknown): string {
  const result = parseApiAnswer(json, context)
  if (result.ok) throw new Error(`expected an invalid answer, got ${JSON.stringify(result.report)}`)
  return result.problem
}

describe('parseApiAnswer', () => {
  it('turns a plain date into midnight UTC and keeps a zoned date-time', () => {
    const dated = parseApiAnswer({ overall_grade: 'A', audited_at: '2026-02-03' }, context)
    expect(dated.ok && dated.report.auditedAt).toBe('2026-02-03T00:00:00Z')
    const zoned = parseApiAnswer(
      { overall_grade: 'A', audited_at: '2026-02-03T10:00:00+02:00' },
      context
    )
    expect(zoned.ok && zoned.report.auditedAt).toBe('2026-02-03T10:00:00+02:00')
  })

  it('rejects a date-time without a zone rather than guessing one', () => {
    expect(problemOf({ overall_grade: 'A', audited_at: '2026-02-03T10:00:00' })).toMatch(
      /^audited_at: expected an ISO 8601 date-time with a time zone/
    )
  })

  it('accepts camelCase top-level fields', () => {
    const result = parseApiAnswer(
      { overallGrade: 'a', overallScore: 93, subScores: { security: 'B' }, rubricVersion: 'r7' },
      context
    )
    expect(result.ok && result.report.overall).toEqual({ score: 93, grade: 'A' })
    expect(result.ok && result.report.rubricVersion).toBe('r7')
    expect(result.ok && result.report.subScores.security).toEqual({ score: null, grade: 'B' })
  })

  it('rejects the same field under two spellings', () => {
    expect(problemOf({ overallGrade: 'A', overall_grade: 'B' })).toBe(
      'overall_grade: given twice, as "overallGrade" and "overall_grade"'
    )
    expect(
      problemOf({ overall_grade: 'A', sub_scores: { credentials: 'A', credentialExposure: 'F' } })
    ).toBe(
      'sub_scores.credentialExposure: the credentials axis is given twice, as "credentials" and "credentialExposure"'
    )
  })

  it.each([
    [{ security: {} }, 'sub_scores.security: expected at least one of score (0–100) and grade'],
    [{ security: { score: 50, grade: 'Q' } }, 'sub_scores.security.grade: expected a grade letter'],
    [{ security: { score: '50' } }, 'sub_scores.security.score: expected a number from 0 to 100'],
    [{ security: true }, 'sub_scores.security: expected a grade letter, a score from 0 to 100'],
    [{ security: [80] }, 'sub_scores.security: expected a grade letter, a score from 0 to 100'],
    [{ security: 'B+' }, 'sub_scores.security: expected a grade letter A, B, C, D or F']
  ])('rejects the sub-score %j', (subScores, expected) => {
    expect(problemOf({ overall_grade: 'A', sub_scores: subScores })).toContain(expected)
  })

  it('rejects a sub_scores key that names no axis, naming the key and the accepted names', () => {
    const problem = problemOf({ overall_grade: 'A', sub_scores: { 'Security Score': 'F' } })
    expect(problem).toMatch(/^sub_scores\["Security Score"\]: "Security Score" is not an axis: /)
    expect(problem).toContain('security, permissions, credentials')
    expect(problem).toContain('credential_exposure')
  })

  it('reads sub_scores keys and finding axes written as words', () => {
    const result = parseApiAnswer(
      {
        overall_grade: 'A',
        sub_scores: { 'Permissions Hygiene': 'C', SECURITY: 'F' },
        findings: [{ id: 'r', axis: 'Credential Exposure', severity: 'low', title: 't' }]
      },
      context
    )
    if (!result.ok) throw new Error(result.problem)
    expect(result.report.subScores.permissions).toEqual({ score: null, grade: 'C' })
    expect(result.report.subScores.security).toEqual({ score: null, grade: 'F' })
    expect(result.report.findings[0]?.axis).toBe('credentials')
  })

  it('rejects sub_scores that is not an object', () => {
    expect(problemOf({ overall_grade: 'A', sub_scores: [1, 2] })).toBe(
      'sub_scores: expected an object of axis → score'
    )
  })

  it.each([
    [{ axis: 'security', severity: 'low', title: 't' }, 'findings[0].rule_id: is required (or id)'],
    [{ id: 'r', axis: 'security', severity: 'low' }, 'findings[0].title: is required (or message)'],
    [
      { id: 'r', axis: 'vibes', severity: 'low', title: 't' },
      'findings[0].axis: expected one of the axes'
    ],
    [
      { id: 'r', axis: 'security', severity: 'urgent', title: 't' },
      'findings[0].severity: expected critical'
    ],
    [
      { id: 'r', axis: 'security', severity: 'low', title: 't', cwe: 'XSS' },
      'findings[0].cwe: expected a CWE id'
    ],
    [{ id: 'r', axis: 'security', severity: 'low', title: 't', line: 0 }, 'findings[0].line'],
    [
      {
        id: 'r',
        axis: 'security',
        severity: 'low',
        title: 't',
        advisory: 'GHSA-1',
        advisory_id: 'GHSA-2'
      },
      'findings[0].advisory_id: disagrees with advisory.id'
    ],
    ['not an object', 'findings[0]: expected a JSON object']
  ])('rejects the finding %j, saying which', (finding, expected) => {
    expect(problemOf({ overall_grade: 'A', findings: [finding] })).toContain(expected)
  })

  it('maps an advisory object and nested evidence, and clips an over-long title', () => {
    const result = parseApiAnswer(
      {
        overall_grade: 'C',
        findings: [
          {
            ruleId: 'osv',
            axis: 'security',
            severity: 'high',
            title: 'T'.repeat(1500),
            cwe: 'cwe-22',
            evidence: { file: 'a.js', line: 2 },
            advisory: { id: 'GHSA-1', url: 'https://osv.dev/GHSA-1', fixedIn: '1.2.4' }
          }
        ]
      },
      context
    )
    if (!result.ok) throw new Error(result.problem)
    const [finding] = result.report.findings
    expect(finding?.title).toHaveLength(1000)
    expect(finding?.title.endsWith('…')).toBe(true)
    expect(finding?.cwe).toBe('CWE-22')
    expect(finding?.evidence).toEqual({ file: 'a.js', line: 2 })
    expect(finding?.advisory).toEqual({
      id: 'GHSA-1',
      url: 'https://osv.dev/GHSA-1',
      fixedIn: '1.2.4'
    })
  })

  it('counts the further problems', () => {
    expect(problemOf({ overall_grade: 'Z', overall_score: 300 })).toMatch(/\(and 1 more problem\)$/)
  })

  it('keeps a __proto__ key from the answer an ordinary, ignored key', () => {
    const json: unknown = JSON.parse('{"overall_grade": "A", "__proto__": {"overall_grade": "F"}}')
    const result = parseApiAnswer(json, context)
    expect(result.ok && result.report.overall.grade).toBe('A')
  })

  it('never throws and only ever yields a valid report, whatever the JSON', () => {
    const axisKey = fc.constantFrom('security', 'permissions_hygiene', 'credentialExposure', 'junk')
    const value = fc.oneof(
      fc.constantFrom('A', 'b', 'Z', '', null),
      fc.double({ min: -50, max: 300, noNaN: false }),
      fc.record(
        { score: fc.integer({ min: -10, max: 110 }), grade: fc.constantFrom('A', 'F', 'x') },
        {
          requiredKeys: []
        }
      ),
      fc.jsonValue()
    )
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              overall_grade: fc.constantFrom('A', 'c', 'G', 3),
              overall_score: value,
              sub_scores: fc.dictionary(axisKey, value),
              findings: fc.array(fc.jsonValue(), { maxLength: 3 }),
              report_url: fc.oneof(fc.webUrl(), fc.string())
            },
            { requiredKeys: ['overall_grade'] }
          )
        ),
        (json) => {
          const result = parseApiAnswer(json, context)
          const subScores = (json as { sub_scores?: unknown } | null)?.sub_scores
          // An unknown axis key never slips through as "not assessed" (fail closed).
          if (typeof subScores === 'object' && subScores !== null && 'junk' in subScores) {
            expect(result.ok).toBe(false)
          }
          if (result.ok) expect(GradeReportSchema.safeParse(result.report).success).toBe(true)
          else expect(result.problem.length).toBeGreaterThan(0)
        }
      ),
      { numRuns: 300 }
    )
  })
})

describe('describeIssues', () => {
  it('quotes odd path keys, sanitised', () => {
    const schema = z.record(z.string(), z.number())
    const result = schema.safeParse({ 'evil\u202ekey\nwith newline': 'x' })
    if (result.success) throw new Error('expected failure')
    expect(describeIssues(result.error)).toMatch(/^\["evil key with newline"\]: /)
  })
})

describe('safeExcerpt', () => {
  it('removes control and bidi characters, collapses whitespace and clips', () => {
    expect(safeExcerpt('a\u0000b\u001b[0m\u202e  c\n\n d', 80)).toBe('a b [0m c d')
    expect(safeExcerpt('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})

describe('scores outside sub_scores', () => {
  it.each([
    [{ overall_grade: 'A', subscores: { security: 'F', credentials: 'F' } }, 'subscores'],
    [{ overall_grade: 'A', scores: { security: 'F' } }, 'scores'],
    [{ overall_grade: 'A', security: 'F' }, 'security'],
    [{ overall_grade: 'A', credentialExposure: 'F' }, 'credential_exposure']
  ])('fails closed on %j', (json, key) => {
    const result = parseApiAnswer(json, context)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problem).toContain(key)
  })

  it('still ignores unrelated extra keys', () => {
    expect(parseApiAnswer({ overall_grade: 'A', vendor_note: 'hello', id: 7 }, context).ok).toBe(
      true
    )
  })
})
