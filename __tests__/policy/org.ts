/**
 * The example organisation of the registry and exception tests: its registry
 * (`fixtures/policy/org/mcp-registry.{csv,json,yml}`, the same rows in each format) and its
 * exceptions (`mcp-exceptions.{yml,json}`), read with the project's own parsers, the config
 * servers they describe (each spelled differently from its registry row), and a helper that
 * evaluates one server on the tests' day, 2026-11-21.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LiteralSecret } from '../../src/config/types.js'
import type { Finding, GradeOutcome, GradeReport } from '../../src/grade/report.js'
import { evaluateServer } from '../../src/policy/evaluate.js'
import { parseExceptionsText } from '../../src/policy/exceptions-file.js'
import type { ExceptionsFile, RegistryFile } from '../../src/policy/records.js'
import { parseRegistryText } from '../../src/policy/registry-file.js'
import type { ServerResult } from '../../src/policy/result.js'
import type { EffectivePolicy } from '../../src/policy/types.js'
import type { PackageIdentity, ResolvedServer } from '../../src/resolve/types.js'
import { makeReport, makeServer, policyFor } from './make.js'

/** The day every test here is judged on (UTC). */
export const TODAY = '2026-11-21'

export const ORG_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'policy',
  'org'
)

/** The organisation's registry, read from the file in `format`. */
export function orgRegistry(format: 'csv' | 'json' | 'yml' = 'csv'): RegistryFile {
  const path = join(ORG_DIR, `mcp-registry.${format}`)
  return parseRegistryText(readFileSync(path, 'utf8'), path)
}

/** The organisation's exceptions, read from the file in `format`. */
export function orgExceptions(format: 'yml' | 'json' = 'yml'): ExceptionsFile {
  const path = join(ORG_DIR, `mcp-exceptions.${format}`)
  return parseExceptionsText(readFileSync(path, 'utf8'), path)
}

/** A pinned npm server launched with `npx -y name@version`. */
export function npmServer(name: string, version: string, entryName: string): ResolvedServer {
  const server = makeServer(
    {
      ecosystem: 'npm',
      name,
      versionSpec: version,
      version,
      pinned: true,
      purl: `pkg:npm/${name.replace('@', '%40')}@${version}`,
      launcher: 'npx'
    },
    entryName
  )
  return { ...server, argv: ['npx', '-y', `${name}@${version}`] }
}

function server(pkg: Partial<PackageIdentity>, entryName: string): ResolvedServer {
  return makeServer(pkg, entryName)
}

/** The config servers of the organisation, by entry name. */
export const ORG_SERVERS = {
  /** Registry: `pkg:npm/%40modelcontextprotocol/server-filesystem@2025.8.21`. */
  filesystem: () => npmServer('@modelcontextprotocol/server-filesystem', '2025.8.21', 'filesystem'),
  /** Registry: `npm:@ModelContextProtocol/server-github@2025.4.8`, audit 86 days old. */
  github: () => npmServer('@modelcontextprotocol/server-github', '2025.4.8', 'github'),
  /** Registry: `pypi:mcp-server-fetch==2025.4.7`, audit 91 days old; config spells it `mcp_server_fetch`. */
  fetch: () =>
    server(
      {
        ecosystem: 'pypi',
        name: 'mcp_server_fetch',
        versionSpec: '==2025.4.7',
        version: '2025.4.7',
        pinned: true,
        purl: 'pkg:pypi/mcp-server-fetch@2025.4.7',
        launcher: 'uvx'
      },
      'fetch'
    ),
  /** Registry pins digest `sha256:2687f8…`; the config runs `sha256:c071cf…`. */
  githubImage: () =>
    server(
      {
        ecosystem: 'oci',
        name: 'ghcr.io/github/github-mcp-server',
        versionSpec: 'sha256:c071cf5f5ed6f884cc70155b6f05f755fd46a302d05e4261b7e92ce878bbfed8',
        version: 'sha256:c071cf5f5ed6f884cc70155b6f05f755fd46a302d05e4261b7e92ce878bbfed8',
        pinned: true,
        purl: 'pkg:docker/github/github-mcp-server@sha256%3Ac071cf5f5ed6f884cc70155b6f05f755fd46a302d05e4261b7e92ce878bbfed8?repository_url=ghcr.io',
        launcher: 'docker'
      },
      'github-image'
    ),
  /** Registry: an npmjs.com package page; personal data; exception EXC-2026-031 (with cto). */
  crm: () => npmServer('@acme/crm-mcp', '3.2.0', 'crm'),
  /** Registry: `https://MCP.Example-Health.com:443/mcp`; phi; exception EXC-2026-040 (phi allows none). */
  patientRecords: () =>
    server(
      {
        ecosystem: 'remote',
        name: 'https://mcp.example-health.com/mcp/',
        versionSpec: null,
        version: null,
        pinned: false,
        purl: null,
        launcher: 'url',
        resolution: { status: 'n/a' }
      },
      'patient-records'
    ),
  /** Registry: approved for dev only, no owner team, no data access summary. */
  wiki: () => npmServer('@acme/wiki-mcp', '1.0.0', 'wiki'),
  /** Registry: current_grade A. */
  metrics: () => npmServer('@acme/metrics-mcp', '2.1.0', 'metrics'),
  /** Registry: `pkg:pypi/snowflake-labs-mcp@1.3.2`; config spells it `Snowflake_Labs.MCP`. */
  snowflake: () =>
    server(
      {
        ecosystem: 'pypi',
        name: 'Snowflake_Labs.MCP',
        versionSpec: '==1.3.2',
        version: '1.3.2',
        pinned: true,
        purl: 'pkg:pypi/snowflake-labs-mcp@1.3.2',
        launcher: 'uvx'
      },
      'snowflake'
    ),
  /** Exception EXC-2026-027 expired yesterday (2026-11-20). */
  jira: () => npmServer('@acme/jira-mcp', '1.4.0', 'jira'),
  /** Exception EXC-2026-035 expires in 3 days (2026-11-24). */
  slack: () => npmServer('@acme/slack-mcp', '0.9.1', 'slack'),
  /** Exception EXC-2026-036 approved for 61 days. */
  notion: () => npmServer('@acme/notion-mcp', '2.2.0', 'notion'),
  /** Exception EXC-2026-037 lacks the security approval. */
  drive: () => npmServer('@acme/drive-mcp', '1.1.0', 'drive'),
  /** Exception EXC-2026-038 is valid; the server is quarantined. */
  sqlite: () => npmServer('@acme/sqlite-mcp', '0.6.0', 'sqlite'),
  /** Exception EXC-2026-039 is valid; the config holds a literal secret. */
  vault: () => npmServer('@acme/vault-mcp', '1.0.3', 'vault'),
  /** Registry: personal data; exception EXC-2026-032 has manager and security, no cto. */
  hr: () => npmServer('@acme/hr-mcp', '2.0.0', 'hr'),
  /** Registry: exception_id EXC-2026-999, which the exceptions file does not hold. */
  mail: () => npmServer('@acme/mail-mcp', '1.2.0', 'mail'),
  /** In no registry row. */
  unlisted: () => npmServer('@acme/unlisted-mcp', '0.1.0', 'unlisted')
} as const

/** A grade failing only the maintenance floor (D, 55) with overall B (80): what exceptions waive. */
export function maintenanceGap(): GradeReport {
  return makeReport({ overall: 80, axes: { maintenance: 55 } })
}

export interface JudgeOptions {
  environment?: string
  policy?: EffectivePolicy
  grade?: GradeReport
  outcome?: GradeOutcome
  registry?: RegistryFile | null
  exceptions?: ExceptionsFile | null
  today?: string
  secrets?: LiteralSecret[]
  configFindings?: Finding[]
}

/**
 * Evaluate `server` with the organisation's CSV registry and YAML exceptions (unless given) in
 * production (unless given) on `TODAY`, graded 95 on every axis unless a grade is given.
 */
export function judge(server: ResolvedServer, options: JudgeOptions = {}): ServerResult {
  const policy = options.policy ?? policyFor(options.environment ?? 'production')
  return evaluateServer(
    {
      server,
      outcome: options.outcome ?? { kind: 'graded', report: options.grade ?? makeReport() },
      literalSecrets: options.secrets ?? [],
      configFindings: options.configFindings ?? [],
      registry: options.registry === undefined ? orgRegistry() : options.registry,
      exceptions: options.exceptions === undefined ? orgExceptions() : options.exceptions,
      today: options.today ?? TODAY
    },
    policy
  )
}

/** `CODE:severity` of every reason, in order. */
export const codes = (result: ServerResult): string[] =>
  result.reasons.map((r) => `${r.code}:${r.severity}`)

/** The reasons with `code`. */
export const reasonsOf = (result: ServerResult, code: string) =>
  result.reasons.filter((r) => r.code === code)
