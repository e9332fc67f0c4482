/**
 * Plain-text tables and number formats for benchmark printouts.
 */
import { type Column, layoutColumns } from '../../src/report/terminal.js'

/**
 * `rows` under `headers` as aligned columns, laid out as the CLI lays out its tables
 * (`layoutColumns`: two spaces apart, a rule under the headers, no colour, no width limit).
 * Columns whose cells all look numeric (`1,234 ms`, `12.5`, `≥ 2,000/s`, `-`) are right-aligned.
 * @returns the lines joined with `\n`.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[]
): string {
  const columns = headers.map((header, i): Column =>
    rows.every((r) => /^[-\d.,×%<>≤≥ ]*(ms|MB|\/s|×|%)?$/.test(r[i] ?? ''))
      ? { header, align: 'right' }
      : { header }
  )
  return layoutColumns(
    columns,
    rows.map((r) => r.map((text) => ({ text })))
  ).join('\n')
}

/** Milliseconds with thousands separators: `1,234 ms`, `12.3 ms` (one decimal under 100). */
export function ms(value: number): string {
  return value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value).toLocaleString('en-US')} ms`
}

/** Bytes as decimal megabytes (10^6 bytes): `123.4 MB`; `-` for null. */
export function mb(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1e6).toFixed(1)} MB`
}

/** Bytes as KiB or MiB for package sizes: `79 KiB`, `14.4 MiB`. */
export function size(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.round(bytes / 1024)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

/** An integer with thousands separators: `2,345`. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}
