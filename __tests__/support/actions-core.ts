/**
 * A recording mock of `@actions/core` for tests of the action's `run()` (not a test file itself).
 * The log, annotation, output and secret functions are `jest.fn`s that do nothing but record;
 * everything else (inputs, `summary`) is the real module, so the action reads its `INPUT_*`
 * variables and writes the job summary file as on a runner.
 *
 * ESM order: `jest.unstable_mockModule` only affects modules imported after it, so the mock must
 * be installed before the module under test is imported. `loadAction()` in `./action-harness.ts`
 * does both in that order; call it at the top level of a test file.
 */
import * as core from '@actions/core'
import { jest } from '@jest/globals'

/** The real `@actions/core` (imported before any mock is installed). */
export type ActionsCore = typeof core

/** The `@actions/core` functions the mock records instead of running. */
export const RECORDED_CORE_FUNCTIONS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'setFailed',
  'setOutput',
  'setSecret',
  'exportVariable',
  'saveState',
  'startGroup',
  'endGroup'
] as const

/** The name of a recorded `@actions/core` function. */
export type RecordedCoreFunction = (typeof RECORDED_CORE_FUNCTIONS)[number]

/** One call of a recorded `@actions/core` function, as the action made it. */
export interface CoreCall {
  fn: RecordedCoreFunction
  args: unknown[]
}

/** The installed mock: one typed `jest.fn` per recorded function, and readers of what they saw. */
export type CoreMock = {
  [K in RecordedCoreFunction]: jest.Mock<ActionsCore[K]>
} & {
  /** The real module the mock spreads. */
  actual: ActionsCore
  /**
   * Every recorded call since the mocks were last cleared (Jest's `clearMocks`, before each
   * test, or `jest.clearAllMocks()`), in the order the action made them.
   */
  calls(): CoreCall[]
  /** The first value set for output `name` (`core.setOutput`), or `''` when none was set. */
  output(name: string): string
  /**
   * Start a fresh run in the same test: clear every recorded call and forget the summary file
   * path `core.summary` cached on its first write (it is read again from `GITHUB_STEP_SUMMARY`).
   */
  reset(): void
}

/**
 * Make `core.summary` read `GITHUB_STEP_SUMMARY` again: it caches the file path on first use,
 * and each test (or run) may point it at another workspace.
 */
export function forgetSummaryFile(): void {
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
}

/**
 * Install the recording mock of `@actions/core` with `jest.unstable_mockModule` and return its
 * functions. Must run before the module under test is imported (see the module doc); installing
 * it twice in one test file replaces the first mock.
 */
export function mockActionsCore(): CoreMock {
  const fns = Object.fromEntries(
    RECORDED_CORE_FUNCTIONS.map((name) => [name, jest.fn()])
  ) as unknown as { [K in RecordedCoreFunction]: jest.Mock<ActionsCore[K]> }
  jest.unstable_mockModule('@actions/core', () => ({ ...core, ...fns }))
  const calls = (): CoreCall[] =>
    RECORDED_CORE_FUNCTIONS.flatMap((fn) => {
      const mock = fns[fn] as jest.Mock
      return mock.mock.calls.map((args, i) => ({
        fn,
        args,
        order: mock.mock.invocationCallOrder[i] ?? 0
      }))
    })
      .sort((a, b) => a.order - b.order)
      .map(({ fn, args }) => ({ fn, args }))
  return {
    ...fns,
    actual: core,
    calls,
    output: (name) => {
      const value = fns.setOutput.mock.calls.find((c) => c[0] === name)?.[1]
      return typeof value === 'string' ? value : ''
    },
    reset: () => {
      for (const fn of RECORDED_CORE_FUNCTIONS) fns[fn].mockClear()
      forgetSummaryFile()
    }
  }
}
