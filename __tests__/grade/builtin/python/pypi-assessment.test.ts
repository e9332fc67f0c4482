import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { silentLogger } from '../../../../src/log.js'
import { HttpClient } from '../../../../src/net/http.js'
import { assessPypiPackage } from '../../../../src/grade/builtin/python/pypi-assessment.js'
import {
  checkPypiMetadata,
  parseCoreMetadata,
  type PypiMetadataInput
} from '../../../../src/grade/builtin/python/pypi-metadata.js'
import { PYPI_RULES } from '../../../../src/grade/builtin/python/pypi-rules.js'
import { FindingSchema } from '../../../../src/grade/report.js'
import {
  PypiClient,
  ProjectSchema,
  ReleaseSchema,
  type Project,
  type Release
} from '../../../../src/resolve/pypi-registry.js'
import { tarOf } from '../helpers.js'
import { coreMetadata, packageOf, wheelOf } from './helpers.js'

const base = 'https://pypi.test'
const files = 'https://files.pythonhosted.org'
const now = new Date('2026-04-01T00:00:00Z')
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/pypi/${name}`, import.meta.url), 'utf8')
  ) as Record<string, unknown>

const SERVER = `import subprocess
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("weather")

@mcp.tool()
def get_forecast(city: str, days: int = 3) -> str:
    """Get the forecast for a city."""
    return subprocess.check_output(f"weather {city} {days}", shell=True).decode()
`

/** The release JSON of 1.2.0 whose wheel is `wheel` (digest, size and URL of those bytes). */
function releaseWith(
  wheel: Buffer,
  filename = 'demo_mcp-1.2.0-py3-none-any.whl'
): Record<string, unknown> {
  const release = fixture('demo-mcp-1.2.0.json')
  const urls = release.urls as Array<Record<string, unknown>>
  urls[0] = {
    ...urls[0],
    filename,
    size: wheel.length,
    url: `${files}/packages/de/mo/${filename}`,
    digests: {
      ...(urls[0]?.digests as object),
      sha256: createHash('sha256').update(wheel).digest('hex')
    }
  }
  return release
}

function context() {
  const http = new HttpClient({ retries: 0, sleep: async () => undefined })
  return {
    pypi: new PypiClient({ http, baseUrl: base }),
    http,
    now: () => now,
    logger: silentLogger
  }
}

afterEach(() => {
  nock.cleanAll()
})

describe('assessPypiPackage', () => {
  it('assesses a wheel: metadata rules, source findings and declared tools', async () => {
    const wheel = wheelOf([
      { path: 'demo_mcp/__init__.py', content: '' },
      { path: 'demo_mcp/server.py', content: SERVER },
      { path: 'demo_mcp-1.2.0.dist-info/METADATA', content: coreMetadata('demo-mcp', '1.2.0') }
    ])
    nock(base)
      .get('/pypi/demo-mcp/json')
      .reply(200, fixture('demo-mcp.json'))
      .get('/pypi/demo-mcp/1.2.0/json')
      .reply(200, releaseWith(wheel))
    nock(files).get('/packages/de/mo/demo_mcp-1.2.0-py3-none-any.whl').reply(200, wheel)
    const outcome = await assessPypiPackage('demo-mcp', '1.2.0', context())
    expect(outcome.kind).toBe('assessed')
    if (outcome.kind !== 'assessed') return
    expect(outcome.findings.map((f) => f.ruleId).sort()).toEqual([
      'pypi.version-behind-latest',
      'source.command-injection'
    ])
    expect(outcome.tools.map((t) => t.name)).toEqual(['get_forecast'])
    for (const finding of outcome.findings)
      expect(FindingSchema.safeParse(finding).success).toBe(true)
  })

  it('assesses an sdist when there is no wheel', async () => {
    const sdist = tarOf([
      { path: 'demo_mcp-1.2.0/PKG-INFO', content: coreMetadata('demo-mcp', '1.2.0') },
      { path: 'demo_mcp-1.2.0/src/demo_mcp/server.py', content: 'def main():\n    pass\n' },
      { path: 'demo_mcp-1.2.0/tests/test_x.py', content: 'eval(input())\n' }
    ])
    const release = releaseWith(sdist, 'demo_mcp-1.2.0.tar.gz')
    const urls = release.urls as Array<Record<string, unknown>>
    release.urls = [{ ...urls[0], packagetype: 'sdist', python_version: 'source' }]
    nock(base)
      .get('/pypi/demo-mcp/json')
      .reply(200, fixture('demo-mcp.json'))
      .get('/pypi/demo-mcp/1.2.0/json')
      .reply(200, release)
    nock(files).get('/packages/de/mo/demo_mcp-1.2.0.tar.gz').reply(200, sdist)
    const outcome = await assessPypiPackage('demo-mcp', '1.2.0', context())
    expect(outcome).toMatchObject({ kind: 'assessed', tools: [] })
    if (outcome.kind === 'assessed') {
      expect(outcome.findings.map((f) => f.ruleId)).toEqual(['pypi.version-behind-latest'])
    }
  })

  it('never grades a distribution whose digest does not match', async () => {
    const wheel = wheelOf([{ path: 'demo_mcp/server.py', content: SERVER }])
    nock(base)
      .get('/pypi/demo-mcp/json')
      .reply(200, fixture('demo-mcp.json'))
      .get('/pypi/demo-mcp/1.2.0/json')
      .reply(200, releaseWith(wheel))
    nock(files)
      .get('/packages/de/mo/demo_mcp-1.2.0-py3-none-any.whl')
      .reply(200, wheelOf([{ path: 'demo_mcp/server.py', content: 'print("tampered")' }]))
    await expect(assessPypiPackage('demo-mcp', '1.2.0', context())).resolves.toEqual({
      kind: 'error',
      message: expect.stringMatching(/integrity check failed/)
    })
  })

  it('answers not-found for an unknown project and error for a broken registry', async () => {
    nock(base).get('/pypi/nope/json').reply(404, {}).get('/pypi/nope/1.0/json').reply(404, {})
    await expect(assessPypiPackage('nope', '1.0', context())).resolves.toMatchObject({
      kind: 'not-found'
    })
    nock(base)
      .get('/pypi/demo-mcp/json')
      .reply(200, 'nonsense')
      .get('/pypi/demo-mcp/1.0/json')
      .reply(200, 'nonsense')
    await expect(assessPypiPackage('demo-mcp', '1.0', context())).resolves.toMatchObject({
      kind: 'error'
    })
  })
})

describe('checkPypiMetadata', () => {
  const project: Project = ProjectSchema.parse(fixture('demo-mcp.json'))
  const release: Release = ReleaseSchema.parse(fixture('demo-mcp-1.2.0.json'))
  const metadata = parseCoreMetadata(
    coreMetadata('demo-mcp', '1.2.0'),
    'demo_mcp-1.2.0.dist-info/METADATA'
  )
  const base: PypiMetadataInput = {
    project,
    release,
    version: '1.2.0',
    kind: 'wheel',
    metadata,
    files: packageOf({}),
    now
  }
  const ids = (input: Partial<PypiMetadataInput>): string[] =>
    checkPypiMetadata({ ...base, ...input })
      .map((f) => f.ruleId)
      .sort()
  const info = (patch: Record<string, unknown>): Release => ({
    ...release,
    info: { ...release.info, ...patch }
  })

  it('finds nothing but "behind latest" for a healthy release, nothing for the latest', () => {
    expect(ids({})).toEqual(['pypi.version-behind-latest'])
    expect(ids({ version: '1.3.0', release: info({ version: '1.3.0' }) })).toEqual([])
  })

  it('reads core metadata headers, continuation lines and the body', () => {
    expect(metadata.fields.get('requires-dist')).toEqual([
      'mcp>=1.9.0',
      'httpx>=0.27',
      'pytest; extra == "test"'
    ])
    expect(metadata.description).toMatch(/^# demo-mcp/)
    const folded = parseCoreMetadata('Name: x\nLicense: MIT\n  and more\n', 'PKG-INFO')
    expect(folded.fields.get('license')).toEqual(['MIT\nand more'])
    expect(folded.description).toBeNull()
  })

  it('reports a yanked release with its reason', () => {
    const yanked = checkPypiMetadata({
      ...base,
      release: info({ yanked: true, yanked_reason: 'Broken entry point' })
    })
    expect(yanked.find((f) => f.ruleId === 'pypi.yanked')?.evidence?.snippet).toBe(
      'yanked: Broken entry point'
    )
  })

  it('reports staleness at 12 and 24 months, and an old superseded version', () => {
    expect(ids({ now: new Date('2027-04-01T00:00:00Z') })).toEqual([
      'pypi.stale-12m',
      'pypi.version-old'
    ])
    expect(ids({ now: new Date('2028-03-01T00:00:00Z') })).toEqual([
      'pypi.stale-24m',
      'pypi.version-old'
    ])
    const undated = {
      ...project,
      releases: { '1.2.0': [{ filename: 'x.whl', url: 'https://x', packagetype: 'bdist_wheel' }] }
    }
    expect(ids({ project: undated })).toContain('pypi.upload-dates-unknown')
  })

  it('reports missing repository, license, README, Requires-Python, MCP SDK and metadata', () => {
    const bare = info({
      project_urls: { Homepage: 'https://demo.example.com' },
      home_page: null,
      license_expression: null,
      license: 'UNKNOWN',
      classifiers: [],
      description: 'UNKNOWN',
      requires_python: null,
      requires_dist: ['httpx>=0.27', 'mcp; extra == "server"']
    })
    const bareProject = { ...project, info: { ...project.info, project_urls: null } }
    expect(ids({ release: bare, project: bareProject, metadata: null, version: '1.3.0' })).toEqual([
      'pypi.license-missing',
      'pypi.mcp-not-declared',
      'pypi.metadata-missing',
      'pypi.readme-missing',
      'pypi.repository-missing',
      'pypi.requires-python-missing'
    ])
  })

  it('judges a thin description with the shared README rules', () => {
    expect(
      ids({ release: info({ description: '# demo\n\nA server.' }), version: '1.3.0' })
    ).toEqual(['docs.readme-no-mcp-setup', 'docs.readme-no-usage', 'docs.readme-thin'])
  })

  it('lists unsafe entries of the distribution', () => {
    const files = packageOf({})
    files.skipped.push({
      path: '../x.py',
      reason: 'parent-segment',
      note: 'path ../x.py with a ".." segment refused'
    })
    expect(ids({ files, version: '1.3.0', release: info({ version: '1.3.0' }) })).toEqual([
      'pypi.unsafe-entry'
    ])
  })

  it('has a catalog of pypi.* ids on the package axes', () => {
    for (const rule of PYPI_RULES) {
      expect(rule.id).toMatch(/^pypi\.[a-z0-9-]+$/)
      expect(['maintenance', 'compatibility', 'documentation', 'security']).toContain(rule.axis)
    }
  })
})
