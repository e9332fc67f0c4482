/**
 * License rules (rubric in docs/grading.md): the license the manifest declares (present, not
 * `UNLICENSED`, an SPDX expression, or `SEE LICENSE IN <file>` with the file shipped), and the
 * license file in the tarball (present, a recognisable text, the same license as declared).
 */
import type { Finding } from '../report.js'
import type { VersionManifest } from '../../resolve/npm-registry.js'
import { findingOf } from './finding.js'
import { LICENSE_FILE, recogniseLicenseText } from './license-text.js'
import type { PackageFiles } from './package-files.js'
import { PACKAGE_RULE as R } from './package-rules.js'
import { licenseFamily, parseSpdx } from './spdx.js'

/**
 * License findings for the graded version.
 * @returns findings of `license.missing`, `license.unlicensed`, `license.not-spdx`,
 *   `license.see-file-missing`, `license.file-missing`, `license.file-unrecognised`,
 *   `license.file-mismatch`. Never throws.
 */
export function checkLicense(manifest: VersionManifest, files: PackageFiles): Finding[] {
  const findings: Finding[] = []
  const declared = declaredLicense(manifest)
  let declaredFamilies: Set<string> | null = null
  let seeFile: string | null = null
  let seeFileMissing = false
  if (declared === null) {
    findings.push(findingOf(R.licenseMissing, { file: 'package.json' }))
  } else if (/^unlicensed$/i.test(declared)) {
    findings.push(
      findingOf(R.licenseUnlicensed, { file: 'package.json', snippet: `license: ${declared}` })
    )
  } else {
    const see = /^see licen[cs]e in (.+)$/i.exec(declared)
    if (see) {
      seeFile = (see[1] ?? '').trim().replace(/^\.\//, '')
      if (!files.entries.some((e) => e.path === seeFile)) {
        seeFileMissing = true
        findings.push(
          findingOf(R.licenseSeeFileMissing, {
            file: 'package.json',
            snippet: `license: "${declared}", but ${seeFile} is not in the package`
          })
        )
      }
    } else {
      const parsed = parseSpdx(declared)
      if ('message' in parsed) {
        findings.push(
          findingOf(R.licenseNotSpdx, {
            file: 'package.json',
            snippet: `license: "${declared}": ${parsed.message}`
          })
        )
      } else if (!parsed.licenses.some((id) => id.includes('LicenseRef-'))) {
        declaredFamilies = new Set(parsed.licenses.map(licenseFamily))
      }
    }
  }
  const candidates = files.entries.filter(
    (e) => (!e.path.includes('/') && LICENSE_FILE.test(e.path)) || e.path === seeFile
  )
  if (candidates.length === 0) {
    if (!seeFileMissing) findings.push(findingOf(R.licenseFileMissing))
    return findings
  }
  const recognised: Array<{ path: string; id: string }> = []
  let unread = 0
  for (const candidate of candidates) {
    const data = files.files.get(candidate.path)
    if (!data) {
      unread += 1
      continue
    }
    const id = recogniseLicenseText(data.toString('utf8'))
    if (id) recognised.push({ path: candidate.path, id })
  }
  const first = candidates[0]
  if (recognised.length === 0 && unread < candidates.length && first) {
    const text = files.files.get(first.path)?.toString('utf8') ?? ''
    findings.push(
      findingOf(R.licenseFileUnrecognised, {
        file: first.path,
        line: 1,
        snippet: text.trim().split('\n')[0] ?? ''
      })
    )
  }
  if (declaredFamilies && recognised.length > 0) {
    const families = declaredFamilies
    if (!recognised.some((r) => families.has(r.id))) {
      const found = recognised[0]
      findings.push(
        findingOf(R.licenseFileMismatch, {
          file: found?.path,
          snippet: `package.json declares ${declared ?? ''}; ${found?.path ?? ''} is ${found?.id ?? ''}`
        })
      )
    }
  }
  return findings
}

/** The declared license text: `license` (string or legacy `{type}`), else legacy `licenses[]`. */
function declaredLicense(manifest: VersionManifest): string | null {
  const license = manifest.license
  if (typeof license === 'string' && license.trim() !== '') return license.trim()
  if (license && typeof license === 'object' && typeof license.type === 'string') {
    return license.type.trim() || null
  }
  const legacy = (manifest as Record<string, unknown>).licenses
  if (Array.isArray(legacy)) {
    const types = legacy
      .map((l: unknown) =>
        l && typeof l === 'object' && 'type' in l && typeof l.type === 'string' ? l.type : null
      )
      .filter((t): t is string => t !== null && t.trim() !== '')
    if (types.length > 0) return types.length === 1 ? (types[0] ?? null) : `(${types.join(' OR ')})`
  }
  return null
}
