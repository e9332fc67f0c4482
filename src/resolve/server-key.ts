/**
 * One identity for a server however it is written (SPEC §7 `server_id`): registry rows and
 * exceptions name servers as purls, `npm:pkg@1.2.3`, `pypi:pkg==1.2.3`, OCI references, GitHub
 * URLs or remote URLs; config entries are resolved to a `PackageIdentity`. Both are reduced to a
 * `ServerKey` so a row and an entry match however each is written.
 *
 * (Types only; the parsing lives in `server-id.ts`.)
 */

/** What kind of thing a key names. `github` is a source repository (`github:org/repo`). */
export type ServerKeyKind = 'npm' | 'pypi' | 'oci' | 'remote' | 'github' | 'local'

/** A normalised server identity. */
export interface ServerKey {
  kind: ServerKeyKind
  /**
   * The identity without any version, canonical for its kind (equal strings ⇔ same server):
   * `npm:@scope/name` (lower-case), `pypi:name` (PEP 503 normalised), `oci:docker.io/library/nginx`
   * (registry and repository path, lower-case), `remote:https://host/path` (sanitised, no
   * trailing slash), `github:org/repo[/dir]` (lower-case; a monorepo directory stays part of the
   * id, so one row does not approve every server of a monorepo), `local:<path>`.
   */
  id: string
  /**
   * The exact version the spelling names, when it names one: an npm/PyPI version (`1.2.3`), an
   * OCI digest (`sha256:…`) or, for OCI, a tag; null when the spelling has none (then the key
   * matches every version).
   */
  version: string | null
}
