/**
 * Which base server each head server is (issue 5): by name first, then renames by identical
 * launch. Positions in the file are never used: lines move between base and head.
 */
import type { ResolvedServer } from '../resolve/types.js'
import { comparableUrl, launchView } from './launch-view.js'
import { writtenVersionKey } from './written-version.js'

/** The outcome of `pairServers`. */
export interface ServerPairing {
  /**
   * For each head server (same order), the index of its base server in `base`, or null when
   * it has none (added); `renamed[i]` is true when the pair was found by launch, not by name.
   */
  baseIndex: (number | null)[]
  renamed: boolean[]
  /** Indexes in `base` of the servers no head server took (removed), in base order. */
  unpaired: number[]
}

/**
 * Pair head servers with base servers of the same config file:
 * 1. by name: the k-th head entry named N takes the k-th base entry named N (a format that
 *    allows a name twice, or two server maps in one file, keep their order);
 * 2. renames: a head entry whose name the base never uses takes the first base entry whose name
 *    the head never uses and whose launch is identical (`launchSignature`: same identity,
 *    written version, command line, environment names, URL and transport), in head order.
 * Everything else is added (head) or removed (base). Pure; linear in the number of servers.
 */
export function pairServers(
  head: readonly ResolvedServer[],
  base: readonly ResolvedServer[]
): ServerPairing {
  const byName = new Map<string, number[]>()
  base.forEach((server, index) => {
    const list = byName.get(server.entry.name)
    if (list === undefined) byName.set(server.entry.name, [index])
    else list.push(index)
  })
  const taken = new Array<boolean>(base.length).fill(false)
  const seen = new Map<string, number>()
  const baseIndex = head.map((server): number | null => {
    const name = server.entry.name
    const occurrence = seen.get(name) ?? 0
    seen.set(name, occurrence + 1)
    const index = byName.get(name)?.[occurrence]
    if (index === undefined) return null
    taken[index] = true
    return index
  })
  const renamed = head.map(() => false)

  const headNames = new Set(head.map((server) => server.entry.name))
  const candidates = new Map<string, number[]>()
  base.forEach((server, index) => {
    if (taken[index] || headNames.has(server.entry.name)) return
    const signature = launchSignature(server)
    const list = candidates.get(signature)
    if (list === undefined) candidates.set(signature, [index])
    else list.push(index)
  })
  if (candidates.size > 0) {
    head.forEach((server, i) => {
      if (baseIndex[i] !== null || byName.has(server.entry.name)) return
      const index = candidates.get(launchSignature(server))?.shift()
      if (index === undefined) return
      baseIndex[i] = index
      renamed[i] = true
      taken[index] = true
    })
  }
  const unpaired = base.map((_, index) => index).filter((index) => !taken[index])
  return { baseIndex, renamed, unpaired }
}

/**
 * What must be equal for two entries with different names to be one renamed server: identity
 * (`LaunchView.identity`), written version (`writtenVersionKey`), the effective command line,
 * the sorted environment variable names, the URL (`comparableUrl`) and the transport. Values of
 * variables and headers, flags and the working directory may still differ: they are reported
 * as aspects of the renamed server. Holds raw values: for comparison only, never shown.
 */
function launchSignature(server: ResolvedServer): string {
  const view = launchView(server)
  return JSON.stringify([
    view.ecosystem,
    view.identity,
    writtenVersionKey(server.package),
    view.argv,
    [...view.env.keys()].sort(),
    view.url === null ? null : comparableUrl(view.url),
    view.transport
  ])
}
