import { describe, expect, it } from '@jest/globals'
import { complianceImpacts } from '../../src/policy/compliance.js'
import { evaluateServer, runVerdict } from '../../src/policy/evaluate.js'
import { makeReport, makeServer, policyFor } from './make.js'
import { judge, maintenanceGap, ORG_SERVERS, TODAY } from './org.js'

const axesOf = (impacts: { axis: string }[]) => [...new Set(impacts.map((i) => i.axis))]

describe('ServerResult.compliance: controls touched by failing axes (SPEC §8)', () => {
  it('is empty for a server whose axes all pass, even when the overall grade fails', () => {
    expect(judge(ORG_SERVERS.filesystem()).compliance).toEqual([])
    const overallOnly = judge(ORG_SERVERS.hr(), {
      grade: makeReport({ overall: 85 }),
      exceptions: null
    })
    expect(overallOnly.verdict).toBe('fail')
    expect(overallOnly.compliance).toEqual([])
  })

  it('lists the maintenance controls for a maintenance floor, also when an exception waives it', () => {
    const result = judge(ORG_SERVERS.slack(), { grade: maintenanceGap() })
    expect(result.verdict).toBe('excepted')
    expect(result.compliance).toEqual(complianceImpacts(['maintenance']))
    expect(result.compliance).toContainEqual(
      expect.objectContaining({ framework: 'SOC 2', control: 'CC7.1' })
    )
    expect(result.compliance).toContainEqual(
      expect.objectContaining({ framework: 'ISO 27001', control: 'A.8.8' })
    )
  })

  it('lists the security controls of a quarantined axis', () => {
    const result = judge(ORG_SERVERS.sqlite(), {
      grade: makeReport({ overall: 80, axes: { security: 50 } })
    })
    expect(axesOf(result.compliance)).toEqual(['security'])
    expect(result.compliance).toContainEqual(
      expect.objectContaining({ framework: 'SOC 2', control: 'CC6.1' })
    )
  })

  it('lists every failing axis, in AXES order within each control', () => {
    const grade = makeReport({
      overall: 76,
      axes: { documentation: 20, credentials: 70, maintenance: 74 }
    })
    const result = judge(ORG_SERVERS.filesystem(), { grade })
    expect(axesOf(result.compliance).sort()).toEqual([
      'credentials',
      'documentation',
      'maintenance'
    ])
    expect(result.compliance).toEqual(
      complianceImpacts(['credentials', 'maintenance', 'documentation'])
    )
  })

  it('uses the floors of the server’s data class (personal data: security ≥ 85)', () => {
    const result = judge(ORG_SERVERS.hr(), {
      grade: makeReport({ overall: 92, axes: { security: 80 } }),
      exceptions: null
    })
    expect(axesOf(result.compliance)).toEqual(['security'])
    const plain = evaluateServer(
      {
        server: makeServer(),
        outcome: { kind: 'graded', report: makeReport({ overall: 92, axes: { security: 80 } }) },
        literalSecrets: [],
        configFindings: [],
        registry: null,
        exceptions: null,
        today: TODAY
      },
      policyFor('production')
    )
    expect(plain.compliance).toEqual([])
  })

  it('an axis not assessed counts only where the policy requires assessed axes', () => {
    const grade = makeReport({ source: 'registry', overall: 'A', axes: { security: null } })
    const input = {
      server: makeServer(),
      outcome: { kind: 'graded' as const, report: grade },
      literalSecrets: [],
      configFindings: [],
      registry: null,
      exceptions: null,
      today: TODAY
    }
    expect(evaluateServer(input, policyFor('production')).compliance).toEqual([])
    const strict = evaluateServer(
      input,
      policyFor('production', {
        file: { environments: { production: { requireAssessedAxes: true } } }
      })
    )
    expect(axesOf(strict.compliance)).toEqual(['security'])
  })

  it('is empty without a grade', () => {
    const result = judge(ORG_SERVERS.filesystem(), {
      outcome: { kind: 'error', message: 'timeout' }
    })
    expect(result.verdict).toBe('error')
    expect(result.compliance).toEqual([])
  })
})

describe('runVerdict with excepted servers', () => {
  it('counts them, and the run warns rather than passes', () => {
    const excepted = judge(ORG_SERVERS.slack(), { grade: maintenanceGap() })
    const clean = judge(ORG_SERVERS.filesystem())
    expect(runVerdict([clean, excepted], 0)).toEqual({
      verdict: 'warn',
      counts: { servers: 2, pass: 1, warn: 0, fail: 0, excepted: 1, error: 0 }
    })
    const failed = judge(ORG_SERVERS.jira(), { grade: maintenanceGap() })
    expect(runVerdict([excepted, failed], 0).verdict).toBe('fail')
  })
})
