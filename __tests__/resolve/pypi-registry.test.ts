import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { HttpClient } from '../../src/net/http.js'
import {
  PypiClient,
  PypiNotFoundError,
  PypiRegistryError,
  ProjectSchema
} from '../../src/resolve/pypi-registry.js'

const base = 'https://pypi.test'
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/pypi/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >
const project = ProjectSchema.parse(fixture('demo-mcp.json'))

function client(retries = 0): PypiClient {
  return new PypiClient({
    http: new HttpClient({ retries, sleep: async () => undefined }),
    baseUrl: `${base}/`
  })
}

afterEach(() => {
  nock.cleanAll()
})

describe('PypiClient.getProject / getRelease', () => {
  it('fetches the project JSON by its PEP 503 name, once per run', async () => {
    const scope = nock(base).get('/pypi/demo-mcp/json').once().reply(200, fixture('demo-mcp.json'))
    const pypi = client()
    const [a, b] = await Promise.all([pypi.getProject('Demo_MCP'), pypi.getProject('demo.mcp')])
    expect(a).toBe(b)
    expect(a.info).toMatchObject({ name: 'demo-mcp', version: '1.3.0', license_expression: 'MIT' })
    expect(Object.keys(a.releases)).toContain('1.1.0')
    scope.done()
  })

  it('fetches one release', async () => {
    nock(base).get('/pypi/demo-mcp/1.2.0/json').reply(200, fixture('demo-mcp-1.2.0.json'))
    const release = await client().getRelease('demo-mcp', '1.2.0')
    expect(release.info.version).toBe('1.2.0')
    expect(release.urls.map((u) => u.packagetype)).toEqual(['bdist_wheel', 'sdist'])
    expect(release.urls[0]?.digests.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers PypiNotFoundError on 404', async () => {
    nock(base).get('/pypi/nope/json').reply(404, { message: 'Not Found' })
    await expect(client().getProject('nope')).rejects.toBeInstanceOf(PypiNotFoundError)
  })

  it('retries a 500 and succeeds, or fails with PypiRegistryError when it persists', async () => {
    nock(base)
      .get('/pypi/demo-mcp/json')
      .reply(500, 'oops')
      .get('/pypi/demo-mcp/json')
      .reply(200, fixture('demo-mcp.json'))
    await expect(client(2).getProject('demo-mcp')).resolves.toMatchObject({
      info: { name: 'demo-mcp' }
    })
    nock(base).get('/pypi/demo-mcp/json').times(2).reply(503, 'down')
    const error = await client(1)
      .getProject('demo-mcp')
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PypiRegistryError)
    expect((error as Error).message).toMatch(/503/)
  })

  it('fails with PypiRegistryError on bad JSON and on the wrong shape', async () => {
    nock(base).get('/pypi/demo-mcp/json').reply(200, '<html>maintenance</html>')
    await expect(client().getProject('demo-mcp')).rejects.toThrow(/did not answer JSON/)
    nock(base)
      .get('/pypi/other/json')
      .reply(200, { info: { name: 'other' } })
    await expect(client().getProject('other')).rejects.toThrow(PypiRegistryError)
    nock(base).get('/pypi/other/401/json').reply(401, 'no')
    await expect(client().getRelease('other', '401')).rejects.toThrow(/answered 401/)
  })
})

describe('PypiClient.pickVersion', () => {
  const pypi = client()
  it('picks the highest final, non-yanked release with files', () => {
    expect(pypi.pickVersion(project, '').version).toBe('1.3.0')
    expect(pypi.pickVersion(project, 'latest').version).toBe('1.3.0')
    expect(pypi.pickVersion(project, '>=1.0,<1.3').version).toBe('1.2.0')
    expect(pypi.pickVersion(project, '~=1.0').version).toBe('1.3.0')
  })

  it('skips yanked releases unless pinned exactly (PEP 592)', () => {
    expect(pypi.pickVersion(project, '<1.2').version).toBe('1.0.0')
    expect(pypi.pickVersion(project, '==1.1.0')).toMatchObject({ version: '1.1.0', yanked: true })
    expect(pypi.pickVersion(project, '1.2.0')).toMatchObject({ version: '1.2.0', yanked: false })
  })

  it('takes a pre-release only when nothing else matches', () => {
    expect(pypi.pickVersion(project, '>=2.0.0b1').version).toBe('2.0.0b1')
  })

  it('throws for no match, releases without files and bad specifiers', () => {
    expect(() => pypi.pickVersion(project, '>=3')).toThrow(PypiNotFoundError)
    expect(() => pypi.pickVersion(project, '==0.0.1')).toThrow(PypiNotFoundError)
    expect(() => pypi.pickVersion(project, 'not a spec!')).toThrow(PypiRegistryError)
  })
})
