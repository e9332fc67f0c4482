import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { lt as ltPep440, satisfies as satisfiesPep440 } from '@renovatebot/pep440'
import semver from 'semver'
import {
  matchAffected,
  normalisePackageName
} from '../../../../src/grade/builtin/advisories/affected.js'
import type { OsvRecord } from '../../../../src/grade/builtin/advisories/osv-record.js'
import { osvRecord } from './osv-fixtures.js'

/** A record with one affected package and the given ranges/versions. */
function recordOf(
  ecosystem: string,
  name: string,
  ranges: { type: 'SEMVER' | 'ECOSYSTEM' | 'GIT'; events: Record<string, string>[] }[],
  versions?: string[]
): OsvRecord {
  return {
    id: 'TEST-1',
    affected: [{ package: { ecosystem, name }, ranges, ...(versions ? { versions } : {}) }]
  }
}

describe('matchAffected with real records', () => {
  const mcpRemote = osvRecord('GHSA-6xpm-ggf7-wc3p')

  it('mcp-remote 0.1.15 is affected by GHSA-6xpm-ggf7-wc3p, fixed in 0.1.16', () => {
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote', '0.1.15')).toEqual({
      range: '>=0.0.5 <0.1.16',
      fixedIn: '0.1.16'
    })
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote', '0.0.5')).not.toBeNull()
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote', '0.1.16')).toBeNull()
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote', '0.0.4')).toBeNull()
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote', '0.1.16-beta.1')).not.toBeNull()
  })

  it('npm names are exact; other ecosystems and packages do not match', () => {
    expect(matchAffected(mcpRemote, 'npm', 'MCP-Remote', '0.1.15')).toBeNull()
    expect(matchAffected(mcpRemote, 'npm', 'mcp-remote-client', '0.1.15')).toBeNull()
    expect(matchAffected(mcpRemote, 'PyPI', 'mcp-remote', '0.1.15')).toBeNull()
  })

  it('server-filesystem: two affected entries, last_affected and fixed', () => {
    const record = osvRecord('GHSA-hc55-p739-j48w')
    const name = '@modelcontextprotocol/server-filesystem'
    expect(matchAffected(record, 'npm', name, '2025.3.28')).toEqual({
      range: '>=2025.1.14 <2025.7.1',
      fixedIn: '2025.7.1'
    })
    expect(matchAffected(record, 'npm', name, '2025.7.1')).toBeNull()
    expect(matchAffected(record, 'npm', name, '0.6.2')).toEqual({ range: '>=0 <=0.6.2' })
    expect(matchAffected(record, 'npm', name, '0.6.3')).toBeNull()
    expect(matchAffected(record, 'npm', name, '2025.1.13')).toBeNull()
  })

  it('postmark-mcp: malicious from 1.0.16 on, with no fix', () => {
    const record = osvRecord('MAL-2025-47604')
    expect(matchAffected(record, 'npm', 'postmark-mcp', '1.0.16')).toEqual({ range: '>=1.0.16' })
    expect(matchAffected(record, 'npm', 'postmark-mcp', '1.0.18')).toEqual({ range: '>=1.0.16' })
    expect(matchAffected(record, 'npm', 'postmark-mcp', '1.0.15')).toBeNull()
  })

  it('PyPI mcp-server-git: PEP 440 order and PEP 503 names', () => {
    const initTool = osvRecord('GHSA-5cgr-j3jf-jw3v')
    expect(matchAffected(initTool, 'PyPI', 'mcp-server-git', '2025.7.1')).toEqual({
      range: '>=0 <2025.9.25',
      fixedIn: '2025.9.25'
    })
    expect(matchAffected(initTool, 'PyPI', 'MCP_Server.Git', '2025.7.1')).not.toBeNull()
    expect(matchAffected(initTool, 'PyPI', 'mcp-server-git', '2025.9.25rc1')).not.toBeNull()
    expect(matchAffected(initTool, 'PyPI', 'mcp-server-git', '2025.9.25')).toBeNull()
    // 2025.11.25 > 2025.9.25 numerically (a string compare would say otherwise).
    expect(matchAffected(initTool, 'PyPI', 'mcp-server-git', '2025.11.25')).toBeNull()
    const argInjection = osvRecord('GHSA-9xwc-hfwc-8w59')
    expect(matchAffected(argInjection, 'PyPI', 'mcp-server-git', '2025.11.25')).toEqual({
      range: '>=0 <=2025.11.25'
    })
    expect(matchAffected(argInjection, 'PyPI', 'mcp-server-git', '2025.12.18')).toBeNull()
    expect(matchAffected(argInjection, 'npm', 'mcp-server-git', '2025.11.25')).toBeNull()
  })
})

describe('matchAffected semantics', () => {
  it('withdrawn records never match', () => {
    const record = { ...osvRecord('GHSA-6xpm-ggf7-wc3p'), withdrawn: '2025-08-01T00:00:00Z' }
    expect(matchAffected(record, 'npm', 'mcp-remote', '0.1.15')).toBeNull()
  })

  it('explicit versions match even without ranges, and only those', () => {
    const record = recordOf('npm', 'a', [], ['1.2.3', '1.2.5'])
    expect(matchAffected(record, 'npm', 'a', '1.2.3')).toEqual({ range: 'listed version 1.2.3' })
    expect(matchAffected(record, 'npm', 'a', '1.2.4')).toBeNull()
    // An unparseable queried version still matches a listed one.
    const odd = recordOf('npm', 'a', [], ['not-semver'])
    expect(matchAffected(odd, 'npm', 'a', 'not-semver')).not.toBeNull()
  })

  it('GIT ranges are ignored', () => {
    const record = recordOf('npm', 'a', [
      { type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }
    ])
    expect(matchAffected(record, 'npm', 'a', '1.0.0')).toBeNull()
  })

  it('several intervals in one range, events in any order, lowest fix above', () => {
    const record = recordOf('npm', 'a', [
      {
        type: 'SEMVER',
        events: [
          { fixed: '3.0.0' },
          { introduced: '2.0.0' },
          { fixed: '1.5.0' },
          { introduced: '0' }
        ]
      },
      { type: 'SEMVER', events: [{ introduced: '2.5.0' }, { fixed: '2.6.0' }] }
    ])
    expect(matchAffected(record, 'npm', 'a', '1.0.0')).toEqual({
      range: '>=0 <1.5.0',
      fixedIn: '1.5.0'
    })
    expect(matchAffected(record, 'npm', 'a', '1.7.0')).toBeNull()
    expect(matchAffected(record, 'npm', 'a', '2.5.1')).toEqual({
      range: '>=2.0.0 <3.0.0',
      fixedIn: '2.6.0'
    })
    expect(matchAffected(record, 'npm', 'a', '3.0.0')).toBeNull()
  })

  it('limit caps an open range', () => {
    const record = recordOf('npm', 'a', [
      { type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { limit: '2.0.0' }] }
    ])
    expect(matchAffected(record, 'npm', 'a', '1.9.9')).toEqual({ range: '>=1.0.0 <2.0.0 (limit)' })
    expect(matchAffected(record, 'npm', 'a', '2.0.0')).toBeNull()
    expect(matchAffected(record, 'npm', 'a', '0.9.0')).toBeNull()
  })

  it('unreadable bounds err towards affected', () => {
    const record = recordOf('npm', 'a', [
      { type: 'ECOSYSTEM', events: [{ introduced: 'garbage' }, { fixed: 'also-garbage' }] }
    ])
    expect(matchAffected(record, 'npm', 'a', '5.0.0')).toEqual({ range: '>=0' })
    // An unreadable queried version matches no range.
    expect(matchAffected(record, 'npm', 'a', 'latest')).toBeNull()
  })

  it('normalises PyPI names per PEP 503 and leaves npm names alone', () => {
    expect(normalisePackageName('PyPI', 'Foo__Bar.-baz')).toBe('foo-bar-baz')
    expect(normalisePackageName('npm', '@Scope/Foo_Bar')).toBe('@Scope/Foo_Bar')
  })
})

describe('matchAffected properties', () => {
  const semverArb = fc
    .tuple(fc.nat(20), fc.nat(20), fc.nat(20))
    .map(([a, b, c]) => `${a}.${b}.${c}`)

  it('npm: [introduced, fixed) agrees with semver ranges', () => {
    fc.assert(
      fc.property(semverArb, semverArb, semverArb, (x, y, v) => {
        const [lo, hi] = semver.lt(x, y) ? [x, y] : [y, x]
        const record = recordOf('npm', 'p', [
          { type: 'SEMVER', events: [{ introduced: lo }, { fixed: hi }] }
        ])
        const match = matchAffected(record, 'npm', 'p', v)
        const expected = semver.satisfies(v, `>=${lo} <${hi}`)
        expect(match !== null).toBe(expected)
        if (match) expect(match.fixedIn).toBe(hi)
      })
    )
  })

  it('npm: [introduced, last_affected] agrees with semver ranges', () => {
    fc.assert(
      fc.property(semverArb, semverArb, semverArb, (x, y, v) => {
        const [lo, hi] = semver.lte(x, y) ? [x, y] : [y, x]
        const record = recordOf('npm', 'p', [
          { type: 'ECOSYSTEM', events: [{ introduced: lo }, { last_affected: hi }] }
        ])
        const match = matchAffected(record, 'npm', 'p', v)
        expect(match !== null).toBe(semver.satisfies(v, `>=${lo} <=${hi}`))
        expect(match?.fixedIn).toBeUndefined()
      })
    )
  })

  it('PyPI: [introduced, fixed) agrees with PEP 440 specifiers', () => {
    const pep440Arb = fc
      .tuple(fc.nat(30), fc.nat(12), fc.option(fc.nat(5), { nil: undefined }))
      .map(([a, b, rc]) => `${2000 + a}.${b}${rc === undefined ? '' : `rc${rc}`}`)
    fc.assert(
      fc.property(pep440Arb, pep440Arb, pep440Arb, (x, y, v) => {
        const record = recordOf('PyPI', 'p', [
          { type: 'ECOSYSTEM', events: [{ introduced: x }, { fixed: y }] }
        ])
        const match = matchAffected(record, 'PyPI', 'p', v)
        // The spec's walk: affected when introduced <= v < fixed (introduced below fixed), or
        // when the fix sorts before the introduction and v >= introduced.
        const atOrAfterIntro = satisfiesPep440(v, `>=${x}`)
        const beforeFix = satisfiesPep440(v, `<${y}`)
        // Which event sorts first is PEP 440 ordering (`lt`), not a specifier: `<2000.0` does
        // not match `2000.0rc0` as a specifier (pre-releases are excluded) though it sorts below.
        const fixFirst = ltPep440(y, x)
        const expected = fixFirst ? atOrAfterIntro : atOrAfterIntro && beforeFix
        // PEP 440 specifiers exclude pre-releases from `>=`/`<` unless asked; compare only
        // final releases against the specifier oracle.
        fc.pre(!/rc/.test(v))
        expect(match !== null).toBe(expected)
      })
    )
  })
})
