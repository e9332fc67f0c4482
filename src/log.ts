/**
 * Where the pipeline reports progress and problems. The action maps it to `@actions/core`
 * (debug/info/warning), the CLI to stderr. Messages never hold secrets (callers mask first).
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined
}
