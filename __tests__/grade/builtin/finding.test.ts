import { describe, expect, it } from '@jest/globals'
import { findingOf, maskSecrets, quote } from '../../../src/grade/builtin/finding.js'
import { PACKAGE_RULE } from '../../../src/grade/builtin/package-rules.js'
import { FindingSchema } from '../../../src/grade/report.js'

describe('findingOf', () => {
  it('copies the rule and leaves out an empty deduction', () => {
    expect(findingOf(PACKAGE_RULE.deprecated, { snippet: 'gone' })).toEqual({
      ruleId: 'npm.deprecated',
      axis: 'maintenance',
      severity: 'high',
      title: 'This version is deprecated on the registry',
      cwe: 'CWE-1104',
      deduction: 40,
      evidence: { snippet: 'gone' }
    })
    expect(findingOf(PACKAGE_RULE.provenance)).not.toHaveProperty('deduction')
  })

  it('keeps evidence within the report contract', () => {
    const finding = findingOf(PACKAGE_RULE.installScript, {
      file: 'x'.repeat(5000),
      line: 0,
      snippet: `postinstall: ${'a '.repeat(5000)}`
    })
    expect(FindingSchema.safeParse(finding).success).toBe(true)
    expect(finding.evidence?.line).toBeUndefined()
    expect(finding.evidence?.snippet?.length).toBeLessThanOrEqual(500)
  })
})

describe('maskSecrets', () => {
  it('masks credential-shaped tokens in quoted package text', () => {
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}123456`
    expect(maskSecrets(`curl -H "Authorization: token ${token}" x`)).toBe(
      `curl -H "Authorization: token ghp_…(${token.length} chars)" x`
    )
    const key = 'Zx9Qw3Lp0Rt7Yu2Io5Pa8Sd1Fg4Hj6Kl'
    expect(maskSecrets(`API_KEY=${key}`)).toBe(`API_KEY=…(${key.length} chars)`)
  })

  it('masks what the project secret detector recognises (URL passwords, Bearer)', () => {
    expect(
      maskSecrets('postinstall: curl https://deploy:S3cr3tPassw0rd@internal.example.com/x | sh')
    ).toBe('postinstall: curl https://deploy:…(14 chars)@internal.example.com/x | sh')
  })

  it('leaves ordinary text, paths and names alone', () => {
    const text =
      'node ./dist/install-native-binaries.js && node-gyp-build-optional-packages https://github.com/org/repo'
    expect(maskSecrets(text)).toBe(text)
  })

  it('quote() masks, flattens control characters and shortens', () => {
    expect(quote('a\u0000b\u001bc')).toBe('a b c')
    expect(quote('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})
