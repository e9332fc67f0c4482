/**
 * Environment names as the registry, the exceptions file and the policy compare them (SPEC §6–§7):
 * the seed policy's short spellings read as the built-in environments.
 */

/** Short names people write for the built-in environments (SPEC §6 names). */
const ENVIRONMENT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  prod: 'production',
  production: 'production',
  stage: 'staging',
  staging: 'staging',
  dev: 'development',
  development: 'development',
  ci: 'ci'
})

/**
 * An environment name as the gate compares it: trimmed, lower-cased, with `prod` → `production`,
 * `stage` → `staging`, `dev` → `development` (the seed policy's spellings); other names are kept
 * lower-cased (`Sandbox` → `sandbox`). Compare policy environment names through it too.
 */
export function normalizeEnvironmentName(name: string): string {
  const lower = name.trim().toLowerCase()
  return Object.hasOwn(ENVIRONMENT_ALIASES, lower) ? ENVIRONMENT_ALIASES[lower]! : lower
}
