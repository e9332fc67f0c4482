/**
 * Plain-text tables and number formats for benchmark printouts.
 */

/**
 * `rows` under `headers` as aligned columns (two spaces apart, a dashed rule under the
 * headers). Cells that look numeric (`1,234 ms`, `12.5`, `-`) are right-aligned.
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[]
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = headers.map((_, i) =>
    rows.every((r) => /^[-\d.,×%<>≤≥ ]*(ms|MB|\/s|×|%)?$/.test(r[i] ?? ''))
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
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
