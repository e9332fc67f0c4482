/**
 * The performance targets of issue 6 (on this project's 2-core machine; SPEC §9 asks for a warm
 * 10-server gate "well under 2 s" and built-in grading "well under 1 s" after download) and
 * whether measured figures meet them.
 */

/** The targets. Sizes in bytes, times in ms. */
export const TARGETS = Object.freeze({
  /** Corpus parse + offline resolution, files per second (at least). */
  corpusFilesPerSecond: 2000,
  /**
   * Built-in grading of one package after download, ms (under): the median over the packages of
   * each package's median time.
   */
  gradeMedianMs: 300,
  /** Warm-cache `check` of a 10-server config, wall time, ms (under). */
  warmCheckWallMs: 1500,
  /** Peak RSS of a 10-server `check`, cold or warm, bytes (under): 300 MB. */
  peakRssBytes: 300e6,
  /**
   * End-to-end time grows no worse than linearly: time(100 servers) / time(10 servers) at most
   * 10 × this slack. The 20 % is this project's judgement, not from SPEC or the issue: single
   * figures vary by tens of percent from run to run on this machine (docs/performance.md), and
   * the 100-server config grades a different mix of packages than the 10-server one.
   */
  linearSlack: 1.2
})

/** One target and how it went. */
export interface TargetCheck {
  /** What is measured, e.g. `warm 10-server check, wall`. */
  name: string
  /** The target, e.g. `< 1,500 ms`. */
  target: string
  /** The measured figure, e.g. `612 ms`. */
  measured: string
  met: boolean
}
