/**
 * The JSON Schemas shipped in schemas/ are generated from the zod schemas
 * (`npm run schemas`); this keeps the committed files in step with the code, and checks that the
 * example policy validates against the shipped policy schema.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse as parseYaml } from 'yaml'
import { SCHEMAS } from '../src/schemas.js'

const dir = new URL('../schemas/', import.meta.url)

describe('schemas/', () => {
  it.each(Object.keys(SCHEMAS))(
    '%s.schema.json matches the code (run `npm run schemas`)',
    (name) => {
      const committed = JSON.parse(
        readFileSync(new URL(`${name}.schema.json`, dir), 'utf8')
      ) as unknown
      expect(committed).toEqual(SCHEMAS[name]!())
    }
  )

  it('holds no schema the code does not publish', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.schema.json'))
    expect(files.sort()).toEqual(
      Object.keys(SCHEMAS)
        .map((n) => `${n}.schema.json`)
        .sort()
    )
  })

  it('validates the example policy file', () => {
    const ajv = new Ajv2020({ strict: false })
    const validate = ajv.compile(SCHEMAS['mcp-policy']!())
    const example = parseYaml(
      readFileSync(new URL('../examples/policy/mcp-policy.yml', import.meta.url), 'utf8')
    ) as unknown
    expect(validate(example)).toBe(true)
    expect(validate({ environments: { production: { minGrade: 'Z' } } })).toBe(false)
  })

  it.each([
    ['mcp-registry', 'registry/mcp-registry.yml'],
    ['mcp-exceptions', 'registry/mcp-exceptions.yml']
  ])('validates the example %s file', (schema, example) => {
    const ajv = new Ajv2020({ strict: false })
    addFormats.default(ajv)
    const validate = ajv.compile(SCHEMAS[schema]!())
    const text = readFileSync(new URL(`../examples/${example}`, import.meta.url), 'utf8')
    expect(validate(parseYaml(text))).toBe(true)
  })
})
