/**
 * Builders for policy tests: resolved servers, grade reports (validated against the contract)
 * and effective policies.
 */
import type { ServerEntry } from '../../src/config/types.js'
import {
  AXES,
  GradeReportSchema,
  type Axis,
  type Finding,
  type GradeLetter,
  type GradeReport
} from '../../src/grade/report.js'
import { createPolicyResolver, type PolicyResolverOptions } from '../../src/policy/resolve.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import type { PackageIdentity, ResolvedServer } from '../../src/resolve/types.js'

export function makeEntry(name = 'fs'): ServerEntry {
  return {
    config: '.mcp.json',
    format: 'claude-code',
    name,
    location: { line: 3, column: 5 },
    launch: { command: 'npx', args: [], env: {}, headers: {} },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: []
  }
}

/** A pinned npm server by default; override any package field. */
export function makeServer(pkg: Partial<PackageIdentity> = {}, name = 'fs'): ResolvedServer {
  return {
    entry: makeEntry(name),
    package: {
      ecosystem: 'npm',
      name: '@example/server-fs',
      versionSpec: '1.4.2',
      version: '1.4.2',
      pinned: true,
      purl: 'pkg:npm/%40example/server-fs@1.4.2',
      launcher: 'npx',
      resolution: { status: 'exact' },
      ...pkg
    },
    argv: ['npx', '-y', '@example/server-fs@1.4.2'],
    wrappers: [],
    notes: []
  }
}

type ScoreInput = number | GradeLetter | null | [number | null, GradeLetter]

function toScore(input: Exclude<ScoreInput, null>): { score: number | null; grade: GradeLetter } {
  if (Array.isArray(input)) return { score: input[0], grade: input[1] }
  if (typeof input === 'string') return { score: null, grade: input }
  const grade: GradeLetter =
    input >= 90 ? 'A' : input >= 75 ? 'B' : input >= 60 ? 'C' : input >= 40 ? 'D' : 'F'
  return { score: input, grade }
}

/**
 * A report graded under the default scale: every axis 95 (A) and overall 95 unless given.
 * A number gets its default-scale letter, a letter alone is letter-only, null is "not assessed".
 */
export function makeReport(
  options: {
    overall?: Exclude<ScoreInput, null>
    axes?: Partial<Record<Axis, ScoreInput>>
    findings?: Finding[]
    source?: GradeReport['source']
  } = {}
): GradeReport {
  const subScores = Object.fromEntries(
    AXES.map((axis) => {
      const given = options.axes && axis in options.axes ? options.axes[axis] : 95
      return [axis, given === null || given === undefined ? null : toScore(given)]
    })
  )
  return GradeReportSchema.parse({
    source: options.source ?? 'builtin',
    grader: { name: 'test-grader', version: '1.0.0' },
    rubricVersion: '1',
    overall: toScore(options.overall ?? 95),
    subScores,
    findings: options.findings ?? [],
    auditedAt: '2026-01-15T10:00:00Z'
  })
}

/** The effective policy of `environment` with no policy file (SPEC §6 defaults) or with `options`. */
export function policyFor(
  environment: string,
  options: Partial<PolicyResolverOptions> = {}
): EffectivePolicy {
  return createPolicyResolver({ file: null, policyPath: null, environment, ...options })(
    '.mcp.json'
  )
}
