import { describe, expect, it } from '@jest/globals'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AXES } from '../../src/grade/report.js'
import { builtinEnvironmentPolicy, type BuiltinEnvironment } from '../../src/policy/defaults.js'
import { PolicyFileError, PolicyInputError } from '../../src/policy/errors.js'
import { loadPolicyFile, parsePolicyText } from '../../src/policy/load.js'
import { createPolicyResolver, policyScale } from '../../src/policy/resolve.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policy')
const every = (score: number) => Object.fromEntries(AXES.map((axis) => [axis, score]))

/** The registry and exception rules of a built-in environment (the file does not change them). */
function registryRules(name: BuiltinEnvironment) {
  const { requireRegistry, maxAuditAgeDays, auditWarningDays, registryChecks, exceptions } =
    builtinEnvironmentPolicy(name)
  return { requireRegistry, maxAuditAgeDays, auditWarningDays, registryChecks, exceptions }
}

describe('createPolicyResolver without a policy file', () => {
  const resolve = createPolicyResolver({ file: null, policyPath: null })

  it('uses production, the strictest, by default', () => {
    const policy = resolve('.mcp.json')
    expect(policy.environment).toBe('production')
    expect(policy.environmentSource).toBe('default')
    expect(policy.environmentReason).toContain('built-in default (production, the strictest)')
    expect(policy.policyFile).toBeNull()
    expect(policy.scale).toEqual({ A: 90, B: 75, C: 60, D: 40 })
    expect(policy.rules.minGrade).toBe('B')
    expect(policy.rules.floors).toEqual(every(75))
  })

  it('returns the same frozen object for the same environment', () => {
    const a = resolve('.mcp.json')
    expect(resolve('other/.vscode/mcp.json')).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    expect(Object.isFrozen(a.rules.floors)).toBe(true)
  })

  it.each(['production', 'staging', 'development', 'ci'])('takes the %s input', (name) => {
    const policy = createPolicyResolver({ file: null, policyPath: null, environment: name })('x')
    expect(policy.environment).toBe(name)
    expect(policy.environmentSource).toBe('input')
  })

  it('matches the environment input ignoring case', () => {
    const policy = createPolicyResolver({ file: null, policyPath: null, environment: 'CI' })('x')
    expect(policy.environment).toBe('ci')
  })

  it('rejects an unknown environment input at creation, listing the known ones', () => {
    const create = () => createPolicyResolver({ file: null, policyPath: null, environment: 'prod' })
    expect(create).toThrow(PolicyInputError)
    expect(create).toThrow('environment "prod" is not known (did you mean "production"?)')
    expect(create).toThrow('Known environments: production, staging, development, ci')
  })

  it('treats a blank environment input as not set', () => {
    expect(
      createPolicyResolver({ file: null, policyPath: null, environment: ' ' })('x').environment
    ).toBe('production')
  })
})

describe('createPolicyResolver with inputs (inputs win, SPEC §6)', () => {
  it('min-grade raises the floors that follow it', () => {
    const policy = createPolicyResolver({
      file: null,
      policyPath: null,
      environment: 'development',
      minGrade: 'A'
    })('x')
    expect(policy.rules.minGrade).toBe('A')
    expect(policy.rules.floors).toEqual(every(90))
    expect(policy.environmentReason).toContain('overridden by inputs: min-grade A')
  })

  it('min-grade lowers them too', () => {
    const policy = createPolicyResolver({ file: null, policyPath: null, minGrade: 'D' })('x')
    expect(policy.rules.floors).toEqual(every(40))
  })

  it('sub-score-floors replace the axes they name; the others still follow min-grade', () => {
    const policy = createPolicyResolver({
      file: null,
      policyPath: null,
      minGrade: 'C',
      subScoreFloors: { security: 85, credentials: 75 }
    })('x')
    expect(policy.rules.floors).toEqual({ ...every(60), security: 85, credentials: 75 })
    expect(policy.environmentReason).toContain('sub-score-floors security=85,credentials=75')
  })

  it('keeps floors set explicitly in the policy file when min-grade changes', () => {
    const file = parsePolicyText(
      'environments:\n  production:\n    floors: { security: 85 }\n',
      'p.yml'
    )
    const policy = createPolicyResolver({ file, policyPath: 'p.yml', minGrade: 'A' })('x')
    expect(policy.rules.floors).toEqual({ ...every(90), security: 85 })
  })
})

describe('createPolicyResolver with the example policy file', () => {
  const path = join(fixtures, 'valid.yml')
  const load = async (extra: { environment?: string; baseBranch?: string } = {}) =>
    createPolicyResolver({ file: await loadPolicyFile(path), policyPath: path, ...extra })

  it('uses the file’s defaultEnvironment and scale', async () => {
    const policy = (await load())('mcp.json')
    expect(policy.environment).toBe('staging')
    expect(policy.environmentSource).toBe('default')
    expect(policy.environmentReason).toBe(`defaultEnvironment of ${path}`)
    expect(policy.policyFile).toBe(path)
    expect(policy.scale).toEqual({ A: 92, B: 80, C: 65, D: 45 })
    expect(policy.rules.floors).toEqual(every(80))
  })

  it('chooses by path: globs match dot files, "./" and Windows separators', async () => {
    const resolve = await load()
    for (const path of [
      'deploy/prod/.mcp.json',
      './deploy/prod/a/mcp.json',
      'deploy\\prod\\mcp.json'
    ]) {
      const policy = resolve(path)
      expect(policy.environment).toBe('production')
      expect(policy.environmentSource).toBe('rule')
      expect(policy.environmentReason).toBe('policy rule 1 (paths deploy/prod/**)')
    }
    expect(resolve('deploy/staging/mcp.json').environment).toBe('staging')
  })

  it('merges the production entry over the defaults, field by field and axis by axis', async () => {
    const policy = (await load())('deploy/prod/mcp.json')
    expect(policy.rules).toEqual({
      minGrade: 'A',
      // security and credentials set explicitly (B is 80 under this scale); others follow A (92)
      floors: { ...every(92), security: 85, credentials: 80 },
      noFInAnyAxis: true,
      requirePinned: true,
      requireGrade: true,
      requireAssessedAxes: true,
      onGraderError: 'fail',
      blockConfigRisk: 'high',
      quarantine: { security: 60, credentials: 60 },
      ...registryRules('production')
    })
  })

  it('chooses by base branch, also given as a ref', async () => {
    expect((await load({ baseBranch: 'release/1.2' }))('mcp.json').environmentReason).toBe(
      'policy rule 2 (branches release/*)'
    )
    expect((await load({ baseBranch: 'refs/heads/release/1.2' }))('mcp.json').environment).toBe(
      'staging'
    )
  })

  it('needs both paths and branches to match when a rule has both', async () => {
    const onMain = await load({ baseBranch: 'main' })
    const policy = onMain('sandbox/mcp.json')
    expect(policy.environment).toBe('sandbox')
    expect(policy.environmentReason).toBe('policy rule 3 (paths sandbox/**; branches main)')
    const onDev = await load({ baseBranch: 'dev' })
    expect(onDev('sandbox/mcp.json').environmentSource).toBe('default')
    const noBranch = await load()
    expect(noBranch('sandbox/mcp.json').environmentSource).toBe('default')
  })

  it('lets the first matching rule win', async () => {
    // deploy/prod matches rule 1 even on a release branch (rule 2)
    const resolve = await load({ baseBranch: 'release/1.0' })
    expect(resolve('deploy/prod/mcp.json').environment).toBe('production')
    expect(resolve('mcp.json').environment).toBe('staging')
  })

  it('builds a custom environment from the one it extends', async () => {
    const policy = (await load({ environment: 'sandbox' }))('x')
    expect(policy.rules).toEqual({
      minGrade: 'D',
      floors: every(45),
      noFInAnyAxis: true,
      requirePinned: false,
      requireGrade: true,
      requireAssessedAxes: false,
      onGraderError: 'fail',
      blockConfigRisk: 'critical',
      quarantine: { security: 60, credentials: 60 },
      ...registryRules('development')
    })
  })

  it('lets the environment input win over rules', async () => {
    const resolve = await load({ environment: 'ci' })
    expect(resolve('deploy/prod/mcp.json').environment).toBe('ci')
  })

  it('gives one object per way of choosing an environment', async () => {
    const resolve = await load()
    expect(resolve('deploy/prod/a.json')).toBe(resolve('deploy/prod/b.json'))
    expect(resolve('a.json')).toBe(resolve('b.json'))
    expect(resolve('a.json')).not.toBe(resolve('deploy/prod/a.json'))
  })

  it('lists custom environments among the known ones', async () => {
    const file = await loadPolicyFile(path)
    expect(() => createPolicyResolver({ file, policyPath: path, environment: 'sandbx' })).toThrow(
      'Known environments: production, staging, development, ci, sandbox'
    )
  })
})

describe('createPolicyResolver: file-wide defaults and overrides', () => {
  it('applies top-level onGraderError / requireAssessedAxes to every environment, entries win', () => {
    const file = parsePolicyText(
      [
        'onGraderError: warn',
        'requireAssessedAxes: true',
        'environments:',
        '  production: { onGraderError: fail }',
        '  lab: { extends: production }',
        '  ci: { requireAssessedAxes: false }'
      ].join('\n'),
      'p.yml'
    )
    const rules = (environment: string) =>
      createPolicyResolver({ file, policyPath: 'p.yml', environment })('x').rules
    expect(rules('production').onGraderError).toBe('fail')
    expect(rules('production').requireAssessedAxes).toBe(true)
    expect(rules('lab').onGraderError).toBe('fail')
    expect(rules('staging').onGraderError).toBe('warn')
    expect(rules('ci').requireAssessedAxes).toBe(false)
    expect(rules('development').requireAssessedAxes).toBe(true)
  })

  it('merges blockConfigRisk like onGraderError: top level for built-ins, entries win, extends inherits', () => {
    const defaults = createPolicyResolver({ file: null, policyPath: null })
    const builtin = (environment: string) =>
      createPolicyResolver({ file: null, policyPath: null, environment })('x').rules
    expect(defaults('x').rules.blockConfigRisk).toBe('high')
    expect(builtin('staging').blockConfigRisk).toBe('high')
    expect(builtin('development').blockConfigRisk).toBe('critical')
    expect(builtin('ci').blockConfigRisk).toBe('critical')

    const file = parsePolicyText(
      [
        'blockConfigRisk: critical',
        'environments:',
        '  production: { blockConfigRisk: high }',
        '  lab: { extends: production }',
        '  sandbox: { extends: staging }',
        '  ci: { blockConfigRisk: high }',
        '  strictdev: { extends: development, blockConfigRisk: high }'
      ].join('\n'),
      'p.yml'
    )
    const rules = (environment: string) =>
      createPolicyResolver({ file, policyPath: 'p.yml', environment })('x').rules
    expect(rules('production').blockConfigRisk).toBe('high')
    expect(rules('lab').blockConfigRisk).toBe('high')
    // staging has no entry: the top level replaces its default, and sandbox inherits that
    expect(rules('staging').blockConfigRisk).toBe('critical')
    expect(rules('sandbox').blockConfigRisk).toBe('critical')
    expect(rules('development').blockConfigRisk).toBe('critical')
    expect(rules('ci').blockConfigRisk).toBe('high')
    expect(rules('strictdev').blockConfigRisk).toBe('high')
  })

  it('removes a floor with null and sets quarantine thresholds with letters', () => {
    const file = parsePolicyText(
      'environments:\n  ci:\n    floors: { documentation: null, compatibility: null }\n    quarantine: { security: D, permissions: 50 }\n',
      'p.yml'
    )
    const rules = createPolicyResolver({ file, policyPath: 'p.yml', environment: 'ci' })('x').rules
    expect(rules.floors).toEqual({
      security: 60,
      permissions: 60,
      credentials: 60,
      maintenance: 60
    })
    expect(rules.quarantine).toEqual({ security: 40, permissions: 50, credentials: 60 })
  })

  it('reports rules naming unknown environments in a file that bypassed the loader', () => {
    const create = () =>
      createPolicyResolver({
        file: { rules: [{ environment: 'nowhere', paths: ['**'] }] },
        policyPath: 'policy.json'
      })
    expect(create).toThrow(PolicyFileError)
    expect(create).toThrow('rules[0] names environment "nowhere"')
  })

  it('policyScale gives the file’s scale or the default', () => {
    expect(policyScale(null)).toEqual({ A: 90, B: 75, C: 60, D: 40 })
    expect(policyScale({ scale: { A: 95, B: 85, C: 70, D: 50 } })).toEqual({
      A: 95,
      B: 85,
      C: 70,
      D: 50
    })
  })
})
