import { describe, expect, it } from '@jest/globals'
import Ajv2020 from 'ajv/dist/2020.js'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { POLICY_SCHEMA_ID, policyJsonSchema } from '../../src/policy/schema.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policy')

function validator() {
  // ajv is CommonJS: under NodeNext its class is the default export's `default`.
  const ajv = new Ajv2020.default({ strict: true, allErrors: true })
  return ajv.compile(policyJsonSchema())
}

describe('policyJsonSchema', () => {
  it('is a draft 2020-12 schema with $id, title and field descriptions', () => {
    const schema = policyJsonSchema() as {
      $schema: string
      $id: string
      title: string
      description: string
      properties: Record<string, { description?: string }>
      additionalProperties: boolean
    }
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe(POLICY_SCHEMA_ID)
    expect(schema.title).toBe('mcp-grade-gate policy')
    expect(schema.description).toMatch(/policy/)
    expect(schema.additionalProperties).toBe(false)
    for (const key of [
      'defaultEnvironment',
      'scale',
      'onGraderError',
      'blockConfigRisk',
      'environments',
      'rules'
    ]) {
      expect(schema.properties[key]?.description).toEqual(expect.any(String))
    }
  })

  it('accepts the example policy (YAML fixture) and an empty policy', () => {
    const validate = validator()
    const example: unknown = parseYaml(readFileSync(join(fixtures, 'valid.yml'), 'utf8'))
    expect(validate(example)).toBe(true)
    expect(validate.errors ?? null).toBeNull()
    expect(validate({})).toBe(true)
  })

  it('offers blockConfigRisk (critical or high) at the top level and per environment', () => {
    const validate = validator()
    const policy = {
      blockConfigRisk: 'critical',
      environments: { production: { blockConfigRisk: 'high' }, lab: { extends: 'ci' } }
    }
    expect(validate(policy)).toBe(true)
    const schema = policyJsonSchema() as {
      properties: { blockConfigRisk: { enum?: string[]; description?: string } }
    }
    expect(schema.properties.blockConfigRisk.enum).toEqual(['critical', 'high'])
    expect(schema.properties.blockConfigRisk.description).toContain('CONFIG_RISK')
  })

  it('rejects an unknown key, a wrong type and a bad enum value', () => {
    const validate = validator()
    expect(validate({ environments: { production: { minGrde: 'B' } } })).toBe(false)
    expect(validate.errors?.[0]?.keyword).toBe('additionalProperties')
    expect(validate({ environments: { production: { floors: { security: true } } } })).toBe(false)
    expect(validate({ onGraderError: 'ignore' })).toBe(false)
    expect(validate({ blockConfigRisk: 'medium' })).toBe(false)
    expect(validate({ environments: { ci: { blockConfigRisk: 'low' } } })).toBe(false)
    expect(validate({ scale: { A: 90, B: 75, C: 60, D: 140 } })).toBe(false)
    expect(validate({ environments: { 'bad name': { extends: 'ci' } } })).toBe(false)
  })
})
