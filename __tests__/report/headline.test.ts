import { describe, expect, it } from '@jest/globals'
import { headline } from '../../src/report/headline.js'
import { buildReportModel } from '../../src/report/model.js'
import {
  UNPINNED,
  blockedServer,
  config,
  gateRun,
  policy,
  result
} from '../fixtures/report/runs.js'

describe('headline', () => {
  it('names blocked servers with their error codes, CONFIG_RISK included', () => {
    const risky = result({
      name: 'docker',
      verdict: 'fail',
      reasons: [
        { code: 'CONFIG_RISK', severity: 'error', message: 'privileged' },
        { code: 'CONFIG_RISK', severity: 'error', message: 'escape' },
        { code: 'CONFIG_RISK', severity: 'warning', message: 'host network' },
        UNPINNED
      ]
    })
    const line = headline(buildReportModel(gateRun([risky, blockedServer('fs'), result()])))
    expect(line).toBe(
      '2 of 3 MCP servers blocked under production: docker (CONFIG_RISK, UNPINNED), fs (GRADE_BELOW_MIN, UNPINNED)'
    )
  })

  it('says how many more are blocked and counts invalid configs', () => {
    const servers = ['a', 'b', 'c', 'd'].map((n) => blockedServer(n))
    const run = gateRun(servers, {
      configs: [config(), config({ path: 'x.json', error: { message: 'm', line: 1, column: 1 } })]
    })
    expect(headline(buildReportModel(run))).toBe(
      '4 of 4 MCP servers blocked under production: a (GRADE_BELOW_MIN, UNPINNED), b (GRADE_BELOW_MIN, UNPINNED), c (GRADE_BELOW_MIN, UNPINNED), and 1 more; 1 invalid config file'
    )
  })

  it('stays one line with hostile server and environment names', () => {
    const env = 'prod\nuction\u202e'
    const s = { ...blockedServer('evil\r\n::error::x\u2028y'), policy: policy(env) }
    const line = headline(buildReportModel(gateRun([s])))
    expect(line).not.toMatch(/[\r\n\u2028\u2029\u202e]/)
    expect(line).toContain('evil ::error::x y (GRADE_BELOW_MIN, UNPINNED)')
  })

  it('sums up a run without blocked servers', () => {
    expect(
      headline(buildReportModel(gateRun([result(), result({ name: 'w', verdict: 'warn' })])))
    ).toBe('2 MCP servers checked under production: 1 passed, 1 with warnings')
  })
})
