import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  OsvRecordError,
  parseOsvRecord
} from '../../../../src/grade/builtin/advisories/osv-record.js'
import { OSV_FIXTURES, rawRecord } from './osv-fixtures.js'

describe('parseOsvRecord', () => {
  it('reads every real record of the fixtures', () => {
    const files = readdirSync(OSV_FIXTURES).filter((name) => name.endsWith('.json'))
    expect(files.length).toBeGreaterThanOrEqual(20)
    for (const file of files) {
      const record = parseOsvRecord(
        JSON.parse(readFileSync(join(OSV_FIXTURES, file), 'utf8')),
        file
      )
      expect(record.id).toBe(file.replace(/\.json$/, ''))
    }
  })

  it('keeps the fields the grader uses and unknown ones', () => {
    const record = parseOsvRecord(rawRecord('GHSA-6xpm-ggf7-wc3p'), 'x.json')
    expect(record.aliases).toEqual(['CVE-2025-6514'])
    expect(record.severity?.[0]).toEqual({
      type: 'CVSS_V3',
      score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H'
    })
    expect(record.affected?.[0]?.ranges?.[0]?.events).toEqual([
      { introduced: '0.0.5' },
      { fixed: '0.1.16' }
    ])
    expect(record.database_specific?.cwe_ids).toEqual(['CWE-78'])
    expect(record.database_specific?.severity).toBe('CRITICAL')
    expect((record as Record<string, unknown>).schema_version).toBe('1.4.0')
  })

  it('names the origin, the record and the field of a bad range type', () => {
    const raw = rawRecord('GHSA-hc55-p739-j48w') as { affected: { ranges: { type: string }[] }[] }
    const bad = structuredClone(raw)
    bad.affected[1]!.ranges[0]!.type = 'SEMVERISH'
    let error: unknown
    try {
      parseOsvRecord(bad, 'db/GHSA-hc55-p739-j48w.json')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(OsvRecordError)
    const message = (error as Error).message
    expect(message).toContain('db/GHSA-hc55-p739-j48w.json (record GHSA-hc55-p739-j48w)')
    expect(message).toContain('affected[1].ranges[0].type')
    expect(message).toContain('OSV schema 1.6')
  })

  it('refuses an event with two keys and a record without id', () => {
    expect(() =>
      parseOsvRecord(
        {
          id: 'X-1',
          affected: [
            {
              package: { ecosystem: 'npm', name: 'a' },
              ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1.0.0' }] }]
            }
          ]
        },
        'api'
      )
    ).toThrow(/affected\[0\]\.ranges\[0\]\.events\[0\].*exactly one/)
    expect(() => parseOsvRecord({ summary: 'no id' }, 'f.json')).toThrow(/f\.json .*id/)
    expect(() => parseOsvRecord('nope', 'f.json')).toThrow(/\(record\)/)
  })

  it('drops malformed display-only fields instead of the record', () => {
    const record = parseOsvRecord(
      { id: 'X-2', summary: 42, references: 'none', database_specific: { cwe_ids: 'CWE-1' } },
      'f.json'
    )
    expect(record.summary).toBeUndefined()
    expect(record.references).toBeUndefined()
    expect(record.database_specific?.cwe_ids).toBeUndefined()
  })
})
