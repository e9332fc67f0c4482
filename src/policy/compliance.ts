/**
 * Compliance evidence (SPEC §8, issue 3 point 6): which SOC 2, GDPR, HIPAA and ISO 27001
 * controls a failing or floored grade axis touches, so a security reviewer can file the gate's
 * report as evidence against those controls.
 *
 * Source of every row: the SkillAudit page "MCP server compliance mapping — SOC 2, GDPR, HIPAA,
 * ISO 27001" (kept in the project's reference material as
 * `/work/shared/reference/seeds/compliance-mapping.txt`), sections 1–4: SOC 2 Trust Services
 * Criteria, GDPR Articles 25 and 32, HIPAA Security Rule technical safeguards (45 CFR §164.312)
 * and ISO/IEC 27001:2022 Annex A. Control ids and short control names are the source's; the
 * table holds exactly the controls the source maps a sub-score to, and nothing else. Where the
 * source maps an axis to no control of a framework, `NOT_MAPPED_IN_SOURCE` says so — that axis
 * then yields no impact for that framework (never an invented one).
 */
import { AXES, type Axis } from '../grade/report.js'
import type { ComplianceImpact } from './result.js'

/** A framework of the mapping, in report order (SOC 2, GDPR, HIPAA, ISO 27001). */
export type ComplianceFramework = ComplianceImpact['framework']

/** The four frameworks, in the order reports list them. */
export const COMPLIANCE_FRAMEWORKS = [
  'SOC 2',
  'GDPR',
  'HIPAA',
  'ISO 27001'
] as const satisfies readonly ComplianceFramework[]

/** A short citation of the mapping's source, for reports ("Source: …"). */
export const COMPLIANCE_SOURCE =
  'SkillAudit, "MCP server compliance mapping" (SOC 2 TSC, GDPR Art. 25/32, HIPAA §164.312, ISO/IEC 27001:2022 Annex A)'

/** One control of the mapping and the axes whose grade is evidence for it. */
export interface ComplianceControl {
  framework: ComplianceFramework
  /** The control id as reports show it: `CC6.1`, `Art. 32(1)(b)`, `§164.312(d)`, `A.8.5`. */
  control: string
  /** The control's short name. */
  title: string
  /** The axes the source maps to this control (one or two). */
  axes: readonly Axis[]
}

/**
 * The mapping table: every control the source maps a sub-score to, grouped by framework (in
 * `COMPLIANCE_FRAMEWORKS` order) and, within one, in the order of the control ids (which is the
 * order reports use).
 */
export const COMPLIANCE_CONTROLS: readonly ComplianceControl[] = Object.freeze([
  // SOC 2 Trust Services Criteria (source §1).
  { framework: 'SOC 2', control: 'CC2.2', title: 'Communication', axes: ['documentation'] },
  {
    framework: 'SOC 2',
    control: 'CC6.1',
    title: 'Logical access controls',
    axes: ['security']
  },
  {
    framework: 'SOC 2',
    control: 'CC6.3',
    title: 'Access removal & least privilege',
    axes: ['permissions']
  },
  { framework: 'SOC 2', control: 'CC6.7', title: 'Encryption', axes: ['credentials'] },
  { framework: 'SOC 2', control: 'CC7.1', title: 'Monitoring', axes: ['maintenance'] },
  { framework: 'SOC 2', control: 'CC8.1', title: 'Change management', axes: ['maintenance'] },
  // GDPR Articles 25 and 32 (source §2).
  {
    framework: 'GDPR',
    control: 'Art. 25(1)',
    title: 'Data protection by design',
    axes: ['permissions']
  },
  { framework: 'GDPR', control: 'Art. 25(2)', title: 'Data minimisation', axes: ['permissions'] },
  {
    framework: 'GDPR',
    control: 'Art. 32(1)(a)',
    title: 'Appropriate technical measures',
    axes: ['security']
  },
  { framework: 'GDPR', control: 'Art. 32(1)(b)', title: 'Confidentiality', axes: ['credentials'] },
  { framework: 'GDPR', control: 'Art. 32(1)(d)', title: 'Regular testing', axes: ['maintenance'] },
  // HIPAA Security Rule, technical safeguards, 45 CFR §164.312 (source §3).
  {
    framework: 'HIPAA',
    control: '§164.312(a)(1)',
    title: 'Access control',
    axes: ['security', 'permissions']
  },
  {
    framework: 'HIPAA',
    control: '§164.312(a)(2)(i)',
    title: 'Unique user identification',
    axes: ['permissions']
  },
  {
    framework: 'HIPAA',
    control: '§164.312(b)',
    title: 'Audit controls',
    axes: ['security', 'maintenance']
  },
  { framework: 'HIPAA', control: '§164.312(c)(1)', title: 'Integrity', axes: ['security'] },
  { framework: 'HIPAA', control: '§164.312(d)', title: 'Authentication', axes: ['credentials'] },
  {
    framework: 'HIPAA',
    control: '§164.312(e)(1)',
    title: 'Transmission security',
    axes: ['credentials', 'security']
  },
  // ISO/IEC 27001:2022 Annex A (source §4).
  { framework: 'ISO 27001', control: 'A.5.15', title: 'Access control', axes: ['permissions'] },
  {
    framework: 'ISO 27001',
    control: 'A.5.37',
    title: 'Documented operating procedures',
    axes: ['documentation']
  },
  {
    framework: 'ISO 27001',
    control: 'A.8.5',
    title: 'Secure authentication',
    axes: ['credentials']
  },
  {
    framework: 'ISO 27001',
    control: 'A.8.8',
    title: 'Management of technical vulnerabilities',
    axes: ['maintenance']
  },
  { framework: 'ISO 27001', control: 'A.8.20', title: 'Networks security', axes: ['security'] },
  {
    framework: 'ISO 27001',
    control: 'A.8.24',
    title: 'Use of cryptography',
    axes: ['credentials']
  },
  { framework: 'ISO 27001', control: 'A.8.28', title: 'Secure coding', axes: ['security'] }
] satisfies ComplianceControl[])

/**
 * The axis/framework pairs for which the source gives no control. The source maps no control to
 * the compatibility axis in any framework, and maps documentation to SOC 2 and ISO 27001 only
 * (its GDPR and HIPAA tables have no documentation row). A failing axis listed here yields no
 * impact for that framework; reports may say it is not mapped.
 */
export const NOT_MAPPED_IN_SOURCE: readonly { axis: Axis; framework: ComplianceFramework }[] =
  Object.freeze([
    { axis: 'compatibility', framework: 'SOC 2' },
    { axis: 'compatibility', framework: 'GDPR' },
    { axis: 'compatibility', framework: 'HIPAA' },
    { axis: 'compatibility', framework: 'ISO 27001' },
    { axis: 'documentation', framework: 'GDPR' },
    { axis: 'documentation', framework: 'HIPAA' }
  ] satisfies { axis: Axis; framework: ComplianceFramework }[])

/**
 * The controls touched by `axes` (typically the axes of a server that fail a floor, are graded F
 * or are quarantined): one `ComplianceImpact` per (control, axis) pair the table maps, each once
 * however often an axis is given. Order is stable: framework (`COMPLIANCE_FRAMEWORKS`), then
 * control (table order), then axis (`AXES` order). An empty list for no axes, or for axes the
 * source maps to nothing (compatibility). Never throws.
 */
export function complianceImpacts(axes: readonly Axis[]): ComplianceImpact[] {
  const wanted = AXES.filter((a) => axes.includes(a))
  const impacts: ComplianceImpact[] = []
  for (const row of COMPLIANCE_CONTROLS) {
    for (const axis of wanted) {
      if (!row.axes.includes(axis)) continue
      impacts.push({ axis, framework: row.framework, control: row.control, title: row.title })
    }
  }
  return impacts
}

/**
 * The position of a control in the table (framework order, then control order), for sorting
 * controls gathered from several servers the way `complianceImpacts` orders them; controls not in
 * the table sort last.
 */
export function controlRank(framework: ComplianceFramework, control: string): number {
  const i = COMPLIANCE_CONTROLS.findIndex((c) => c.framework === framework && c.control === control)
  return i === -1 ? COMPLIANCE_CONTROLS.length : i
}
