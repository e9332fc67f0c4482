/**
 * A key or name from a config file, ready to quote in a note: JSON-quoted (so whitespace and
 * control characters are visible) and cut to 80 characters (keys come from untrusted files).
 */
export function quoteKey(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}…` : key)
}
