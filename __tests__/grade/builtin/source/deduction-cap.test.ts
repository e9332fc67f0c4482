import { describe, expect, it } from '@jest/globals'
import {
  capSourceDeductions,
  MAX_DEDUCTING_SOURCE_FINDINGS
} from '../../../../src/grade/builtin/source/deduction-cap.js'
import type { Finding } from '../../../../src/grade/report.js'

const finding = (ruleId: string, line: number): Finding => ({
  ruleId,
  axis: 'security',
  severity: 'high',
  title: 't',
  deduction: 20,
  evidence: { file: 'dist/index.js', line }
})

describe('capSourceDeductions', () => {
  it('keeps the deduction of the first two findings of each source rule only', () => {
    const input = [
      finding('source.path-traversal', 1),
      finding('source.command-injection', 2),
      finding('source.path-traversal', 3),
      finding('source.path-traversal', 4),
      finding('tools.exec', 5),
      finding('tools.exec', 6),
      finding('tools.exec', 7)
    ]
    const out = capSourceDeductions(input)
    expect(MAX_DEDUCTING_SOURCE_FINDINGS).toBe(2)
    expect(out.map((f) => f.deduction)).toEqual([20, 20, 20, undefined, 20, 20, 20])
    expect(out[3]).not.toHaveProperty('deduction')
    expect(out[3]?.evidence?.line).toBe(4)
    expect(input[3]?.deduction).toBe(20) // the input is not changed
  })
})
