import { describe, expect, it } from '@jest/globals'
import { AXES, type Axis } from '../../src/grade/report.js'
import {
  COMPLIANCE_CONTROLS,
  COMPLIANCE_FRAMEWORKS,
  COMPLIANCE_SOURCE,
  NOT_MAPPED_IN_SOURCE,
  complianceImpacts,
  controlRank
} from '../../src/policy/compliance.js'

/**
 * Written out by hand from /work/shared/reference/seeds/compliance-mapping.txt, sections 1–4:
 * `framework | control | sub-scores` exactly as the source's four tables list them.
 */
const SOURCE_ROWS: [string, string, Axis[]][] = [
  ['SOC 2', 'CC6.1', ['security']],
  ['SOC 2', 'CC6.3', ['permissions']],
  ['SOC 2', 'CC6.7', ['credentials']],
  ['SOC 2', 'CC7.1', ['maintenance']],
  ['SOC 2', 'CC8.1', ['maintenance']],
  ['SOC 2', 'CC2.2', ['documentation']],
  ['GDPR', 'Art. 25(1)', ['permissions']],
  ['GDPR', 'Art. 25(2)', ['permissions']],
  ['GDPR', 'Art. 32(1)(a)', ['security']],
  ['GDPR', 'Art. 32(1)(b)', ['credentials']],
  ['GDPR', 'Art. 32(1)(d)', ['maintenance']],
  ['HIPAA', '§164.312(a)(1)', ['security', 'permissions']],
  ['HIPAA', '§164.312(a)(2)(i)', ['permissions']],
  ['HIPAA', '§164.312(b)', ['security', 'maintenance']],
  ['HIPAA', '§164.312(c)(1)', ['security']],
  ['HIPAA', '§164.312(d)', ['credentials']],
  ['HIPAA', '§164.312(e)(1)', ['credentials', 'security']],
  ['ISO 27001', 'A.5.15', ['permissions']],
  ['ISO 27001', 'A.5.37', ['documentation']],
  ['ISO 27001', 'A.8.5', ['credentials']],
  ['ISO 27001', 'A.8.8', ['maintenance']],
  ['ISO 27001', 'A.8.20', ['security']],
  ['ISO 27001', 'A.8.24', ['credentials']],
  ['ISO 27001', 'A.8.28', ['security']]
]

const key = (framework: string, control: string, axis: string): string =>
  `${framework} ${control} ${axis}`

describe('the compliance mapping table', () => {
  it('holds exactly the controls and axes of the source, no more, no fewer', () => {
    const table = COMPLIANCE_CONTROLS.flatMap((c) =>
      c.axes.map((a) => key(c.framework, c.control, a))
    ).sort()
    const source = SOURCE_ROWS.flatMap(([f, c, axes]) => axes.map((a) => key(f, c, a))).sort()
    expect(table).toEqual(source)
    expect(COMPLIANCE_CONTROLS).toHaveLength(SOURCE_ROWS.length)
  })

  it('uses the source’s short control names', () => {
    const title = (control: string): string | undefined =>
      COMPLIANCE_CONTROLS.find((c) => c.control === control)?.title
    expect(title('CC6.1')).toBe('Logical access controls')
    expect(title('Art. 32(1)(b)')).toBe('Confidentiality')
    expect(title('§164.312(e)(1)')).toBe('Transmission security')
    expect(title('A.8.8')).toBe('Management of technical vulnerabilities')
    for (const c of COMPLIANCE_CONTROLS) expect(c.title.length).toBeGreaterThan(3)
  })

  it('lists each control once', () => {
    const ids = COMPLIANCE_CONTROLS.map((c) => `${c.framework} ${c.control}`)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('maps every axis and framework to a control, or says the source gives none', () => {
    for (const axis of AXES) {
      for (const framework of COMPLIANCE_FRAMEWORKS) {
        const mapped = COMPLIANCE_CONTROLS.some(
          (c) => c.framework === framework && c.axes.includes(axis)
        )
        const gap = NOT_MAPPED_IN_SOURCE.some((g) => g.axis === axis && g.framework === framework)
        expect(`${axis}/${framework}: ${mapped ? 'mapped' : 'none'}`).toBe(
          `${axis}/${framework}: ${gap ? 'none' : 'mapped'}`
        )
      }
    }
    // The gaps the source leaves, by hand: compatibility everywhere, documentation in GDPR/HIPAA.
    expect(NOT_MAPPED_IN_SOURCE.map((g) => `${g.axis}/${g.framework}`).sort()).toEqual(
      [
        'compatibility/GDPR',
        'compatibility/HIPAA',
        'compatibility/ISO 27001',
        'compatibility/SOC 2',
        'documentation/GDPR',
        'documentation/HIPAA'
      ].sort()
    )
  })

  it('is grouped by framework in report order', () => {
    const order = COMPLIANCE_CONTROLS.map((c) => COMPLIANCE_FRAMEWORKS.indexOf(c.framework))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(controlRank('SOC 2', 'CC2.2')).toBe(0)
    expect(controlRank('ISO 27001', 'A.8.28')).toBe(COMPLIANCE_CONTROLS.length - 1)
    expect(controlRank('SOC 2', 'CC9.9')).toBe(COMPLIANCE_CONTROLS.length)
  })

  it('names its source', () => {
    expect(COMPLIANCE_SOURCE).toMatch(/compliance mapping/)
    expect(COMPLIANCE_SOURCE).toMatch(/27001:2022/)
  })
})

describe('complianceImpacts', () => {
  it('maps the security axis to its controls in every framework, in stable order', () => {
    expect(complianceImpacts(['security']).map((i) => `${i.framework} ${i.control}`)).toEqual([
      'SOC 2 CC6.1',
      'GDPR Art. 32(1)(a)',
      'HIPAA §164.312(a)(1)',
      'HIPAA §164.312(b)',
      'HIPAA §164.312(c)(1)',
      'HIPAA §164.312(e)(1)',
      'ISO 27001 A.8.20',
      'ISO 27001 A.8.28'
    ])
  })

  it.each([
    ['security', 8],
    ['permissions', 6],
    ['credentials', 6],
    ['maintenance', 5],
    ['compatibility', 0],
    ['documentation', 2]
  ] as [Axis, number][])('maps %s to %i controls, as the source does', (axis, n) => {
    const impacts = complianceImpacts([axis])
    expect(impacts).toHaveLength(n)
    for (const i of impacts) expect(i.axis).toBe(axis)
    const frameworks = new Set(impacts.map((i) => i.framework))
    for (const framework of COMPLIANCE_FRAMEWORKS) {
      const gap = NOT_MAPPED_IN_SOURCE.some((g) => g.axis === axis && g.framework === framework)
      expect(frameworks.has(framework)).toBe(!gap)
    }
  })

  it('gives each (control, axis) once, however often an axis is given', () => {
    const impacts = complianceImpacts(['credentials', 'security', 'credentials', 'security'])
    const keys = impacts.map((i) => key(i.framework, i.control, i.axis))
    expect(new Set(keys).size).toBe(keys.length)
    expect(impacts).toHaveLength(8 + 6)
    // A control both axes map to is listed per axis, in AXES order.
    const transmission = impacts.filter((i) => i.control === '§164.312(e)(1)')
    expect(transmission.map((i) => i.axis)).toEqual(['security', 'credentials'])
    expect(transmission[0]!.title).toBe('Transmission security')
  })

  it('orders by framework, then control, whatever order the axes come in', () => {
    const a = complianceImpacts(['maintenance', 'permissions'])
    const b = complianceImpacts(['permissions', 'maintenance'])
    expect(a).toEqual(b)
    const ranks = a.map((i) => controlRank(i.framework, i.control))
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y))
    expect(a[0]).toEqual({
      axis: 'permissions',
      framework: 'SOC 2',
      control: 'CC6.3',
      title: 'Access removal & least privilege'
    })
  })

  it('is empty for no axes and for axes the source does not map', () => {
    expect(complianceImpacts([])).toEqual([])
    expect(complianceImpacts(['compatibility'])).toEqual([])
  })

  it('covers every control of the table when every axis fails', () => {
    const controls = new Set(complianceImpacts(AXES).map((i) => `${i.framework} ${i.control}`))
    expect(controls.size).toBe(COMPLIANCE_CONTROLS.length)
  })
})
