import { describe, expect, it } from '@jest/globals'
import { parseMinGrade, parseSubScoreFloors, PolicyInputError } from '../../src/policy/inputs.js'

describe('parseMinGrade', () => {
  it('accepts a letter in any case, with spaces', () => {
    expect(parseMinGrade('B')).toBe('B')
    expect(parseMinGrade(' a ')).toBe('A')
    expect(parseMinGrade('f')).toBe('F')
  })

  it('treats a blank input as not set', () => {
    expect(parseMinGrade('')).toBeUndefined()
    expect(parseMinGrade('   ')).toBeUndefined()
  })

  it.each(['B+', 'E', '75', 'good'])('rejects %p, naming what is allowed', (text) => {
    expect(() => parseMinGrade(text)).toThrow(PolicyInputError)
    expect(() => parseMinGrade(text)).toThrow(
      `min-grade "${text}" is not a grade: use one of A, B, C, D, F`
    )
  })
})

describe('sub-score-floors axis names', () => {
  it('knows axes in any case and the long report-card names (src/grade/axis-names.ts)', () => {
    expect(
      parseSubScoreFloors(
        'Security=80 permissions_hygiene=70 Credential-Exposure=B client_compatibility=C documentation_completeness=D'
      )
    ).toEqual({
      security: 80,
      permissions: 70,
      credentials: 75,
      compatibility: 60,
      documentation: 40
    })
    expect(() => parseSubScoreFloors('speed=80')).toThrow('unknown axis "speed"')
  })
})

describe('parseSubScoreFloors', () => {
  it('parses numbers and letters (letters are their lower bound)', () => {
    expect(parseSubScoreFloors('security=85,credentials=B')).toEqual({
      security: 85,
      credentials: 75
    })
  })

  it('accepts newlines, spaces, semicolons, ":" and spaces around "="', () => {
    expect(
      parseSubScoreFloors('security = 85\n  CREDENTIALS: b; maintenance=60.5  documentation=F\n')
    ).toEqual({ security: 85, credentials: 75, maintenance: 60.5, documentation: 0 })
  })

  it('accepts the long axis names', () => {
    expect(
      parseSubScoreFloors(
        'permissions_hygiene=70,credential_exposure=80,client_compatibility=C,documentation_completeness=D'
      )
    ).toEqual({ permissions: 70, credentials: 80, compatibility: 60, documentation: 40 })
  })

  it('reads letters under the given scale', () => {
    expect(parseSubScoreFloors('security=B', { A: 92, B: 80, C: 65, D: 45 })).toEqual({
      security: 80
    })
  })

  it('gives {} for a blank input', () => {
    expect(parseSubScoreFloors('  \n ')).toEqual({})
  })

  it('rejects an unknown axis, suggesting the close one and listing the axes', () => {
    const parse = () => parseSubScoreFloors('securty=85')
    expect(parse).toThrow(PolicyInputError)
    expect(parse).toThrow('unknown axis "securty" in "securty=85" (did you mean "security"?)')
    expect(parse).toThrow(
      'Axes: security, permissions, credentials, maintenance, compatibility, documentation'
    )
  })

  it.each(['security=150', 'security=-1', 'security=G', 'security=8x'])(
    'rejects the value in %p, saying what is allowed',
    (text) => {
      expect(() => parseSubScoreFloors(text)).toThrow(
        'is not a floor. Use a score from 0 to 100 or a grade letter A–F'
      )
    }
  )

  it('rejects an item that is not axis=value', () => {
    expect(() => parseSubScoreFloors('security85')).toThrow(
      '"security85" is not axis=value. Write items such as security=85,credentials=B'
    )
    expect(() => parseSubScoreFloors('security==85')).toThrow('is not axis=value')
  })

  it('rejects an axis given twice (also through an alias)', () => {
    expect(() => parseSubScoreFloors('credentials=80,credential_exposure=70')).toThrow(
      'credentials is given more than once'
    )
  })

  it('names the input on the error', () => {
    try {
      parseSubScoreFloors('nope=1')
      throw new Error('expected an error')
    } catch (error) {
      expect((error as PolicyInputError).input).toBe('sub-score-floors')
    }
  })
})
