import { describe, expect, it } from '@jest/globals'
import type { Grader } from '../../src/grade/grader.js'
import type { GradeOutcome } from '../../src/grade/report.js'
import { gradeServers } from '../../src/grade/run.js'
import type { Logger } from '../../src/log.js'
import type { ResolvedServer } from '../../src/resolve/types.js'
import { npmServer } from '../fixtures/graders/servers.js'

const servers = (n: number): ResolvedServer[] =>
  Array.from({ length: n }, (_, i) => npmServer(`pkg-${i}`, '1.0.0', `server-${i}`))

const ungraded = (server: ResolvedServer): GradeOutcome => ({
  kind: 'ungraded',
  reason: server.entry.name
})

/** A grader that records how many grade calls are in flight; call `i` takes `delays[i]` ms. */
function countingGrader(delays: (i: number) => number) {
  const state = { inFlight: 0, maxInFlight: 0, calls: 0 }
  const grader: Grader = {
    source: 'command',
    async grade(server) {
      const i = state.calls++
      state.inFlight += 1
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
      await new Promise((r) => setTimeout(r, delays(i)))
      state.inFlight -= 1
      return ungraded(server)
    }
  }
  return { grader, state }
}

describe('gradeServers', () => {
  it('keeps the input order even when later servers finish first', async () => {
    const input = servers(6)
    const { grader } = countingGrader((i) => (6 - i) * 5)
    const outcomes = await gradeServers(input, grader, { concurrency: 6 })
    expect(outcomes).toEqual(input.map(ungraded))
  })

  it('respects the concurrency bound', async () => {
    const { grader, state } = countingGrader(() => 10)
    await gradeServers(servers(10), grader, { concurrency: 3 })
    expect(state.calls).toBe(10)
    expect(state.maxInFlight).toBe(3)
  })

  it('defaults to 4 at a time', async () => {
    const { grader, state } = countingGrader(() => 5)
    await gradeServers(servers(9), grader)
    expect(state.maxInFlight).toBe(4)
  })

  it('turns a grader that throws or rejects into error outcomes, and grades the rest', async () => {
    const warnings: string[] = []
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warning: (m) => void warnings.push(m)
    }
    const grader: Grader = {
      source: 'api',
      grade(server) {
        if (server.entry.name === 'server-1') throw new Error('sync boom')
        if (server.entry.name === 'server-2') {
          return Promise.reject(new Error('async boom\n\u001b[31mred'))
        }
        if (server.entry.name === 'server-3') return Promise.reject('a string') // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.resolve(ungraded(server))
      }
    }
    const input = servers(5)
    const outcomes = await gradeServers(input, grader, { logger })
    expect(outcomes).toEqual([
      ungraded(input[0]!),
      { kind: 'error', message: 'the api grader failed unexpectedly on "server-1": sync boom' },
      {
        kind: 'error',
        message: 'the api grader failed unexpectedly on "server-2": async boom [31mred'
      },
      { kind: 'error', message: 'the api grader failed unexpectedly on "server-3": a string' },
      ungraded(input[4]!)
    ])
    expect(warnings).toHaveLength(3)
  })

  it('answers an empty list with an empty list', async () => {
    const { grader, state } = countingGrader(() => 0)
    await expect(gradeServers([], grader)).resolves.toEqual([])
    expect(state.calls).toBe(0)
  })

  it.each([0, -1, 1.5, NaN])('rejects concurrency %p synchronously', (concurrency) => {
    const { grader } = countingGrader(() => 0)
    expect(() => gradeServers(servers(1), grader, { concurrency })).toThrow(RangeError)
  })
})
