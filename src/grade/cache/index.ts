/**
 * The grade cache (issue 5): grades of exact package versions kept between runs in a directory
 * (the CLI's `--cache-dir`, the action's `@actions/cache`), so a re-run on the same config
 * downloads no package. See `store.ts` (the directory store), `keys.ts` (what a key names),
 * `assessment-cache.ts` (the built-in grader), `cached-grader.ts` (the `api` and `command`
 * graders), `default-dir.ts` (where the CLI keeps it) and `ttl.ts` (`--cache-ttl`).
 */
export {
  CACHE_ENTRY_VERSION,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_MAX_ENTRY_BYTES,
  GradeCache,
  type GradeCacheOptions,
  type GradeCacheStats
} from './store.js'
export { CACHE_DIR_ENV, defaultCacheDir } from './default-dir.js'
export {
  apiGradeKey,
  builtinAssessmentKey,
  CACHE_KEY_SCHEMA,
  commandGradeKey,
  exactPackage,
  keyedUrl,
  type BuiltinKeySources,
  type ExactPackage
} from './keys.js'
export { type AdvisorySetting, advisorySourceIdentity } from './advisory-identity.js'
export { type AssessmentCache, cachedAssessment } from './assessment-cache.js'
export { cachedGrader } from './cached-grader.js'
export { DEFAULT_CACHE_TTL_DAYS, MAX_CACHE_TTL_DAYS, MS_PER_DAY, parseCacheTtlDays } from './ttl.js'
