import { describe, expect, it } from '@jest/globals'
import { versionBump, versionText, writtenVersionKey } from '../../src/change/written-version.js'
import type { PackageIdentity } from '../../src/resolve/types.js'

function identity(fields: Partial<PackageIdentity>): PackageIdentity {
  return {
    ecosystem: 'npm',
    name: 'pkg',
    versionSpec: null,
    version: null,
    pinned: false,
    purl: null,
    launcher: 'npx',
    resolution: { status: 'offline' },
    ...fields
  }
}

describe('writtenVersionKey', () => {
  it.each([
    [null, 'latest'],
    ['*', 'latest'],
    ['latest', 'latest'],
    ['^1.2', '>=1.2.0 <2.0.0-0'],
    ['1.x', '>=1.0.0 <2.0.0-0'],
    ['=1.2.3', '1.2.3'],
    ['next', 'next'],
    ['github:org/repo#v1', 'github:org/repo#v1']
  ])('npm %s → %s', (spec, key) => {
    expect(writtenVersionKey(identity({ versionSpec: spec }))).toBe(key)
  })

  it.each([
    ['==1.0', '==1'],
    ['1.0.0', '==1'],
    ['>= 1.0, <2', '>=1.0,<2'],
    [null, ''],
    ['latest', 'latest']
  ])('PyPI %s → %s', (spec, key) => {
    expect(writtenVersionKey(identity({ ecosystem: 'pypi', versionSpec: spec }))).toBe(key)
  })

  it('OCI: tag and digest; no key for identities without versions', () => {
    expect(
      writtenVersionKey(identity({ ecosystem: 'oci', versionSpec: null, version: 'sha256:ABC' }))
    ).toBe('latest@sha256:abc')
    expect(writtenVersionKey(identity({ ecosystem: 'remote' }))).toBeNull()
  })
})

describe('versionBump', () => {
  it('prefers exact versions when both are known and differ', () => {
    const before = identity({ versionSpec: '^1.2.0', version: '1.2.5' })
    const after = identity({ versionSpec: '^1.3.0', version: '1.3.4' })
    expect(versionBump(before, after)).toBe('1.2.5 → 1.3.4')
  })

  it('shows written specs when an exact version is missing or the same on both sides', () => {
    expect(
      versionBump(
        identity({ versionSpec: '^1.2.0' }),
        identity({ versionSpec: '1.3.1', version: '1.3.1' })
      )
    ).toBe('^1.2.0 → 1.3.1')
    expect(
      versionBump(
        identity({ versionSpec: '^1.2.0', version: '1.3.4' }),
        identity({ versionSpec: '^1.3.0', version: '1.3.4' })
      )
    ).toBe('^1.2.0 → ^1.3.0')
  })

  it('shows PyPI without a spec as (no version) and OCI digests shortened', () => {
    expect(versionText(identity({ ecosystem: 'pypi' }))).toBe('(no version)')
    expect(
      versionText(
        identity({ ecosystem: 'oci', versionSpec: '1.0', version: `sha256:${'c'.repeat(64)}` })
      )
    ).toBe('1.0@sha256:cccccccccccc')
  })
})
