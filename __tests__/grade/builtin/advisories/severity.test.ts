import { describe, expect, it } from '@jest/globals'
import {
  advisorySeverity,
  cvssBand,
  cvssScore
} from '../../../../src/grade/builtin/advisories/severity.js'
import type { OsvRecord } from '../../../../src/grade/builtin/advisories/osv-record.js'
import { osvRecord } from './osv-fixtures.js'

describe('advisorySeverity with real records', () => {
  it('scores the CVSS v3.1 vector of GHSA-6xpm-ggf7-wc3p (mcp-remote): 9.6 critical', () => {
    expect(advisorySeverity(osvRecord('GHSA-6xpm-ggf7-wc3p'))).toEqual({
      level: 'critical',
      source: 'CVSS_V3 9.6'
    })
  })

  it('scores the CVSS v4 vector of GHSA-hc55-p739-j48w (server-filesystem)', () => {
    // CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:H/SC:H/SI:H/SA:H is 7.3 (FIRST calculator).
    expect(advisorySeverity(osvRecord('GHSA-hc55-p739-j48w'))).toEqual({
      level: 'high',
      source: 'CVSS_V4 7.3'
    })
  })

  it('prefers v4 over v3, and uses the threat metrics the v4 vector carries', () => {
    // GHSA-p6rm-483j-37jf has v3 5.6 and v4 with E:P (CVSS-BT 2.9); GHSA rates it LOW.
    expect(advisorySeverity(osvRecord('GHSA-p6rm-483j-37jf'))).toEqual({
      level: 'low',
      source: 'CVSS_V4 2.9'
    })
  })

  it('scores the critical v4 vector of GHSA-3ch2-jxxc-v4xf', () => {
    const severity = advisorySeverity(osvRecord('GHSA-3ch2-jxxc-v4xf'))
    expect(severity.level).toBe('critical')
    expect(severity.source).toMatch(/^CVSS_V4 9\.\d$/)
  })

  it('MAL- records are critical', () => {
    expect(advisorySeverity(osvRecord('MAL-2025-47604'))).toEqual({
      level: 'critical',
      source: 'MAL record'
    })
  })
})

describe('advisorySeverity fallbacks', () => {
  const base: OsvRecord = { id: 'GHSA-xxxx-xxxx-xxxx' }

  it('falls back to the GHSA rating when no vector can be read', () => {
    expect(
      advisorySeverity({
        ...base,
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:Q' }],
        database_specific: { severity: 'MODERATE' }
      })
    ).toEqual({ level: 'medium', source: 'GHSA MODERATE' })
    expect(advisorySeverity({ ...base, database_specific: { severity: 'low' } })).toEqual({
      level: 'low',
      source: 'GHSA LOW'
    })
  })

  it('treats an unknown severity as medium', () => {
    expect(advisorySeverity(base)).toEqual({
      level: 'medium',
      source: 'unknown (treated as medium)'
    })
    expect(advisorySeverity({ ...base, database_specific: { severity: 'SEVERE' } }).level).toBe(
      'medium'
    )
  })

  it('uses v2 vectors when nothing newer is given, and the package severity first', () => {
    expect(
      advisorySeverity({
        ...base,
        severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }]
      })
    ).toEqual({ level: 'high', source: 'CVSS_V2 7.5' })
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]
    }
    const affected = {
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N' }]
    }
    expect(advisorySeverity(record)).toEqual({ level: 'critical', source: 'CVSS_V3 9.8' })
    expect(advisorySeverity(record, affected).level).toBe('low')
  })
})

describe('cvssBand and cvssScore', () => {
  it('bands by the CVSS qualitative scale', () => {
    expect(cvssBand(0)).toBe('low')
    expect(cvssBand(3.9)).toBe('low')
    expect(cvssBand(4)).toBe('medium')
    expect(cvssBand(6.9)).toBe('medium')
    expect(cvssBand(7)).toBe('high')
    expect(cvssBand(8.9)).toBe('high')
    expect(cvssBand(9)).toBe('critical')
    expect(cvssBand(10)).toBe('critical')
    expect(() => cvssBand(11)).toThrow(RangeError)
    expect(() => cvssBand(Number.NaN)).toThrow(RangeError)
  })

  it('returns null for vectors it cannot read', () => {
    expect(cvssScore({ type: 'CVSS_V3', score: 'garbage' })).toBeNull()
    expect(
      cvssScore({ type: 'CVSS_V4', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' })
    ).toBeNull()
    expect(cvssScore({ type: 'Ubuntu', score: 'high' })).toBeNull()
    expect(
      cvssScore({ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' })
    ).toBe(9.8)
  })
})
