/**
 * The grade cache (issue 5): grades of exact package versions kept between runs in a directory
 * (the CLI's `--cache-dir`, the action's `@actions/cache`), so a re-run on the same config
 * downloads no package. See `store.ts` (the directory store), `keys.ts` (what a key names),
 * `assessment-cache.ts` (the built-in grader), `cached-grader.ts` (the `api` and `command`
 * graders), `default-dir.ts` (where the CLI keeps it) and `ttl.ts` (`--cache-ttl`).
 *
 * Only what the action's entry points import through here is re-exported; everything else is
 * imported from its own module.
 */
export { GradeCache } from './store.js'
export { parseCacheTtlDays } from './ttl.js'
