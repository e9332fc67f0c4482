/**
 * Parsing of the values people type into action inputs and CLI flags that both entry points
 * share. Errors are `UsageError`s naming the input or flag (CLI exit 2 / a failed step).
 */
import { UsageError } from './gate.js'

/** Longest time limit accepted for any input or flag: one hour. */
export const MAX_SECONDS = 3600

/**
 * Seconds as typed (`15`, `0.5`) → milliseconds, rounded.
 * @param label how the value is named in the error (`--timeout`, `input grader-timeout`).
 * @throws UsageError when it is not a number greater than 0 and at most 3600.
 */
export function parseSeconds(text: string, label: string): number {
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
    throw new UsageError(
      `${label} must be a number of seconds greater than 0 and at most ${MAX_SECONDS}, got "${text}"`
    )
  }
  return Math.round(value * 1000)
}

/** Most retries accepted for a network request. */
export const MAX_RETRIES = 10

/**
 * A retry count as typed (`0`, `3`).
 * @param label how the value is named in the error (`--retries`, `input retries`).
 * @throws UsageError when it is not a whole number from 0 to `MAX_RETRIES`.
 */
export function parseCount(text: string, label: string): number {
  const trimmed = text.trim()
  const value = Number(trimmed)
  if (!/^\d+$/.test(trimmed) || value > MAX_RETRIES) {
    throw new UsageError(`${label} must be a whole number from 0 to ${MAX_RETRIES}, got "${text}"`)
  }
  return value
}

/** Items of a comma- or newline-separated list, trimmed, empty ones dropped. */
export function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
}
