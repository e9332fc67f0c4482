/**
 * Metadata rules for one PyPI release (`PYPI_RULE`, and the shared `docs.readme-*` rules): from
 * the PyPI JSON API (project and release `info`, upload times of every file) and from the core
 * metadata in the distribution (`*.dist-info/METADATA` of a wheel, `PKG-INFO` of an sdist; the
 * email-header format of the Core Metadata specification, body = description since 2.1).
 */
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440'
import { normalizePypiName } from '../../../resolve/purl.js'
import {
  DistributionFileSchema,
  type Project,
  type ProjectInfo,
  type Release
} from '../../../resolve/pypi-registry.js'
import type { Finding } from '../../report.js'
import { MIN_README_WORDS } from '../docs-rules.js'
import { findingOf } from '../finding.js'
import type { PackageFiles } from '../package-files.js'
import { ABANDONED_DAYS, PACKAGE_RULE, STALE_DAYS } from '../package-rules.js'
import { analyseReadme } from '../readme.js'
import { PYPI_RULE as R } from './pypi-rules.js'

const DAY_MS = 24 * 60 * 60 * 1000

/** Distributions the MCP Python SDK ships as (PEP 503 names). */
export const MCP_SDK_DISTRIBUTIONS: ReadonlySet<string> = new Set(['mcp', 'fastmcp'])

/** Hosts of source forges: a URL there is a repository. */
const FORGE_HOST =
  /(^|\.)(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht|git\.sr\.ht|gitee\.com)$/i
/** `project_urls` labels that name a repository (normalised: lower case, no punctuation). */
const REPOSITORY_LABEL = /^(source|sourcecode|repository|repo|code|github|gitlab|git)$/

/** Core metadata read from the distribution. */
export interface CoreMetadata {
  /** Where it was read (`pkg-1.0.dist-info/METADATA`, `PKG-INFO`). */
  file: string
  /** Header fields, lower-cased names, every value in order. */
  fields: Map<string, string[]>
  /** The description: the message body, else the `Description` field; null when neither. */
  description: string | null
}

/**
 * Parse core metadata text (RFC 822-style headers, continuation lines indented, then an optional
 * body). Never throws.
 */
export function parseCoreMetadata(text: string, file: string): CoreMetadata {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const fields = new Map<string, string[]>()
  let last: { name: string; index: number } | null = null
  let at = 0
  for (; at < lines.length; at++) {
    const line = lines[at] ?? ''
    if (line === '') break
    if (/^[ \t]/.test(line) && last) {
      const values = fields.get(last.name) as string[]
      values[last.index] = `${values[last.index]}\n${line.replace(/^ {7}\|/, '').trim()}`
      continue
    }
    const match = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line)
    if (!match) continue
    const name = (match[1] ?? '').toLowerCase()
    const values = fields.get(name) ?? []
    values.push(match[2] ?? '')
    fields.set(name, values)
    last = { name, index: values.length - 1 }
  }
  const body = lines
    .slice(at + 1)
    .join('\n')
    .trim()
  const described = fields.get('description')?.[0]?.trim()
  return {
    file,
    fields,
    description: body !== '' ? body : described && described !== 'UNKNOWN' ? described : null
  }
}

/**
 * The core metadata of a read distribution: the one `*.dist-info/METADATA` of a wheel, or the
 * top-level `PKG-INFO` of an sdist. Null when absent or not kept by the reader.
 */
export function readCoreMetadata(
  files: PackageFiles,
  kind: 'wheel' | 'sdist'
): CoreMetadata | null {
  const pattern = kind === 'wheel' ? /^[^/]+\.dist-info\/METADATA$/ : /^PKG-INFO$/
  const path = files.entries.find((e) => pattern.test(e.path))?.path
  const data = path ? files.files.get(path) : undefined
  return path && data ? parseCoreMetadata(data.toString('utf8'), path) : null
}

/** Everything the metadata rules look at. */
export interface PypiMetadataInput {
  project: Project
  release: Release
  version: string
  kind: 'wheel' | 'sdist'
  metadata: CoreMetadata | null
  files: PackageFiles
  now: Date
}

/**
 * Findings of the `pypi.*` metadata rules and the shared README rules. Never throws.
 * @returns findings of `pypi.yanked`, `pypi.stale-*`, `pypi.version-*`,
 *   `pypi.upload-dates-unknown`, `pypi.repository-missing`, `pypi.readme-missing` /
 *   `docs.readme-*`, `pypi.license-missing`, `pypi.requires-python-missing`,
 *   `pypi.mcp-not-declared`, `pypi.metadata-missing`, `pypi.unsafe-entry`.
 */
export function checkPypiMetadata(input: PypiMetadataInput): Finding[] {
  const info = input.release.info
  const findings: Finding[] = []
  if (info.yanked || (input.release.urls.length > 0 && input.release.urls.every((f) => f.yanked))) {
    const reason =
      info.yanked_reason ?? input.release.urls.find((f) => f.yanked_reason)?.yanked_reason
    findings.push(findingOf(R.yanked, { snippet: reason?.trim() ? `yanked: ${reason}` : 'yanked' }))
  }
  findings.push(...recency(input))
  if (!hasRepository(info) && !hasRepository(input.project.info))
    findings.push(findingOf(R.repositoryMissing))
  findings.push(...readme(info.description ?? input.metadata?.description ?? null))
  if (!hasLicense(info, input.metadata)) findings.push(findingOf(R.licenseMissing))
  const requiresPython = info.requires_python ?? input.metadata?.fields.get('requires-python')?.[0]
  if (!requiresPython?.trim()) findings.push(findingOf(R.requiresPythonMissing))
  findings.push(...sdkDependency(input))
  if (!input.metadata) {
    findings.push(
      findingOf(R.metadataMissing, {
        snippet:
          input.kind === 'wheel'
            ? 'no *.dist-info/METADATA in the wheel'
            : 'no PKG-INFO in the sdist'
      })
    )
  }
  const unsafe = input.files.skipped.filter(
    (s) => s.reason !== 'too-large' && s.reason !== 'memory-budget'
  )
  if (unsafe.length > 0) {
    findings.push(
      findingOf(R.unsafeEntry, {
        file: unsafe[0]?.path,
        snippet: unsafe
          .slice(0, 5)
          .map((s) => s.note)
          .join('; ')
      })
    )
  }
  return findings
}

/** Upload time of each file, by version (files without a valid time are ignored). */
function uploadTimes(project: Project): Map<string, Date[]> {
  const times = new Map<string, Date[]>()
  for (const [version, files] of Object.entries(project.releases)) {
    for (const raw of files) {
      const file = DistributionFileSchema.safeParse(raw)
      if (!file.success) continue
      const iso = file.data.upload_time_iso_8601 ?? file.data.upload_time
      const date = iso ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`) : null
      if (!date || Number.isNaN(date.getTime())) continue
      times.set(version, [...(times.get(version) ?? []), date])
    }
  }
  return times
}

function recency(input: PypiMetadataInput): Finding[] {
  const times = uploadTimes(input.project)
  if (times.size === 0) return [findingOf(R.uploadDatesUnknown)]
  const findings: Finding[] = []
  let newest: [string, Date] | null = null
  for (const [version, dates] of times) {
    for (const date of dates) if (!newest || date > newest[1]) newest = [version, date]
  }
  if (newest) {
    const days = daysBetween(newest[1], input.now)
    const rule = days > ABANDONED_DAYS ? R.abandoned : days > STALE_DAYS ? R.stale : null
    if (rule) {
      findings.push(
        findingOf(rule, {
          snippet: `newest upload: ${newest[0]} on ${day(newest[1])} (${days} days ago)`
        })
      )
    }
  }
  const latest = input.project.info.version
  const version = input.version
  if (validPep440(latest) && validPep440(version) && comparePep440(version, latest) < 0) {
    const uploaded = earliest(times.get(version))
    const age = uploaded ? daysBetween(uploaded, input.now) : null
    const rule = age !== null && age > STALE_DAYS ? R.oldVersion : R.behindLatest
    const latestAt = earliest(times.get(latest))
    findings.push(
      findingOf(rule, {
        snippet:
          `graded ${version}` +
          (uploaded ? ` (uploaded ${day(uploaded)}, ${age} days ago)` : '') +
          `; latest is ${latest}` +
          (latestAt ? ` (uploaded ${day(latestAt)})` : '')
      })
    )
  }
  return findings
}

/** True when a project URL or the home page points to a source repository. */
export function hasRepository(info: ProjectInfo): boolean {
  const urls: Array<[string, string]> = Object.entries(info.project_urls ?? {})
  if (info.home_page) urls.push(['home page', info.home_page])
  if (info.download_url) urls.push(['download', info.download_url])
  return urls.some(([label, url]) => {
    let parsed: URL
    try {
      parsed = new URL(url.trim())
    } catch {
      return false
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
    if (
      FORGE_HOST.test(parsed.hostname) &&
      parsed.pathname.split('/').filter(Boolean).length >= 2
    ) {
      return true
    }
    return REPOSITORY_LABEL.test(label.toLowerCase().replace(/[^a-z]/g, ''))
  })
}

function hasLicense(info: ProjectInfo, metadata: CoreMetadata | null): boolean {
  const declared = [
    info.license_expression,
    info.license,
    ...(metadata?.fields.get('license-expression') ?? []),
    ...(metadata?.fields.get('license') ?? [])
  ]
  if (declared.some((v) => typeof v === 'string' && v.trim() !== '' && v.trim() !== 'UNKNOWN')) {
    return true
  }
  const classifiers = [...(info.classifiers ?? []), ...(metadata?.fields.get('classifier') ?? [])]
  return classifiers.some((c) => c.startsWith('License ::'))
}

/** README rules on the long description (shared `docs.readme-*` rules, as for npm READMEs). */
function readme(description: string | null): Finding[] {
  if (!description || description.trim() === '' || description.trim() === 'UNKNOWN') {
    return [findingOf(R.readmeMissing)]
  }
  const analysis = analyseReadme(description)
  const findings: Finding[] = []
  if (analysis.boilerplate) {
    findings.push(
      findingOf(PACKAGE_RULE.readmeThin, {
        line: analysis.boilerplate.line,
        snippet: `template text: ${analysis.boilerplate.text}`
      })
    )
  } else if (analysis.proseWords < MIN_README_WORDS) {
    findings.push(
      findingOf(PACKAGE_RULE.readmeThin, {
        snippet: `${analysis.proseWords} words of prose (fewer than ${MIN_README_WORDS})`
      })
    )
  }
  if (!analysis.usageHeading) findings.push(findingOf(PACKAGE_RULE.readmeNoUsage))
  if (!analysis.toolsMention && !analysis.clientSetup)
    findings.push(findingOf(PACKAGE_RULE.readmeNoMcpSetup))
  return findings
}

/**
 * `pypi.mcp-not-declared` when no unconditional requirement (PEP 508, no `extra ==` marker)
 * names `mcp` or `fastmcp`. Requirements come from the distribution's `Requires-Dist` and the
 * API's `requires_dist`; when neither source says anything about dependencies (an sdist with
 * Metadata 1.x and no API list), nothing is concluded.
 */
function sdkDependency(input: PypiMetadataInput): Finding[] {
  const fromMetadata = input.metadata?.fields.get('requires-dist') ?? []
  const fromApi = input.release.info.requires_dist
  const requirements = [...fromMetadata, ...(fromApi ?? [])]
  if (requirements.length === 0 && fromApi == null && input.kind === 'sdist') return []
  const declared = requirements.some((requirement) => {
    const [spec = '', marker = ''] = requirement.split(';', 2)
    const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1]
    return (
      name !== undefined &&
      MCP_SDK_DISTRIBUTIONS.has(normalizePypiName(name)) &&
      !/\bextra\s*==/.test(marker)
    )
  })
  if (declared) return []
  return [
    findingOf(R.sdkNotDeclared, {
      file: input.metadata?.file,
      snippet:
        requirements.length === 0
          ? 'no Requires-Dist at all'
          : `Requires-Dist: ${[...new Set(requirements.map((r) => r.split(/[\s;<>=!~[(]/)[0]))].slice(0, 10).join(', ')}`
    })
  ]
}

function earliest(dates: Date[] | undefined): Date | undefined {
  return dates?.reduce((a, b) => (b < a ? b : a))
}

function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / DAY_MS))
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10)
}
