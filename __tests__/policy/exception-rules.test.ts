import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  APPROVAL_WINDOW_DAYS,
  DEFAULT_EXCEPTION_MAX_DAYS,
  exceptionLinkProblem,
  EXPIRING_WITHIN_DAYS,
  findExceptions,
  judgeException,
  type ExceptionContext,
  type ExceptionRules
} from '../../src/policy/exception-rules.js'
import { parseExceptionsText } from '../../src/policy/exceptions-file.js'
import type { DataClass, ExceptionRecord, ExceptionsFile } from '../../src/policy/records.js'
import { parseServerId } from '../../src/resolve/server-id.js'
import type { ServerKey } from '../../src/resolve/server-key.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'exceptions')

function load(name: string): ExceptionsFile {
  const path = join(fixtures, name)
  return parseExceptionsText(readFileSync(path, 'utf8'), path)
}

function key(text: string): ServerKey {
  const parsed = parseServerId(text)
  if (parsed === null) throw new Error(`test server id ${text} does not parse`)
  return parsed
}

/** The fixtures are judged on this day. */
const TODAY = '2026-11-21'

/**
 * The rules the policy layer passes in by default (SPEC §6–§7): manager + security everywhere,
 * + cto for production with personal or phi data; phi allows no exceptions.
 */
function defaultRules(environment: string, dataClass: DataClass | null): ExceptionRules {
  const sensitive = dataClass === 'personal' || dataClass === 'phi'
  return {
    allowed: dataClass !== 'phi',
    maxDays: DEFAULT_EXCEPTION_MAX_DAYS,
    requiredRoles:
      environment === 'production' && sensitive
        ? ['manager', 'security', 'cto']
        : ['manager', 'security']
  }
}

function context(
  environment: string,
  dataClass: DataClass | null = null,
  overrides: Partial<ExceptionContext> = {}
): ExceptionContext {
  return {
    today: TODAY,
    environment,
    dataClass,
    rules: defaultRules(environment, dataClass),
    ...overrides
  }
}

describe.each([
  ['JSON (object form)', 'exceptions.json'],
  ['YAML (list form)', 'exceptions.yml']
])('judgeException: the issue 3 cases in %s', (_format, name) => {
  const file = load(name)
  const record = (id: string): ExceptionRecord => {
    const found = file.exceptions.find((e) => e.id === id)
    if (found === undefined) throw new Error(`fixture has no ${id}`)
    return found
  }

  it('a complete exception 8 days before expiry is valid', () => {
    expect(judgeException(record('EXC-001'), context('production'))).toEqual({
      state: 'valid',
      problems: [],
      daysLeft: 8
    })
    // `prod` in the file and `PROD` from the run name the same environment.
    expect(judgeException(record('EXC-001'), context('PROD')).state).toBe('valid')
  })

  it('expired yesterday → expired, saying since when', () => {
    const judgement = judgeException(record('EXC-002'), context('production'))
    expect(judgement.state).toBe('expired')
    expect(judgement.daysLeft).toBe(-1)
    expect(judgement.problems).toEqual([
      'expired: its last valid day was 2026-11-20 (1 day ago); renew it with a new approval or fix the server'
    ])
  })

  it('expires in 3 days → expiring (still valid), with the days left', () => {
    expect(judgeException(record('EXC-003'), context('production'))).toEqual({
      state: 'expiring',
      problems: [],
      daysLeft: 3
    })
  })

  it('approved for 61 days → invalid, naming both numbers; a policy allowing 61 accepts it', () => {
    const judgement = judgeException(record('EXC-004'), context('production'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems).toEqual([
      expect.stringContaining('approved for 61 days, more than 60 (2026-10-01 to 2026-12-01)')
    ])
    const longer = context('production', null, {
      rules: { ...defaultRules('production', null), maxDays: 61 }
    })
    expect(judgeException(record('EXC-004'), longer)).toEqual({
      state: 'valid',
      problems: [],
      daysLeft: 10
    })
  })

  it('missing the security approval → invalid, saying which role', () => {
    const judgement = judgeException(record('EXC-005'), context('production'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems).toEqual([
      'missing approval by security: add an approver with role "security", their name and the date'
    ])
  })

  it('production with personal data also needs the cto; internal data does not', () => {
    const personal = judgeException(record('EXC-006'), context('production', 'personal'))
    expect(personal.state).toBe('invalid')
    expect(personal.problems).toEqual([expect.stringMatching(/^missing approval by cto: /)])
    expect(judgeException(record('EXC-006'), context('production', 'internal')).state).toBe('valid')
    // EXC-001 carries the cto's sign-off, so personal data is fine there.
    expect(judgeException(record('EXC-001'), context('production', 'personal')).state).toBe('valid')
  })

  it('phi data allows no exceptions, however complete the exception', () => {
    const judgement = judgeException(record('EXC-001'), context('production', 'phi'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems).toEqual([
      'production with phi data allows no exceptions (policy): the server itself has to meet the rules'
    ])
    const noneAnywhere = context('production', null, {
      rules: { ...defaultRules('production', null), allowed: false }
    })
    expect(judgeException(record('EXC-001'), noneAnywhere).problems[0]).toMatch(
      /^production allows no exceptions/
    )
  })

  it('artifact missing → invalid', () => {
    const judgement = judgeException(record('EXC-008'), context('development'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems).toEqual([
      'missing artifact_url: link the approval artifact (ticket, e-mail thread or signed PDF)'
    ])
  })

  it('approved in the future → invalid, with the approval dated after today too', () => {
    const judgement = judgeException(record('EXC-009'), context('staging'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems).toEqual([
      'approved_on 2026-11-25 is in the future (today is 2026-11-21): an exception counts only once approved',
      'approval by security (Sam Okafor) is dated 2026-11-25, after today (2026-11-21): an approval cannot come from the future'
    ])
  })

  it('the wrong environment → not-applicable; its own environments (dev, ci) → valid', () => {
    expect(judgeException(record('EXC-010'), context('production'))).toEqual({
      state: 'not-applicable',
      problems: [],
      daysLeft: 24
    })
    expect(judgeException(record('EXC-010'), context('development')).state).toBe('valid')
    expect(judgeException(record('EXC-010'), context('dev')).state).toBe('valid')
    expect(judgeException(record('EXC-010'), context('ci')).state).toBe('valid')
  })

  it('an exception with nothing filled in lists every rule it breaks', () => {
    const judgement = judgeException(record('EXC-011'), context('production'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.daysLeft).toBeNull()
    expect(judgement.problems.map((p) => p.split(':')[0])).toEqual([
      'missing justification',
      'missing risk_analysis',
      'missing compensating_controls',
      'missing approved_on',
      'missing expires_on',
      'missing approval by manager',
      'missing approval by security',
      'missing artifact_url'
    ])
  })
})

describe('judgeException: edges', () => {
  const file = load('exceptions.json')
  const base = file.exceptions.find((e) => e.id === 'EXC-001')
  if (base === undefined) throw new Error('fixture has no EXC-001')
  const variant = (changes: Partial<ExceptionRecord>): ExceptionRecord => ({ ...base, ...changes })
  /** EXC-001 approved (and signed by everyone) on `approvedOn`, expiring on `expiresOn`. */
  const approvedOn = (day: string, expiresOn: string): ExceptionRecord =>
    variant({
      approvedOn: day,
      expiresOn,
      approvers: base.approvers.map((a) => ({ ...a, date: day }))
    })

  it(`counts the last ${EXPIRING_WITHIN_DAYS} days (inclusive) and the expiry day itself as expiring`, () => {
    const on = (today: string) => judgeException(base, context('production', null, { today }))
    expect(on('2026-11-21')).toMatchObject({ state: 'valid', daysLeft: 8 })
    expect(on('2026-11-22')).toMatchObject({ state: 'expiring', daysLeft: 7 })
    expect(on('2026-11-29')).toMatchObject({ state: 'expiring', daysLeft: 0 })
    expect(on('2026-11-30')).toMatchObject({ state: 'expired', daysLeft: -1 })
    expect(on('2026-12-09').problems[0]).toContain('(10 days ago)')
  })

  it('counts UTC calendar days across a month end and a leap day, exactly 60 days being allowed', () => {
    const leap = approvedOn('2028-01-01', '2028-03-01') // 31 + 29 = 60
    const judgement = judgeException(leap, context('production', null, { today: '2028-02-01' }))
    expect(judgement).toEqual({ state: 'valid', problems: [], daysLeft: 29 })
    const tooLong = approvedOn('2027-01-01', '2027-03-03') // 31 + 28 + 2
    expect(
      judgeException(tooLong, context('production', null, { today: '2027-02-01' })).problems[0]
    ).toMatch(/^approved for 61 days, more than 60/)
  })

  it('an invalid exception that has also expired stays invalid, listing the expiry too', () => {
    const judgement = judgeException(variant({ artifactUrl: null }), {
      ...context('production'),
      today: '2026-12-02'
    })
    expect(judgement.state).toBe('invalid')
    expect(judgement.daysLeft).toBe(-3)
    expect(judgement.problems).toEqual([
      expect.stringMatching(/^missing artifact_url/),
      expect.stringMatching(/^expired: its last valid day was 2026-11-29 \(3 days ago\)/)
    ])
  })

  it('refuses approval after expiry, approvals without a date, and non-http artifact links', () => {
    const swapped = judgeException(approvedOn('2026-11-10', '2026-11-01'), context('production'))
    expect(swapped.problems).toEqual([
      'approved_on 2026-11-10 is after expires_on 2026-11-01: correct the dates',
      expect.stringMatching(/^expired: its last valid day was 2026-11-01 \(20 days ago\)/)
    ])
    const objectForm = load('object-form.yaml').exceptions[0]
    if (objectForm === undefined) throw new Error('fixture has no exception')
    const judgement = judgeException(objectForm, context('staging'))
    expect(judgement.problems).toEqual([
      'approval by security (Sam Okafor) has no date: add the day they approved (YYYY-MM-DD)',
      'artifact_url is not an http(s) link: link the approval artifact with an http:// or https:// URL'
    ])
    expect(judgement.problems.join(' ')).not.toContain('files.example.com')
  })

  describe(`required approvals: in the ${APPROVAL_WINDOW_DAYS} days up to approved_on, by different people`, () => {
    const approvals = (...list: [role: string, name: string, date: string][]) =>
      variant({ approvers: list.map(([role, name, date]) => ({ role, name, date })) })
    const judged = (record: ExceptionRecord) => judgeException(record, context('production'))

    it('refuses a required approval dated long before approved_on, saying which and why', () => {
      const old = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-08-15']
      )
      expect(judged(old)).toEqual({
        state: 'invalid',
        problems: [
          'approval by security (Sam Okafor, 2026-08-15) is not dated in the 30 days up to approved_on 2026-10-01: an older approval was given for an earlier decision; have security approve this exception again and record that date'
        ],
        daysLeft: 8
      })
    })

    it('counts exactly 30 days before approved_on, not 31', () => {
      const on = (date: string) =>
        judged(approvals(['manager', 'Ana Lima', date], ['security', 'Sam Okafor', '2026-10-01']))
      expect(on('2026-09-01').state).toBe('valid')
      expect(on('2026-08-31').problems).toEqual([
        expect.stringMatching(
          /^approval by manager \(Ana Lima, 2026-08-31\) is not dated in the 30 days/
        )
      ])
    })

    it('refuses a required approval dated after approved_on: approved_on must follow the last sign-off', () => {
      const late = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-10-02']
      )
      expect(judged(late).problems).toEqual([
        'approval by security (Sam Okafor, 2026-10-02) is not dated in the 30 days up to approved_on 2026-10-01: the exception was recorded as approved before this sign-off; set approved_on to the day of the last required approval'
      ])
    })

    it('an old approval next to a fresh one for the same role is fine', () => {
      const renewed = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-05-01'],
        ['security', 'Sam Okafor', '2026-09-30']
      )
      expect(judged(renewed).state).toBe('valid')
    })

    it('refuses one person signing as two required roles, however the name is written', () => {
      const one = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', '  ana   LIMA ', '2026-10-01']
      )
      expect(judged(one)).toMatchObject({
        state: 'invalid',
        problems: [
          'the required roles manager, security are not signed by different people (Ana Lima as manager and security): each required role needs its own approver'
        ]
      })
      // With the cto required as well, the message names every role that person holds.
      const rules: ExceptionRules = { ...defaultRules('production', 'personal') }
      const three = approvals(
        ['manager', 'Kai Berg', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-10-01'],
        ['cto', 'Kai Berg', '2026-10-01']
      )
      expect(judgeException(three, context('production', 'personal', { rules })).problems).toEqual([
        'the required roles manager, security, cto are not signed by different people (Kai Berg as manager and cto): each required role needs its own approver'
      ])
    })

    it('accepts a person holding two roles when someone else covers one of them', () => {
      const covered = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', 'Ana Lima', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-09-28']
      )
      expect(judged(covered).state).toBe('valid')
      // A role the rules do not require may be signed by anyone.
      const extra = approvals(
        ['manager', 'Ana Lima', '2026-10-01'],
        ['security', 'Sam Okafor', '2026-10-01'],
        ['cto', 'Ana Lima', '2026-03-01']
      )
      expect(judged(extra).state).toBe('valid')
    })
  })

  it('an exception listing no environment is invalid, not silently unused', () => {
    const judgement = judgeException(variant({ environments: [] }), context('production'))
    expect(judgement.state).toBe('invalid')
    expect(judgement.problems[0]).toMatch(/^covers no environment/)
  })

  it('compares required roles in lower case and ignores repeated ones', () => {
    const rules: ExceptionRules = {
      allowed: true,
      maxDays: 60,
      requiredRoles: ['Manager', 'manager', ' SECURITY ']
    }
    expect(judgeException(base, context('production', null, { rules })).state).toBe('valid')
  })

  it('throws a RangeError for a run date that is not YYYY-MM-DD', () => {
    expect(() =>
      judgeException(base, context('production', null, { today: '21/11/2026' }))
    ).toThrow(RangeError)
  })
})

describe('findExceptions and exceptionLinkProblem', () => {
  const file = load('exceptions.json')
  const ids = (records: ExceptionRecord[]) => records.map((r) => r.id)

  it('matches a server however its id is spelt', () => {
    expect(ids(findExceptions(file, [key('npm:@Example/server-fs@1.4.2')]))).toEqual(['EXC-001'])
    expect(ids(findExceptions(file, [key('pkg:pypi/MCP_Server.Fetch@2025.4.7')]))).toEqual([
      'EXC-003'
    ])
    expect(ids(findExceptions(file, [key('docker:ghcr.io/Example/db-mcp:2.0.1')]))).toEqual([
      'EXC-005'
    ])
    expect(ids(findExceptions(file, [key('https://MCP.example.com/crm/mcp/?token=abc')]))).toEqual([
      'EXC-006'
    ])
    expect(ids(findExceptions(file, [key('github:Example/slack-mcp')]))).toEqual(['EXC-004'])
  })

  it('an exception with a version covers only that version; one without covers every version', () => {
    expect(findExceptions(file, [key('npm:@example/server-fs@1.4.3')])).toEqual([])
    expect(findExceptions(file, [key('npm:@example/server-fs')])).toEqual([])
    expect(ids(findExceptions(file, [key('npm:@example/server-git@9.9.9')]))).toEqual(['EXC-002'])
    expect(ids(findExceptions(file, [key('npm:@example/server-git')]))).toEqual(['EXC-002'])
  })

  it("follows the registry row's exception_id only to an exception covering the server", () => {
    const fsKey = key('npm:@example/server-fs@1.4.2')
    expect(ids(findExceptions(file, [fsKey]))).toEqual(['EXC-001'])
    expect(exceptionLinkProblem(file, [fsKey], 'EXC-001')).toBeNull()
    expect(exceptionLinkProblem(file, [fsKey], ' EXC-001 ')).toBeNull()
    expect(exceptionLinkProblem(file, [fsKey], null)).toBeNull()
    expect(exceptionLinkProblem(file, [fsKey], '  ')).toBeNull()
  })

  it('an exception_id naming an exception for a server of another kind is a broken link', () => {
    // The server is known by its npm package; EXC-004 names a GitHub repository. The registry
    // row matching the server does not make EXC-004 cover it: server_id is what counts.
    const npmKey = key('npm:@example/slack-mcp@1.0.0')
    expect(findExceptions(file, [npmKey])).toEqual([])
    expect(exceptionLinkProblem(file, [npmKey], 'EXC-004')).toEqual({
      id: 'EXC-004',
      kind: 'other-server',
      message:
        'the registry names exception "EXC-004", but it is for another server (github:example/slack-mcp): an exception covers only the server its server_id names. Correct exception_id in the registry, or server_id in the exception after an approval for this server'
    })
    // A remote server linked to the npm exception EXC-001: another server too.
    const remote = key('https://mcp.example.com/fs')
    expect(exceptionLinkProblem(file, [remote], 'EXC-001')).toMatchObject({ kind: 'other-server' })
  })

  it('reports an exception_id the file does not hold as missing', () => {
    const fsKey = key('npm:@example/server-fs@1.4.2')
    expect(exceptionLinkProblem(file, [fsKey], 'EXC-999')).toEqual({
      id: 'EXC-999',
      kind: 'missing',
      message: `the registry names exception "EXC-999", but ${file.path} has no exception with that id: add it, or clear exception_id in the registry`
    })
    expect(ids(findExceptions(file, [fsKey]))).toEqual(['EXC-001'])
    expect(exceptionLinkProblem(null, [fsKey], 'EXC-001')).toMatchObject({
      kind: 'missing',
      message: expect.stringContaining('there is no exceptions file')
    })
    expect(findExceptions(null, [fsKey])).toEqual([])
  })

  it('does not apply an exception_id that names another server or another version', () => {
    const other = key('npm:@example/server-other@1.0.0')
    expect(findExceptions(file, [other])).toEqual([])
    expect(exceptionLinkProblem(file, [other], 'EXC-001')).toMatchObject({
      kind: 'other-server',
      message: expect.stringContaining('for another server (npm:@example/server-fs)')
    })
    const newer = key('npm:@example/server-fs@2.0.0')
    expect(findExceptions(file, [newer])).toEqual([])
    expect(exceptionLinkProblem(file, [newer], 'EXC-001')).toMatchObject({
      kind: 'other-version',
      message: expect.stringContaining('covers only version 1.4.2 of this server')
    })
  })
})
