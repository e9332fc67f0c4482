/**
 * Test helper: a `ServerEntry` as the config parser would produce it, with only the launch fields
 * a test cares about.
 */
import type { RawLaunch, ServerEntry } from '../../src/config/types.js'

/** A stdio entry running `command` with `args` (the config's fields as written). */
export function commandEntry(
  command: string | undefined,
  args: string[] = [],
  name = 'server'
): ServerEntry {
  return entry({ command, args }, name)
}

/** An entry with the given launch fields (`url`, `type`, `command`, …). */
export function entry(launch: Partial<RawLaunch>, name = 'server'): ServerEntry {
  return {
    config: '.mcp.json',
    format: 'claude-code',
    name,
    location: { line: 3, column: 5 },
    launch: { args: [], env: {}, headers: {}, ...launch },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: []
  }
}
