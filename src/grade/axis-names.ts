/**
 * The other names people use for the six axes (SPEC §2). The reference report card calls them
 * Security, Permissions hygiene, Credential exposure, Maintenance, Client compatibility and
 * Documentation completeness; grading services and admins write those long names too.
 */
import { AXES, type Axis } from './report.js'

/** Long names (snake_case) → axis. The axis names themselves are not listed here. */
export const AXIS_ALIASES: Readonly<Record<string, Axis>> = Object.freeze({
  permissions_hygiene: 'permissions',
  permission_hygiene: 'permissions',
  credential_exposure: 'credentials',
  client_compatibility: 'compatibility',
  documentation_completeness: 'documentation'
})

/**
 * The axis named by `text`: an axis name or an alias, case-insensitive, with spaces, dashes or
 * camelCase read as snake_case (`Credential Exposure`, `credentialExposure`). Null when unknown.
 */
export function axisFromName(text: string): Axis | null {
  const key = text
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase()
  if ((AXES as readonly string[]).includes(key)) return key as Axis
  return Object.hasOwn(AXIS_ALIASES, key) ? AXIS_ALIASES[key]! : null
}
