/**
 * `analyzeJsPackage` as a whole: entry points, the module graph, what cannot be analysed, taint
 * through helpers, the per-rule cap, real packages and speed on a 1 MB bundle.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { readPackageFiles } from '../../../../src/grade/builtin/package-files.js'
import {
  analyzeJsPackage,
  MAX_FINDINGS_PER_RULE
} from '../../../../src/grade/builtin/source/js-analysis.js'
import { findEntryPoints } from '../../../../src/grade/builtin/source/js-entry-points.js'
import { packageFilesOf } from '../helpers.js'

const tarballs = new URL('../../../fixtures/tarballs/', import.meta.url)

describe('entry points', () => {
  it('reads bin maps, main, module and exports conditions, skipping types and patterns', () => {
    const files = packageFilesOf({
      'bin/cli.js': '',
      'lib/main.cjs': '',
      'esm/index.mjs': '',
      'esm/feature.mjs': '',
      'types/index.d.ts': ''
    })
    const { entries, problems } = findEntryPoints(files, {
      bin: { demo: 'bin/cli.js' },
      main: './lib/main',
      exports: {
        '.': { types: './types/index.d.ts', import: './esm/index.mjs', require: './lib/main.cjs' },
        './feature': { node: './esm/feature.mjs' },
        './*': './esm/*.mjs'
      }
    })
    expect(problems).toEqual([])
    expect(entries.map((e) => [e.field, e.file])).toEqual([
      ['bin.demo', 'bin/cli.js'],
      ['main', 'lib/main.cjs'],
      ['exports["."].import', 'esm/index.mjs'],
      ['exports["."].require', 'lib/main.cjs'],
      ['exports["./feature"].node', 'esm/feature.mjs']
    ])
  })

  it('defaults to index.js and reports a badly typed field', () => {
    const files = packageFilesOf({ 'index.js': '' })
    const { entries, problems } = findEntryPoints(files, { bin: 42 })
    expect(entries.map((e) => e.file)).toEqual(['index.js'])
    expect(problems[0]).toMatch(/^package.json: "bin" is not valid/)
  })
})

describe('module graph', () => {
  it('follows import, export-from, dynamic import and require, resolving extensions and TS sources', async () => {
    const result = await analyzeJsPackage(
      packageFilesOf({
        'index.js':
          "import './a.js'\nexport * from './b'\nawait import('./c/index.js')\nrequire('./d')\nrequire('left-pad')",
        'a.js': '',
        'b.mjs': '',
        'c/index.js': '',
        'd/index.cjs': "const { run } = require('./tools.js')",
        'd/tools.ts': 'export const run = (x: string): string => x',
        'unused.js': 'eval(process.argv[2])',
        'data.json': '{}'
      }),
      { main: 'index.js' }
    )
    expect(result.analysedFiles).toEqual([
      'index.js',
      'a.js',
      'b.mjs',
      'c/index.js',
      'd/index.cjs',
      'd/tools.ts'
    ])
    expect(result.findings).toEqual([])
  })

  it('never resolves outside the package', async () => {
    const result = await analyzeJsPackage(
      packageFilesOf({ 'index.js': "import '../../etc/passwd.js'" }),
      {}
    )
    expect(result.analysedFiles).toEqual(['index.js'])
  })
})

describe('what cannot be analysed', () => {
  it('lists a missing entry, an unparsable file and an unread file in ONE finding', async () => {
    const files = packageFilesOf(
      {
        'index.js': "import './broken.js'\nimport './big.js'",
        'broken.js': 'const = 1'
      },
      {}
    )
    files.entries.push({ path: 'big.js', size: 5_000_000, kept: false })
    const result = await analyzeJsPackage(files, { bin: { a: 'index.js', b: 'missing.js' } })
    expect(result.notAnalysed.map((n) => n.file)).toEqual(['missing.js', 'broken.js', 'big.js'])
    expect(result.notAnalysed[1]?.reason).toMatch(/^does not parse \(line 1\)/)
    expect(result.notAnalysed[2]?.reason).toMatch(/not read from the tarball/)
    const notAnalysed = result.findings.filter((f) => f.ruleId === 'source.not-analysed')
    expect(notAnalysed).toHaveLength(1)
    expect(notAnalysed[0]?.evidence?.file).toBe('missing.js')
    expect(notAnalysed[0]?.evidence?.snippet).toContain('broken.js: does not parse')
    expect(notAnalysed[0]?.evidence?.snippet).toContain('big.js: not read')
  })

  it('reports a package with no code at all', async () => {
    const result = await analyzeJsPackage(packageFilesOf({ 'README.md': '# x' }), {})
    expect(result.findings.map((f) => f.ruleId)).toEqual(['source.not-analysed'])
    expect(result.notAnalysed[0]?.reason).toMatch(/entry point default/)
  })

  it('never throws on hostile package.json values', async () => {
    for (const pj of [null, 'x', [], { exports: { '.': { import: { import: { import: 7 } } } } }]) {
      const result = await analyzeJsPackage(packageFilesOf({ 'index.js': '' }), pj)
      expect(result.analysedFiles).toEqual(['index.js'])
    }
  })
})

describe('taint', () => {
  it('follows destructured input into a local helper one level down', async () => {
    const result = await analyzeJsPackage(
      packageFilesOf({
        'index.js': `import { execSync } from 'node:child_process'
function runGit(repo, ref) {
  return execSync(\`git -C \${repo} log \${ref}\`)
}
server.tool('log', 'Git log', { ref: z.string() }, async ({ ref }) => {
  const out = runGit('/srv/repo', ref)
  return { content: [{ type: 'text', text: String(out) }] }
})`
      }),
      {}
    )
    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: 'source.command-injection',
        evidence: expect.objectContaining({ line: 3 })
      })
    ])
  })

  it('reads request.params.arguments in a low-level call handler, and trusts validatePath()', async () => {
    const result = await analyzeJsPackage(
      packageFilesOf({
        'index.js': `const fs = require('fs')
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { path: p, other } = request.params.arguments
  const safe = await validatePath(other)
  fs.writeFileSync(safe, 'x')
  return { content: [{ type: 'text', text: fs.readFileSync(p, 'utf8') }] }
})`
      }),
      {}
    )
    // the handler calls a path validator, so it counts as checking containment (documented limit:
    // checks are per handler, not per value); `p` itself is never validated nor realpath'd
    expect(result.findings.map((f) => [f.ruleId, f.evidence?.line])).toEqual([
      ['source.symlink-following', 6]
    ])
  })

  it('keeps at most 10 findings per rule and says how many more there were', async () => {
    const calls = Array.from({ length: 14 }, (_, i) => `  eval(args.e${i})`).join('\n')
    const result = await analyzeJsPackage(
      packageFilesOf({ 'index.js': `server.tool('x', async (args) => {\n${calls}\n})` }),
      {}
    )
    const code = result.findings.filter((f) => f.ruleId === 'source.code-injection')
    expect(code).toHaveLength(MAX_FINDINGS_PER_RULE)
    expect(code.at(-1)?.title).toMatch(/\(4 more in the package not listed\)$/)
  })
})

describe('real packages (recorded tarballs)', () => {
  async function analyseTarball(name: string) {
    const files = await readPackageFiles(readFileSync(new URL(name, tarballs)))
    const packageJson: unknown = JSON.parse(
      files.files.get('package.json')?.toString('utf8') ?? '{}'
    )
    return analyzeJsPackage(files, packageJson)
  }

  it('@modelcontextprotocol/server-filesystem: every path goes through validatePath — nothing fires', async () => {
    const result = await analyseTarball('server-filesystem-2026.8.31.tgz')
    expect(result.analysedFiles).toEqual([
      'dist/index.js',
      'dist/path-utils.js',
      'dist/roots-utils.js',
      'dist/lib.js',
      'dist/path-validation.js'
    ])
    expect(
      result.registrations.filter((r) => r.form === 'registerTool').length
    ).toBeGreaterThanOrEqual(10)
    expect(result.findings).toEqual([])
  })

  it('tavily-mcp: five listed tools served by one call handler; requests go to fixed Tavily URLs', async () => {
    const result = await analyseTarball('tavily-mcp-0.2.22.tgz')
    expect(
      result.registrations.map((r) => (r.name?.type === 'Literal' ? r.name.value : null))
    ).toEqual(['tavily_search', 'tavily_extract', 'tavily_crawl', 'tavily_map', 'tavily_research'])
    expect(new Set(result.registrations.map((r) => r.handler)).size).toBe(1)
    expect(result.findings).toEqual([])
  })

  it('figma-developer-mcp: a minified bundle; createMcpExpressApp guards the HTTP transport', async () => {
    const result = await analyseTarball('figma-developer-mcp-0.13.2.tgz')
    expect(result.analysedFiles).toContain('dist/chunk-BMERTI2I.js')
    expect(result.registrations.map((r) => r.form)).toEqual(['registerTool', 'registerTool'])
    expect(result.findings).toEqual([])
  })
})

describe('performance', () => {
  it('analyses a generated 1 MB bundle quickly', async () => {
    const unit = (i: number): string =>
      `function f${i}(e,t){let n=e.map(r=>r*${i}),o={a:n,b:"k${i}"};return t?o:JSON.stringify(o)}` +
      `s.tool("t${i}","d",{v:z.string()},async r=>{let a=f${i}([1,2],r.v);console.log(a);return{content:[{type:"text",text:"ok"}]}});`
    const parts: string[] = ['var s=new McpServer({name:"b",version:"1"});']
    let size = 0
    for (let i = 0; size < 1024 * 1024; i++) {
      parts.push(unit(i))
      size += parts.at(-1)?.length ?? 0
    }
    const files = packageFilesOf({ 'bundle.js': parts.join('') })
    const started = performance.now()
    const result = await analyzeJsPackage(files, { main: 'bundle.js' })
    const elapsed = performance.now() - started
    expect(result.analysedFiles).toEqual(['bundle.js'])
    expect(result.registrations.length).toBeGreaterThan(3000)
    console.info(`1 MB bundle analysed in ${elapsed.toFixed(0)} ms`)
    // generous: the machine may be shared; a quadratic pass over 4000+ handlers takes far longer
    expect(elapsed).toBeLessThan(6000)
  })
})
