import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse as parseJsonc } from 'jsonc-parser'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { LocatedFileError } from '../../src/policy/errors.js'
import {
  EXCEPTIONS_SCHEMA_ID,
  ExceptionsFileError,
  exceptionsJsonSchema,
  findExceptionsFile,
  loadExceptionsFile,
  MAX_EXCEPTIONS_FILE_BYTES,
  parseExceptionsText
} from '../../src/policy/exceptions-file.js'
import { normalizeEnvironmentName } from '../../src/policy/environment-name.js'
import { isoDayNumber } from '../../src/policy/exception-rules.js'
import type { ExceptionRecord } from '../../src/policy/records.js'
import { parseServerId } from '../../src/resolve/server-id.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'exceptions')
const fixture = (name: string) => join(fixtures, name)

/** The ExceptionsFileError `run` throws or `promise` rejects with (fails the test otherwise). */
async function fileError(run: (() => unknown) | Promise<unknown>): Promise<ExceptionsFileError> {
  try {
    await (typeof run === 'function' ? run() : run)
  } catch (error) {
    expect(error).toBeInstanceOf(ExceptionsFileError)
    expect(error).toBeInstanceOf(LocatedFileError)
    return error as ExceptionsFileError
  }
  throw new Error('expected an ExceptionsFileError')
}

/** `line:column: at: message` of each problem, for compact assertions. */
function located(error: ExceptionsFileError): string[] {
  return error.problems.map((p) => `${p.line}:${p.column} ${p.at}: ${p.message}`)
}

function key(text: string) {
  const parsed = parseServerId(text)
  if (parsed === null) throw new Error(`test server id ${text} does not parse`)
  return parsed
}

/** A record without where it was read, to compare JSON and YAML readings. */
function withoutSource({ source: _source, ...rest }: ExceptionRecord) {
  return rest
}

describe('parseExceptionsText: the exceptions fixture', () => {
  const jsonPath = fixture('exceptions.json')
  const yamlPath = fixture('exceptions.yml')
  const json = parseExceptionsText(readFileSync(jsonPath, 'utf8'), jsonPath)
  const yaml = parseExceptionsText(readFileSync(yamlPath, 'utf8'), yamlPath)

  it('reads the {"exceptions": [...]} JSON form with comments', () => {
    expect(json.path).toBe(jsonPath)
    expect(json.format).toBe('json')
    expect(json.exceptions.map((e) => e.id)).toEqual([
      'EXC-001',
      'EXC-002',
      'EXC-003',
      'EXC-004',
      'EXC-005',
      'EXC-006',
      'EXC-008',
      'EXC-009',
      'EXC-010',
      'EXC-011'
    ])
    expect(json.exceptions[0]).toEqual({
      id: 'EXC-001',
      serverId: 'pkg:npm/%40example/server-fs@1.4.2',
      key: key('npm:@example/server-fs@1.4.2'),
      environments: ['production', 'staging'],
      justification: 'The data team needs file access to the shared reports volume.',
      riskAnalysis: 'Documentation axis is D; no security findings.',
      compensatingControls: 'read-only mount; egress blocked',
      approvers: [
        { role: 'manager', name: 'Ana Lima', date: '2026-10-01' },
        { role: 'security', name: 'Sam Okafor', date: '2026-10-01' },
        { role: 'cto', name: 'Kai Berg', date: '2026-10-01' }
      ],
      artifactUrl: 'https://tickets.example.com/SEC-101',
      approvedOn: '2026-10-01',
      expiresOn: '2026-11-29',
      source: { file: jsonPath, line: 5 }
    })
  })

  it('reads the top-level YAML list to the same records, with YAML lines', () => {
    expect(yaml.format).toBe('yaml')
    expect(yaml.exceptions.map(withoutSource)).toEqual(json.exceptions.map(withoutSource))
    expect(yaml.exceptions.slice(0, 3).map((e) => e.source)).toEqual([
      { file: yamlPath, line: 3 },
      { file: yamlPath, line: 24 },
      { file: yamlPath, line: 41 }
    ])
  })

  it('normalises every server_id spelling to its key', () => {
    const keys = Object.fromEntries(json.exceptions.map((e) => [e.id, e.key]))
    expect(keys['EXC-002']).toEqual(key('pkg:npm/%40example/server-git'))
    expect(keys['EXC-003']).toEqual(key('pkg:pypi/mcp-server-fetch@2025.4.7'))
    expect(keys['EXC-004']?.kind).toBe('github')
    expect(keys['EXC-005']?.kind).toBe('oci')
    expect(keys['EXC-006']?.kind).toBe('remote')
  })

  it('keeps missing fields as null (or empty lists) instead of rejecting the file', () => {
    const draft = json.exceptions.find((e) => e.id === 'EXC-011')
    expect(draft).toMatchObject({
      environments: ['production'],
      justification: null,
      riskAnalysis: null,
      compensatingControls: null,
      approvers: [],
      artifactUrl: null,
      approvedOn: null,
      expiresOn: null
    })
    expect(json.exceptions.find((e) => e.id === 'EXC-008')?.artifactUrl).toBeNull()
  })

  it('normalises short environment names (dev → development)', () => {
    expect(json.exceptions.find((e) => e.id === 'EXC-010')?.environments).toEqual([
      'development',
      'ci'
    ])
  })
})

describe('parseExceptionsText: other shapes', () => {
  it('reads the object form in YAML: case-folded roles and environments, block text, no date', async () => {
    const file = await loadExceptionsFile(fixture('object-form.yaml'))
    expect(file.format).toBe('yaml')
    expect(file.exceptions).toHaveLength(1)
    expect(file.exceptions[0]).toMatchObject({
      id: 'EXC-201',
      key: key('pypi:mcp-server-time==1.0.0'),
      environments: ['staging'],
      compensatingControls: 'No network access.\nNo credentials.',
      approvers: [
        { role: 'manager', name: 'Ana Lima', date: '2026-11-01' },
        { role: 'security', name: 'Sam Okafor', date: null }
      ],
      artifactUrl: 'ftp://files.example.com/approvals/EXC-201.pdf',
      source: { line: 3 }
    })
  })

  it('reads an empty file, a comment-only file, [] and {} as no exceptions', async () => {
    await expect(loadExceptionsFile(fixture('empty.yml'))).resolves.toMatchObject({
      exceptions: []
    })
    expect(parseExceptionsText('', 'x.json').exceptions).toEqual([])
    expect(parseExceptionsText('// nothing yet\n', 'x.json').exceptions).toEqual([])
    expect(parseExceptionsText('[]', 'x.json').exceptions).toEqual([])
    expect(parseExceptionsText('{"exceptions": []}', 'x.json').exceptions).toEqual([])
    expect(parseExceptionsText('{}', 'x.json').exceptions).toEqual([])
  })

  it('treats blank text fields as missing and drops duplicate environments', () => {
    const text = JSON.stringify([
      {
        id: 'EXC-1',
        server_id: 'npm:a@1.0.0',
        environments: ['prod', 'production', 'PRODUCTION'],
        justification: '   ',
        compensating_controls: ['', '  '],
        artifact_url: null
      }
    ])
    const [record] = parseExceptionsText(text, 'x.json').exceptions
    expect(record?.environments).toEqual(['production'])
    expect(record?.justification).toBeNull()
    expect(record?.compensatingControls).toBeNull()
    expect(record?.artifactUrl).toBeNull()
  })

  it('reads JSON by content when the extension says nothing', () => {
    const file = parseExceptionsText('[{"id": "E", "server_id": "npm:a"}]', 'exceptions')
    expect(file.format).toBe('json')
    expect(parseExceptionsText('- id: E\n  server_id: npm:a\n', 'exceptions').format).toBe('yaml')
  })
})

describe('parseExceptionsText: structural problems, located', () => {
  it('lists every problem of a JSON file at its line and column', async () => {
    const error = await fileError(loadExceptionsFile(fixture('structural.json')))
    expect(located(error)).toEqual([
      '6:23 exceptions[0].environments: expected a list, got "production". Change the value',
      expect.stringMatching(
        /^7:21 exceptions\[0\]\.expires_on: expected a date written YYYY-MM-DD .*got "2026-02-30"/
      ),
      '10:13 exceptions[1].id: duplicate id "EXC-1" (first at line 4). Give each exception its own id',
      '11:20 exceptions[1].server_id: must not be empty, got "". Change the value',
      expect.stringMatching(
        /^12:7 exceptions\[1\]\.risk_analyis: unknown key "risk_analyis" \(did you mean "risk_analysis"\?\)/
      ),
      '13:31 exceptions[1].approvers[0].role: expected a text string, got 7. Change the value',
      '15:5 exceptions[2].id: missing required key "id". Add it with a text string',
      '16:5 exceptions[3]: expected an object (key: value pairs), got "EXC-3". Change the value'
    ])
    expect(error.line).toBe(6)
    expect(error.column).toBe(23)
    expect(error.message).toMatch(
      /^Invalid exceptions file \(8 problems\): .*structural\.json:6:23: /
    )
  })

  it('lists every problem of a YAML file at its line and column', async () => {
    const error = await fileError(loadExceptionsFile(fixture('structural.yml')))
    expect(located(error)).toEqual([
      '3:17 [0].environments: expected a list, got "production". Change the value',
      expect.stringMatching(
        /^4:15 \[0\]\.expires_on: expected a date written YYYY-MM-DD .*got "2026-2-3"/
      ),
      '5:7 [1].id: duplicate id "EXC-1" (first at line 1). Give each exception its own id',
      '6:14 [1].server_id: must not be empty, got "". Change the value',
      expect.stringMatching(/^7:3 \[1\]\.risk_analyis: unknown key "risk_analyis"/),
      '9:13 [1].approvers[0].role: expected a text string, got 7. Change the value',
      '11:3 [2].id: missing required key "id". Add it with a text string',
      '12:3 [3]: expected an object (key: value pairs), got "EXC-3". Change the value'
    ])
  })

  it('rejects a file that is neither a list nor an object with an "exceptions" list', async () => {
    const scalar = await fileError(() => parseExceptionsText('"EXC-1"', 'x.json'))
    expect(located(scalar)).toEqual([
      expect.stringMatching(
        /^1:1 : expected a list of exceptions, or an object with an "exceptions" list, got "EXC-1"/
      )
    ])
    const notList = await fileError(() =>
      parseExceptionsText('{\n  "exceptions": {"id": "EXC-1"}\n}', 'x.json')
    )
    expect(located(notList)).toEqual([
      '2:17 exceptions: expected a list, got an object. Change the value'
    ])
    const wrongKey = await fileError(() => parseExceptionsText('exception: []\n', 'x.yml'))
    expect(wrongKey.problems[0]?.message).toContain('did you mean "exceptions"?')
  })

  it('reports JSON and YAML syntax errors and duplicate keys where they are', async () => {
    const json = await fileError(() =>
      parseExceptionsText('[\n  {"id": "E" "server_id": "npm:a"}\n]', 'x.json')
    )
    expect(json.problems[0]).toMatchObject({ line: 2, column: 14 })
    expect(json.message).toContain('expected "," between entries')
    const dup = await fileError(() =>
      parseExceptionsText('[{"id": "E",\n  "id": "F", "server_id": "npm:a"}]', 'x.json')
    )
    expect(dup.problems[0]).toMatchObject({ line: 2, column: 3 })
    expect(dup.message).toContain('duplicate key "id"')
    const yaml = await fileError(() =>
      parseExceptionsText('- id: E\n  server_id: npm:a\n - id: F\n', 'x.yml')
    )
    expect(located(yaml)).toEqual([
      '3:2 : YAML syntax error: All sequence items must start at the same column. Fix the syntax at this position'
    ])
  })

  it('rejects a server_id that names no server, without echoing a token in it', async () => {
    const token = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xz'
    const error = await fileError(() =>
      parseExceptionsText(
        `[{"id": "E", "server_id": "ftp://user:pw@files.example.com/${token}?key=${token}"},\n {"id": "F", "server_id": "${token}"}]`,
        'x.json'
      )
    )
    expect(error.problems).toHaveLength(2)
    expect(error.problems[0]?.message).toMatch(/^cannot read this server_id: /)
    expect(error.problems[1]).toMatchObject({ line: 2, column: 27, at: '[1].server_id' })
    expect(error.message).not.toContain(token)
    expect(error.message).not.toContain('pw@')
  })
  it('rejects a server_id naming a version range or tag, which would cover every version', async () => {
    const error = await fileError(() =>
      parseExceptionsText(
        '- id: E\n  server_id: npm:@example/a@^1.2.0\n- id: F\n  server_id: "pypi:b>=2"\n',
        'x.yml'
      )
    )
    expect(located(error)).toEqual([
      '2:14 [0].server_id: this server_id names a version range or tag (^1.2.0), not one version. Name the exact version the exception was approved for, or none to cover every version',
      expect.stringMatching(
        /^4:14 \[1\]\.server_id: this server_id names a version range or tag \(>=2\)/
      )
    ])
  })
})

describe('parseExceptionsText: environments', () => {
  const parse = (environments: unknown) =>
    parseExceptionsText(
      JSON.stringify([{ id: 'E', server_id: 'npm:a@1.0.0', environments }], null, 2),
      'x.json'
    )

  it('splits names separated by "," or ";" inside an item, as the registry does', () => {
    expect(parse(['production, staging', 'dev;ci', 'Prod']).exceptions[0]?.environments).toEqual([
      'production',
      'staging',
      'development',
      'ci'
    ])
  })

  it('refuses an item that is not an environment name, at the item', async () => {
    const error = await fileError(() => parse(['production', 'production staging', 'ci, qa/eu']))
    expect(located(error)).toEqual([
      '7:7 [0].environments[1]: "production staging" is not an environment name (a letter or digit, then letters, digits, ".", "_" or "-"; at most 64 characters). Separate names with "," or ";", or give one per item',
      expect.stringMatching(/^8:7 \[0\]\.environments\[2\]: "qa\/eu" is not an environment name/)
    ])
  })

  it('refuses an item holding only separators', async () => {
    const error = await fileError(() => parse([' , ; ']))
    expect(located(error)).toEqual([
      '6:7 [0].environments[0]: ", ;" names no environment. Write a name such as production, or remove the item'
    ])
  })
})

describe('parseExceptionsText: no credentials in server_id or artifact_url', () => {
  it('refuses a user name and password in server_id, located, without echoing them', async () => {
    const error = await fileError(() =>
      parseExceptionsText(
        '- id: E1\n  server_id: https://user:s3cret@h.example.com/mcp\n  environments: [production]\n',
        'x.yml'
      )
    )
    expect(located(error)).toEqual([
      '2:14 [0].server_id: the server id holds a user name or password, which reports would show. Write it without them (keep credentials out of the repository)'
    ])
    expect(error.message).not.toContain('s3cret')
  })

  it('refuses a user name and password in artifact_url, located, without echoing them', async () => {
    const error = await fileError(() =>
      parseExceptionsText(
        '- id: E1\n  server_id: npm:a\n  artifact_url: https://alice:hunter2@jira.example.com/browse/SEC-1?token=sekrit\n',
        'x.yml'
      )
    )
    expect(located(error)).toEqual([
      '3:17 [0].artifact_url: the link holds a user name or password, which reports would show. Write it without them (keep credentials out of the repository)'
    ])
    expect(error.message).not.toMatch(/hunter2|sekrit|alice/)
  })

  it('echoes a too-long artifact_url without its credentials or query', async () => {
    const url = `https://alice:hunter2@jira.example.com/browse/SEC-1?token=sekrit&pad=${'x'.repeat(2000)}`
    const error = await fileError(() =>
      parseExceptionsText(
        `[{"id": "E1", "server_id": "npm:a", "artifact_url": "${url}"}]`,
        'x.json'
      )
    )
    expect(error.problems.map((p) => p.at)).toEqual(['[0].artifact_url', '[0].artifact_url'])
    expect(error.message).toContain('must be at most 2000 characters long')
    expect(error.message).not.toMatch(/hunter2|sekrit|alice/)
  })

  it('accepts links and ids without credentials (a plain git@ user is not one)', () => {
    const file = parseExceptionsText(
      '- id: E1\n  server_id: https://mcp.example.com/mcp\n  artifact_url: https://jira.example.com/browse/SEC-1?view=full\n',
      'x.yml'
    )
    expect(file.exceptions[0]?.artifactUrl).toBe('https://jira.example.com/browse/SEC-1?view=full')
  })
})

describe('loadExceptionsFile and findExceptionsFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-exceptions-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('says when the file is missing, a directory or too large', async () => {
    const missing = await fileError(loadExceptionsFile(join(dir, 'nope.json')))
    expect(missing.message).toContain('it does not exist')
    expect(missing.problems[0]).toMatchObject({ line: 1, column: 1 })
    const directory = await fileError(loadExceptionsFile(dir))
    expect(directory.message).toContain('it is not a file')
    const big = join(dir, 'big.json')
    await writeFile(big, `[${' '.repeat(MAX_EXCEPTIONS_FILE_BYTES)}]`)
    const tooBig = await fileError(loadExceptionsFile(big))
    expect(tooBig.message).toContain(`more than the ${MAX_EXCEPTIONS_FILE_BYTES}`)
  })

  it('finds .github/mcp-exceptions.{json,yml,yaml}, and refuses two of them', async () => {
    await expect(findExceptionsFile(dir)).resolves.toBeNull()
    await mkdir(join(dir, '.github'))
    await writeFile(join(dir, '.github', 'mcp-exceptions.yml'), '[]\n')
    await expect(findExceptionsFile(dir)).resolves.toBe(join(dir, '.github', 'mcp-exceptions.yml'))
    await writeFile(join(dir, '.github', 'mcp-exceptions.json'), '[]\n')
    const error = await fileError(findExceptionsFile(dir))
    expect(error.message).toContain('more than one exceptions file')
  })
})

describe('exceptionsJsonSchema', () => {
  function validator() {
    // ajv is CommonJS: under NodeNext its class is the default export's `default`.
    const ajv = new Ajv2020.default({ strict: true, allErrors: true })
    addFormats.default(ajv)
    return ajv.compile(exceptionsJsonSchema())
  }

  it('is a draft 2020-12 schema with $id, title and field descriptions', () => {
    const schema = exceptionsJsonSchema() as {
      $schema: string
      $id: string
      title: string
      description: string
      anyOf: { items?: { properties: Record<string, { description?: string }> } }[]
    }
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.$id).toBe(EXCEPTIONS_SCHEMA_ID)
    expect(schema.title).toBe('mcp-grade-gate exceptions')
    expect(schema.description).toMatch(/never waive quarantine/)
    const entry = schema.anyOf[0]?.items?.properties ?? {}
    for (const field of [
      'id',
      'server_id',
      'environments',
      'justification',
      'risk_analysis',
      'compensating_controls',
      'approvers',
      'artifact_url',
      'approved_on',
      'expires_on'
    ]) {
      expect(entry[field]?.description).toEqual(expect.any(String))
    }
  })

  it('accepts the JSON, YAML and object-form fixtures', () => {
    const validate = validator()
    const json: unknown = parseJsonc(readFileSync(fixture('exceptions.json'), 'utf8'))
    expect(validate(json)).toBe(true)
    expect(validate(parseYaml(readFileSync(fixture('exceptions.yml'), 'utf8')))).toBe(true)
    expect(validate(parseYaml(readFileSync(fixture('object-form.yaml'), 'utf8')))).toBe(true)
    expect(validate.errors ?? null).toBeNull()
  })

  it('rejects an unknown key, a bad date, a wrong type and a missing id', () => {
    const validate = validator()
    const base = { id: 'E', server_id: 'npm:a' }
    expect(validate([{ ...base, risk_analyis: 'x' }])).toBe(false)
    expect(validate([{ ...base, expires_on: '2026-02-30' }])).toBe(false)
    expect(validate([{ ...base, environments: 'production' }])).toBe(false)
    expect(validate([{ server_id: 'npm:a' }])).toBe(false)
    expect(validate({ exceptions: [base], extra: 1 })).toBe(false)
    expect(validate([base])).toBe(true)
  })
})

describe('normalizeEnvironmentName and isoDayNumber', () => {
  it('expands the short names and folds case', () => {
    expect(normalizeEnvironmentName('prod')).toBe('production')
    expect(normalizeEnvironmentName(' Dev ')).toBe('development')
    expect(normalizeEnvironmentName('STAGE')).toBe('staging')
    expect(normalizeEnvironmentName('EU-Sandbox')).toBe('eu-sandbox')
    expect(normalizeEnvironmentName('__proto__')).toBe('__proto__')
  })

  it('counts UTC calendar days and rejects what is not a real YYYY-MM-DD day', () => {
    expect(isoDayNumber('1970-01-01')).toBe(0)
    expect(isoDayNumber('2026-03-01')! - isoDayNumber('2026-02-28')!).toBe(1)
    expect(isoDayNumber('2024-03-01')! - isoDayNumber('2024-02-28')!).toBe(2)
    expect(isoDayNumber('2024-02-29')).not.toBeNull()
    expect(isoDayNumber('0050-01-02')! - isoDayNumber('0050-01-01')!).toBe(1)
    for (const bad of [
      '2026-02-29',
      '2026-02-30',
      '2026-13-01',
      '2026-1-5',
      ' 2026-01-05',
      '2026-01-05T00:00Z',
      ''
    ]) {
      expect(isoDayNumber(bad)).toBeNull()
    }
  })
})
