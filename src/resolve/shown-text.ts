/**
 * What of a config value may be shown in identities and notes (SPEC §9: never leak a secret).
 * Every value copied from an entry into a name, version spec, resolution message or note goes
 * through `shownValue`; whole texts get `maskedText` once more before they leave
 * `identifyServer` (a net under the rule, not a replacement for it).
 */
import { maskSecretsInText } from '../config/secrets.js'

/**
 * `value` as it may be shown: user info after a scheme and any query string or fragment removed
 * (`stripUrlSecrets`), then every secret the config rules recognise masked
 * (`maskSecretsInText`: vendor tokens such as `ghp_…`/`sk-…`, URL passwords, secret query
 * parameters, token path segments). A value longer than the secret scan reads is cut there.
 * Pure, never throws.
 */
export function shownValue(value: string): string {
  return maskSecretsInText(stripUrlSecrets(value))
}

/**
 * `text` (a whole note or message that may quote values) with every recognised secret masked
 * (`maskSecretsInText`); nothing else changes, except that a text longer than the secret scan
 * reads is cut there. Pure, never throws.
 */
export function maskedText(text: string): string {
  return maskSecretsInText(text)
}

/**
 * `value` without user info after a scheme (`https://user:token@host` → `https://host`, up to
 * the last `@` before the path, so a password holding `@` goes too; a plain `git@` user is
 * kept) and without a query string or fragment. Used for URLs that must stay
 * as written otherwise: git and tarball package specs, unparseable remote URLs.
 */
export function stripUrlSecrets(value: string): string {
  return value
    .replace(/^([a-z][\w+.-]*:\/\/)([^/\s]*)@/i, (_m, scheme: string, user: string) =>
      user === 'git' ? `${scheme}git@` : scheme
    )
    .replace(/[?#][\s\S]*$/, (rest) => (rest.startsWith('#') && !rest.includes('?') ? rest : ''))
}
