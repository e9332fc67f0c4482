/**
 * Documentation shipped in the tarball (rubric in docs/grading.md): the README's substance
 * (`readme.ts`), a SECURITY.md that says how to report a vulnerability, and a CHANGELOG that
 * covers the graded version. Only the tarball is read: files kept only in the source repository
 * are not seen in v1.
 */
import type { Finding } from '../report.js'
import { findingOf } from './finding.js'
import type { PackageFiles } from './package-files.js'
import { PACKAGE_RULE as R } from './package-rules.js'
import { analyseReadme } from './readme.js'

/** Fewest words of prose a README needs not to count as "only a title" (rubric v1). */
export const MIN_README_WORDS = 60

const README_FILE = /^readme(\.(md|markdown|mdx|txt|rst|adoc))?$/i
const SECURITY_FILE = /^(\.github\/|docs\/)?security(\.(md|markdown|txt|rst))?$/i
const CHANGELOG_FILE = /^(changelog|changes|history|releases|news)(\.(md|markdown|txt|rst))?$/i

/** An e-mail address, a URL, or a GitHub security-advisory / "report a vulnerability" link. */
const REPORT_CHANNEL =
  /[\w.+-]+@[\w-]+\.[\w.-]+|https?:\/\/\S+|security advisor(y|ies)|report a vulnerability|hackerone|bugcrowd/i

/**
 * README, SECURITY.md and CHANGELOG findings.
 * @param version the graded version (the CHANGELOG should mention it).
 */
export function checkDocs(files: PackageFiles, version: string): Finding[] {
  return [...readme(files), ...securityPolicy(files), ...changelog(files, version)]
}

function rootFile(files: PackageFiles, pattern: RegExp): string | undefined {
  return files.entries.find((e) => pattern.test(e.path))?.path
}

function readme(files: PackageFiles): Finding[] {
  const path = files.entries.find((e) => !e.path.includes('/') && README_FILE.test(e.path))?.path
  if (!path) return [findingOf(R.readmeMissing)]
  const data = files.files.get(path)
  if (!data) return [findingOf(R.readmeNotAnalysed, { file: path })]
  const analysis = analyseReadme(data.toString('utf8'))
  const findings: Finding[] = []
  if (analysis.boilerplate) {
    findings.push(
      findingOf(R.readmeThin, {
        file: path,
        line: analysis.boilerplate.line,
        snippet: `template text: ${analysis.boilerplate.text}`
      })
    )
  } else if (analysis.proseWords < MIN_README_WORDS) {
    const titles = analysis.headings.slice(0, 3).map((h) => h.text)
    findings.push(
      findingOf(R.readmeThin, {
        file: path,
        snippet:
          `${analysis.proseWords} words of prose (fewer than ${MIN_README_WORDS})` +
          (titles.length > 0 ? `; headings: ${titles.join(' | ')}` : '')
      })
    )
  }
  if (!analysis.usageHeading) {
    findings.push(
      findingOf(R.readmeNoUsage, {
        file: path,
        snippet:
          analysis.headings.length > 0
            ? `headings: ${analysis.headings
                .slice(0, 8)
                .map((h) => h.text)
                .join(' | ')}`
            : 'no headings'
      })
    )
  }
  if (!analysis.toolsMention && !analysis.clientSetup) {
    findings.push(findingOf(R.readmeNoMcpSetup, { file: path }))
  }
  return findings
}

function securityPolicy(files: PackageFiles): Finding[] {
  const path = rootFile(files, SECURITY_FILE)
  if (!path) return [findingOf(R.securityPolicyMissing)]
  const data = files.files.get(path)
  if (data && !REPORT_CHANNEL.test(data.toString('utf8'))) {
    return [findingOf(R.securityPolicyNoContact, { file: path })]
  }
  return []
}

function changelog(files: PackageFiles, version: string): Finding[] {
  const path = rootFile(files, CHANGELOG_FILE)
  if (!path) return [findingOf(R.changelogMissing)]
  const data = files.files.get(path)
  if (data && !mentionsVersion(data.toString('utf8'), version)) {
    return [findingOf(R.changelogStale, { file: path, snippet: `${version} is not mentioned` })]
  }
  return []
}

/**
 * True when `text` names `version` as a whole token: `1.2.3` or `v1.2.3`, not `11.2.3`, `1.2.30`
 * or the prerelease `1.2.3-beta.1`.
 */
export function mentionsVersion(text: string, version: string): boolean {
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^0-9A-Za-z.])v?${escaped}(?![0-9A-Za-z]|\\.[0-9]|-[0-9A-Za-z])`, 'm').test(
    text
  )
}
