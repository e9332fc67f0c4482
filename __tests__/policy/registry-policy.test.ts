import { describe, expect, it } from '@jest/globals'
import Ajv2020 from 'ajv/dist/2020.js'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { PolicyFileError } from '../../src/policy/errors.js'
import { loadPolicyFile, parsePolicyText } from '../../src/policy/load.js'
import { createPolicyResolver } from '../../src/policy/resolve.js'
import { policyJsonSchema } from '../../src/policy/schema.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policy')

async function resolverFor(name: string) {
  const path = join(fixtures, name)
  const file = await loadPolicyFile(path)
  return (environment: string) =>
    createPolicyResolver({ file, policyPath: path, environment })('.mcp.json')
}

function policyError(text: string, path = 'p.yml'): PolicyFileError {
  try {
    parsePolicyText(text, path)
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError)
    return error as PolicyFileError
  }
  throw new Error('expected a PolicyFileError')
}

describe('policy file: registry and exception rules per environment', () => {
  it('merges production’s entry over the defaults, check by check', async () => {
    const production = (await resolverFor('registry-rules.yml'))('production').rules
    expect(production.requireRegistry).toBe(true)
    expect(production.maxAuditAgeDays).toBe(60)
    // Not set: 5 days before the new limit.
    expect(production.auditWarningDays).toBe(55)
    expect(production.registryChecks).toEqual({
      notInRegistry: 'error',
      notApproved: 'error',
      auditStale: 'error',
      versionMismatch: 'error',
      gradeDrift: 'error',
      missingOwner: 'warning',
      missingDataAccess: 'error'
    })
    expect(production.exceptions).toEqual({
      allowed: true,
      maxDays: 30,
      requiredRoles: ['manager', 'security', 'ciso']
    })
  })

  it('lets development require the registry (as a warning) and forbid exceptions', async () => {
    const development = (await resolverFor('registry-rules.yml'))('development').rules
    expect(development.requireRegistry).toBe(true)
    expect(development.registryChecks.notInRegistry).toBe('warning')
    expect(development.registryChecks.missingOwner).toBe('off')
    expect(development.exceptions).toEqual({
      allowed: false,
      maxDays: 60,
      requiredRoles: ['manager']
    })
  })

  it('a custom environment inherits through extends and adds its own fields', async () => {
    const euProd = (await resolverFor('registry-rules.yml'))('prod-eu').rules
    expect(euProd.maxAuditAgeDays).toBe(60)
    expect(euProd.auditWarningDays).toBe(40)
    expect(euProd.registryChecks.gradeDrift).toBe('error')
    expect(euProd.exceptions.requiredRoles).toEqual(['manager', 'security', 'ciso'])
  })

  it('leaves the environments it does not name at their defaults', async () => {
    const staging = (await resolverFor('registry-rules.yml'))('staging').rules
    expect(staging.maxAuditAgeDays).toBe(90)
    expect(staging.auditWarningDays).toBe(85)
    expect(staging.exceptions.maxDays).toBe(60)
  })
})

describe('policy file: data classes', () => {
  it('merges each class over its default, per environment through extends', async () => {
    const resolve = await resolverFor('registry-rules.yml')
    const production = resolve('production').dataClasses
    expect(production.internal).toEqual({
      minGrade: 'A',
      floors: {},
      allowExceptions: true,
      extraApprovers: [],
      requireAssessedAxes: false
    })
    // security: null removes the default 85; credentials added.
    expect(production.personal).toEqual({
      minGrade: 'A',
      floors: { credentials: 80 },
      allowExceptions: true,
      extraApprovers: ['cto'],
      requireAssessedAxes: true
    })
    expect(production.phi).toEqual({
      minGrade: 'A',
      floors: { security: 90, credentials: 85 },
      allowExceptions: false,
      extraApprovers: ['cto'],
      requireAssessedAxes: true
    })
    expect(production.public.extraApprovers).toEqual(['owner'])
    expect(resolve('prod-eu').dataClasses.personal.extraApprovers).toEqual(['dpo', 'cto'])
    expect(resolve('staging').dataClasses.personal.extraApprovers).toEqual([])
  })

  it('turns letter floors into scores under the file’s scale', () => {
    const file = parsePolicyText(
      'scale: { A: 92, B: 80, C: 65, D: 45 }\ndataClasses:\n  internal: { floors: { security: B } }\n',
      'p.yml'
    )
    const policy = createPolicyResolver({ file, policyPath: 'p.yml' })('x')
    expect(policy.dataClasses.internal.floors).toEqual({ security: 80 })
  })

  it('keeps the built-in classes without a policy file', () => {
    const policy = createPolicyResolver({ file: null, policyPath: null })('x')
    expect(policy.dataClasses.personal).toEqual({
      minGrade: 'A',
      floors: { security: 85 },
      allowExceptions: true,
      extraApprovers: ['cto'],
      requireAssessedAxes: true
    })
    const ci = createPolicyResolver({ file: null, policyPath: null, environment: 'ci' })('x')
    expect(ci.dataClasses.personal.extraApprovers).toEqual([])
    expect(Object.isFrozen(ci.dataClasses.personal.floors)).toBe(true)
  })
})

describe('policy file: located errors for the new fields', () => {
  const text = readFileSync(join(fixtures, 'bad-registry-rules.yml'), 'utf8')
  const error = policyError(text, 'bad-registry-rules.yml')
  const at = (path: string) => error.problems.find((p) => p.at === path)

  it('lists every problem with its position', () => {
    expect(error.problems.map((p) => [p.at, p.line])).toEqual([
      ['environments.production.registryChecks.auditStale', 5],
      ['environments.production.registryChecks.notApprovd', 5],
      ['environments.production.exceptions.maxDays', 6],
      ['environments.production.exceptions.requiredRoles[0]', 6],
      ['dataClasses.secret', 8],
      ['dataClasses.phi.minGrade', 10]
    ])
  })

  it('says what a bad severity is and suggests the close key', () => {
    expect(at('environments.production.registryChecks.auditStale')).toMatchObject({
      line: 5,
      column: 35,
      message: 'expected one of "error", "warning", "off", got "block". Use one of them'
    })
    expect(at('environments.production.exceptions.maxDays')?.message).toContain(
      'must be at least 1, got 0'
    )
    expect(at('environments.production.registryChecks.notApprovd')?.message).toContain(
      'did you mean "notApproved"?'
    )
    expect(at('dataClasses.secret')?.message).toContain(
      'allowed keys here: "phi", "personal", "internal", "public"'
    )
    expect(at('environments.production.exceptions.requiredRoles[0]')?.message).toContain(
      'a role is a word such as manager, security or cto'
    )
  })

  it('checks auditWarningDays against maxAuditAgeDays once the shape is valid', () => {
    const problem = policyError(
      'environments:\n  production:\n    maxAuditAgeDays: 30\n    auditWarningDays: 45\n'
    ).problems[0]
    expect(problem).toMatchObject({
      at: 'environments.production.auditWarningDays',
      line: 4
    })
    expect(problem?.message).toContain('auditWarningDays (45) is after maxAuditAgeDays (30)')
  })

  it('rejects an unknown environment in a class’s environments, at the key', () => {
    const problem = policyError(
      'dataClasses:\n  phi:\n    environments:\n      prodution: { allowExceptions: true }\n'
    ).problems[0]
    expect(problem).toMatchObject({
      at: 'dataClasses.phi.environments.prodution',
      line: 4,
      column: 7
    })
    expect(problem?.message).toContain('did you mean "production"?')
  })

  it('rejects a fractional or negative number of days', () => {
    const problems = policyError(
      'environments:\n  ci:\n    maxAuditAgeDays: 12.5\n    auditWarningDays: -1\n'
    ).problems
    expect(problems.map((p) => p.at)).toEqual([
      'environments.ci.maxAuditAgeDays',
      'environments.ci.auditWarningDays'
    ])
  })
})

describe('policyJsonSchema: the new fields', () => {
  function validator() {
    const ajv = new Ajv2020.default({ strict: true, allErrors: true })
    return ajv.compile(policyJsonSchema())
  }

  it('describes them', () => {
    const schema = policyJsonSchema() as {
      properties: {
        dataClasses: { description?: string; properties: Record<string, { description?: string }> }
      }
    }
    expect(schema.properties.dataClasses.description).toContain('only ever tightens')
    expect(Object.keys(schema.properties.dataClasses.properties)).toEqual([
      'phi',
      'personal',
      'internal',
      'public'
    ])
    const text = JSON.stringify(policyJsonSchema())
    for (const key of [
      'requireRegistry',
      'maxAuditAgeDays',
      'auditWarningDays',
      'registryChecks',
      'notInRegistry',
      'missingDataAccess',
      'requiredRoles',
      'extraApprovers',
      'allowExceptions'
    ]) {
      expect(text).toContain(`"${key}"`)
    }
  })

  it('accepts the fixture and rejects bad values', () => {
    const validate = validator()
    const example: unknown = parseYaml(readFileSync(join(fixtures, 'registry-rules.yml'), 'utf8'))
    expect(validate(example)).toBe(true)
    expect(validate({ environments: { ci: { registryChecks: { auditStale: 'block' } } } })).toBe(
      false
    )
    expect(validate({ environments: { ci: { exceptions: { maxDays: 0 } } } })).toBe(false)
    expect(validate({ dataClasses: { secret: {} } })).toBe(false)
    expect(validate({ dataClasses: { phi: { minGrade: null, floors: { security: 'A' } } } })).toBe(
      true
    )
  })
})
