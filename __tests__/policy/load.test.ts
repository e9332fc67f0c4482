import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  findPolicyFile,
  loadPolicyFile,
  MAX_POLICY_FILE_BYTES,
  parsePolicyText,
  PolicyFileError
} from '../../src/policy/load.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'policy')
const fixture = (name: string) => join(fixtures, name)

/** The PolicyFileError `promise` rejects with (fails the test when it resolves). */
async function policyError(promise: Promise<unknown>): Promise<PolicyFileError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError)
    return error as PolicyFileError
  }
  throw new Error('expected a PolicyFileError')
}

const expected = {
  $schema: '../../../schemas/mcp-policy.schema.json',
  defaultEnvironment: 'staging',
  scale: { A: 92, B: 80, C: 65, D: 45 },
  onGraderError: 'fail',
  requireAssessedAxes: false,
  environments: {
    production: {
      minGrade: 'A',
      floors: { security: 85, credentials: 'B' },
      requireAssessedAxes: true
    },
    sandbox: { extends: 'development', minGrade: 'D', requirePinned: false }
  },
  rules: [
    { environment: 'production', paths: ['deploy/prod/**'] },
    { environment: 'staging', branches: ['release/*'] },
    { environment: 'sandbox', paths: ['sandbox/**'], branches: ['main'] }
  ]
}

describe('loadPolicyFile: valid files', () => {
  it('loads JSON', async () => {
    await expect(loadPolicyFile(fixture('valid.json'))).resolves.toEqual(expected)
  })

  it('loads JSONC with comments and trailing commas', async () => {
    await expect(loadPolicyFile(fixture('valid.jsonc'))).resolves.toEqual(expected)
  })

  it('loads YAML', async () => {
    await expect(loadPolicyFile(fixture('valid.yml'))).resolves.toEqual(expected)
  })

  it('treats an empty or comment-only file as an empty policy', () => {
    expect(parsePolicyText('# nothing yet\n', 'p.yml')).toEqual({})
    expect(parsePolicyText('// nothing yet\n', 'p.json')).toEqual({})
    expect(parsePolicyText('', 'p.yaml')).toEqual({})
  })

  it('ignores a UTF-8 byte order mark', () => {
    expect(parsePolicyText('\ufeff{"defaultEnvironment": "ci"}', 'p.json')).toEqual({
      defaultEnvironment: 'ci'
    })
  })

  it('sniffs the format of other extensions', () => {
    expect(parsePolicyText('{"defaultEnvironment": "ci"}', 'policy.conf')).toEqual({
      defaultEnvironment: 'ci'
    })
    expect(parsePolicyText('defaultEnvironment: ci\n', 'policy.conf')).toEqual({
      defaultEnvironment: 'ci'
    })
  })
})

describe('loadPolicyFile: located errors', () => {
  it('points at a wrong type deep inside environments.production.floors.security (YAML)', async () => {
    const error = await policyError(loadPolicyFile(fixture('bad-type.yml')))
    expect(error.path).toBe(fixture('bad-type.yml'))
    expect([error.line, error.column]).toEqual([6, 17])
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]?.at).toBe('environments.production.floors.security')
    expect(error.message).toContain(`${fixture('bad-type.yml')}:6:17`)
    expect(error.message).toContain('expected a score from 0 to 100 or a grade letter')
    expect(error.message).toContain('got "yes please"')
  })

  it('points at a wrong type deep inside environments.production.floors.security (JSON)', async () => {
    const error = await policyError(loadPolicyFile(fixture('bad-type.json')))
    expect([error.line, error.column]).toEqual([6, 21])
    expect(error.message).toContain('environments.production.floors.security')
    expect(error.message).toContain('got true')
  })

  it('points at an unknown key and suggests the close one (JSONC)', async () => {
    const error = await policyError(loadPolicyFile(fixture('unknown-key.jsonc')))
    expect([error.line, error.column]).toEqual([5, 18])
    expect(error.message).toContain('unknown key "minGrde" (did you mean "minGrade"?)')
    expect(error.problems[0]?.at).toBe('environments.staging.minGrde')
  })

  it('suggests axis names for misspelt and long-form floor keys', () => {
    const typo = () =>
      parsePolicyText('environments:\n  ci:\n    floors:\n      securty: 80\n', 'p.yml')
    expect(typo).toThrow('did you mean "security"?')
    const alias = () =>
      parsePolicyText('environments:\n  ci:\n    floors:\n      credential_exposure: 80\n', 'p.yml')
    expect(alias).toThrow('did you mean "credentials"?')
  })

  it('reports a YAML syntax error at the parser’s position', async () => {
    const error = await policyError(loadPolicyFile(fixture('syntax.yml')))
    expect([error.line, error.column]).toEqual([6, 1])
    expect(error.message).toMatch(/YAML syntax error: Flow map .* end with a \}/)
  })

  it('reports a JSON syntax error at the missing comma', async () => {
    const error = await policyError(loadPolicyFile(fixture('syntax.json')))
    expect([error.line, error.column]).toEqual([3, 3])
    expect(error.message).toContain('JSON syntax error: expected "," between entries')
  })

  it('rejects a scale that is not strictly decreasing, at the offending bound', async () => {
    const error = await policyError(loadPolicyFile(fixture('bad-scale.yaml')))
    expect([error.line, error.column]).toEqual([4, 6])
    expect(error.message).toContain('C (80) is not below B (75)')
  })

  it('rejects a rule naming an unknown environment, suggesting the close one', async () => {
    const error = await policyError(loadPolicyFile(fixture('unknown-environment.yml')))
    expect([error.line, error.column]).toEqual([7, 18])
    expect(error.message).toContain('unknown environment "sandbx" (did you mean "sandbox"?)')
    expect(error.message).toContain('production, staging, development, ci, sandbox')
  })

  it('requires extends on a custom environment, pointing at its name', async () => {
    const error = await policyError(loadPolicyFile(fixture('custom-without-extends.yml')))
    expect([error.line, error.column]).toEqual([2, 3])
    expect(error.message).toContain('add "extends"')
  })

  it('refuses an environment named as another one reads in registry and exceptions files', () => {
    // A row approved for production would approve "prod" (here looser), and the other way round.
    const error = (() => {
      try {
        parsePolicyText('environments:\n  prod: { extends: development }\n', 'p.yml')
      } catch (e) {
        return e as { line: number; column: number; message: string }
      }
      throw new Error('expected an error')
    })()
    expect([error.line, error.column]).toEqual([2, 3])
    expect(error.message).toContain(
      '"prod" is read as "production" in registry and exceptions files'
    )
    expect(() => parsePolicyText('environments:\n  dev: { extends: ci }\n', 'p.yml')).toThrow(
      '"dev" is read as "development"'
    )
    expect(parsePolicyText('environments:\n  prod-eu: { extends: production }\n', 'p.yml')).toEqual(
      {
        environments: { 'prod-eu': { extends: 'production' } }
      }
    )
  })

  it('rejects extends cycles and unknown extends', () => {
    expect(() =>
      parsePolicyText('environments:\n  a: { extends: b }\n  b: { extends: a }\n', 'p.yml')
    ).toThrow('goes round in a circle (a → b → a)')
    expect(() => parsePolicyText('environments:\n  a: { extends: nope }\n', 'p.yml')).toThrow(
      'unknown environment "nope"'
    )
  })

  it('rejects an unknown defaultEnvironment and a rule without paths or branches', () => {
    expect(() => parsePolicyText('defaultEnvironment: prod\n', 'p.yml')).toThrow(
      'did you mean "production"?'
    )
    expect(() => parsePolicyText('rules:\n  - environment: ci\n', 'p.yml')).toThrow(
      'a rule needs "paths", "branches" or both'
    )
  })

  it('lists every schema problem, sorted by position', () => {
    const text = [
      '{',
      '  "onGraderError": "warm",',
      '  "environments": { "ci": { "minGrade": "E", "requirePinned": "yes" } },',
      '  "unknown": 1',
      '}'
    ].join('\n')
    let error: PolicyFileError | undefined
    try {
      parsePolicyText(text, 'p.json')
    } catch (e) {
      error = e as PolicyFileError
    }
    expect(error?.problems.map((p) => [p.line, p.column, p.at])).toEqual([
      [2, 20, 'onGraderError'],
      [3, 41, 'environments.ci.minGrade'],
      [3, 63, 'environments.ci.requirePinned'],
      [4, 3, 'unknown']
    ])
    expect(error?.message).toContain('got "warm" (did you mean "warn"?)')
    expect(error?.message).toContain('expected true or false, got "yes"')
  })

  it('locates bad blockConfigRisk values, at the top level and in an environment', async () => {
    const path = fixture('bad-block-config-risk.yml')
    const error = await policyError(loadPolicyFile(path))
    expect(error.problems.map((p) => [p.line, p.column, p.at])).toEqual([
      [2, 18, 'blockConfigRisk'],
      [7, 22, 'environments.ci.blockConfigRisk']
    ])
    expect(error.message).toContain(
      `${path}:2:18: blockConfigRisk: expected one of "critical", "high", got "medium"`
    )
    expect(error.message).toContain(
      `${path}:7:22: environments.ci.blockConfigRisk: expected one of "critical", "high", got true`
    )
  })

  it('suggests the close blockConfigRisk value and key (JSON)', () => {
    expect(() =>
      parsePolicyText('{ "environments": { "ci": { "blockConfigRisk": "Critical" } } }', 'p.json')
    ).toThrow(/p\.json:1:48: .*got "Critical" \(did you mean "critical"\?\)/)
    expect(() => parsePolicyText('blockConfigRisks: high\n', 'p.yml')).toThrow(
      'unknown key "blockConfigRisks" (did you mean "blockConfigRisk"?)'
    )
  })

  it('reads valid blockConfigRisk values', () => {
    expect(
      parsePolicyText(
        'blockConfigRisk: critical\nenvironments:\n  development: { blockConfigRisk: high }\n',
        'p.yml'
      )
    ).toEqual({
      blockConfigRisk: 'critical',
      environments: { development: { blockConfigRisk: 'high' } }
    })
  })

  it('reports a missing required key at its parent', () => {
    expect(() => parsePolicyText('scale: { A: 90, B: 75, C: 60 }\n', 'p.yml')).toThrow(
      /p\.yml:1:1: scale\.D: missing required key "D"/
    )
  })

  it('counts a lone CR as a line break in JSON, as the JSON parser does', () => {
    // Old Mac line endings: the parser's offsets and our lines must agree (src/config/lines.ts).
    expect(() =>
      parsePolicyText('{\r  "defaultEnvironment": "ci"\r  "scale": {}\r}', 'p.json')
    ).toThrow(/p\.json:3:3: JSON syntax error: expected "," between entries/)
    expect(() =>
      parsePolicyText(
        '{\r\n  "defaultEnvironment": "ci",\r  "defaultEnvironment": "ci"\r}',
        'p.json'
      )
    ).toThrow(/p\.json:3:3: duplicate key "defaultEnvironment" \(first at line 2\)/)
  })

  it('suggests the shared long axis names (src/grade/axis-names.ts) for floor keys', () => {
    expect(() =>
      parsePolicyText('environments:\n  ci:\n    floors:\n      permission_hygiene: 80\n', 'p.yml')
    ).toThrow('did you mean "permissions"?')
  })

  it('rejects duplicate keys in JSON and YAML', () => {
    expect(() =>
      parsePolicyText(
        '{\n  "defaultEnvironment": "ci",\n  "defaultEnvironment": "staging"\n}',
        'p.json'
      )
    ).toThrow(/p\.json:3:3: duplicate key "defaultEnvironment" \(first at line 2\)/)
    expect(() =>
      parsePolicyText('defaultEnvironment: ci\ndefaultEnvironment: staging\n', 'p.yml')
    ).toThrow('YAML syntax error')
  })

  it('treats __proto__ as an unknown key, without touching prototypes', () => {
    expect(() => parsePolicyText('{"__proto__": {"defaultEnvironment": "ci"}}', 'p.json')).toThrow(
      'unknown key "__proto__"'
    )
    expect(() => parsePolicyText('__proto__:\n  polluted: true\n', 'p.yml')).toThrow(
      'unknown key "__proto__"'
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses hostile nesting instead of overflowing the stack', () => {
    expect(() => parsePolicyText('['.repeat(100_000), 'p.json')).toThrow(
      /p\.json:1:65: nested deeper than 64 levels/
    )
    expect(() => parsePolicyText('{"a":'.repeat(50_000), 'p.jsonc')).toThrow(
      'nested deeper than 64 levels'
    )
    expect(() => parsePolicyText(`x: ${'['.repeat(100_000)}`, 'p.yml')).toThrow(
      /p\.yml:1:68: nested deeper than 64 levels/
    )
    expect(() => parsePolicyText(`${'- '.repeat(50_000)}1`, 'p.yml')).toThrow(
      'indented wider than 256 characters'
    )
    // brackets inside quotes and comments do not count
    expect(() =>
      parsePolicyText(`$schema: "${'['.repeat(100)}" # ${'{'.repeat(100)}\n`, 'p.yml')
    ).not.toThrow()
  })

  it('refuses a YAML alias bomb', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n'
    for (let i = 1; i < 10; i++)
      bomb += `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`
    expect(() => parsePolicyText(bomb, 'p.yml')).toThrow('YAML error: Excessive alias count')
  })

  it('rejects an invalid environment name at the key', () => {
    expect(() =>
      parsePolicyText('environments:\n  "bad name": { extends: ci }\n', 'p.yml')
    ).toThrow(/p\.yml:2:3: environments\.bad name: invalid name "bad name"/)
  })
})

describe('loadPolicyFile: files that cannot be read', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-load-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reports a missing file', async () => {
    const error = await policyError(loadPolicyFile(join(dir, 'nope.yml')))
    expect([error.line, error.column]).toEqual([1, 1])
    expect(error.message).toContain('it does not exist')
  })

  it('reports a directory', async () => {
    const error = await policyError(loadPolicyFile(dir))
    expect(error.message).toContain('it is not a file')
  })

  it('refuses a file larger than the limit', async () => {
    const path = join(dir, 'big.json')
    await writeFile(path, `{"$schema": "${'x'.repeat(MAX_POLICY_FILE_BYTES)}"}`)
    const error = await policyError(loadPolicyFile(path))
    expect(error.message).toContain(`more than the ${MAX_POLICY_FILE_BYTES}`)
  })
})

describe('findPolicyFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-find-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('returns null when there is no policy file', async () => {
    await expect(findPolicyFile(dir)).resolves.toBeNull()
  })

  it.each(['mcp-policy.json', 'mcp-policy.jsonc', 'mcp-policy.yml', 'mcp-policy.yaml'])(
    'finds .github/%s',
    async (name) => {
      await mkdir(join(dir, '.github'))
      await writeFile(join(dir, '.github', name), '{}')
      await expect(findPolicyFile(dir)).resolves.toBe(join(dir, '.github', name))
    }
  )

  it('refuses to guess between two policy files', async () => {
    await mkdir(join(dir, '.github'))
    await writeFile(join(dir, '.github', 'mcp-policy.json'), '{}')
    await writeFile(join(dir, '.github', 'mcp-policy.yml'), '')
    const error = await policyError(findPolicyFile(dir))
    expect(error.message).toContain('more than one policy file')
  })

  it('ignores a directory with a policy name', async () => {
    await mkdir(join(dir, '.github', 'mcp-policy.json'), { recursive: true })
    await expect(findPolicyFile(dir)).resolves.toBeNull()
  })
})
