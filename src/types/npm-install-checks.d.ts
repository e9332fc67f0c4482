// Minimal typings for npm-install-checks (no @types package exists). Only what we call.
declare module 'npm-install-checks' {
  /** Throws (code `EBADENGINE`) when `target.engines` excludes the given node or npm version. */
  export function checkEngine(
    target: { engines?: unknown; _id?: string },
    npmVersion: string | null,
    nodeVersion: string | null,
    force?: boolean
  ): void
}
