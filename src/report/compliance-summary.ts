/**
 * The run-level compliance section (SPEC §8): the controls touched by the servers' failing axes,
 * each with the axes and servers that touch it. Shared by the report model (summary, comment,
 * table) and the JSON report, so both group the same way.
 */
import { AXES, type Axis } from '../grade/report.js'
import { controlRank, type ComplianceFramework } from '../policy/compliance.js'
import type { ComplianceImpact } from '../policy/result.js'

/**
 * One control and what touches it; `S` is how the caller names a server. (A type alias, not an
 * interface, so it is assignable to the JSON report's open zod object type.)
 */
export type ControlSummary<S> = {
  framework: ComplianceFramework
  /** `CC6.1`, `Art. 32(1)(b)`, `§164.312(d)`, `A.8.5`, … (from our own table). */
  control: string
  title: string
  /** The failing axes that touch it, in `AXES` order, each once. */
  axes: Axis[]
  /** The servers whose failing axes touch it, in input order, each once (by `serverKey`). */
  servers: S[]
}

/**
 * Group the servers' compliance impacts by (framework, control), sorted by the mapping's order
 * (`controlRank`: framework, then control). A server with no impacts adds nothing; an empty
 * input gives an empty list. `serverKey` tells servers apart (two entries may share a name).
 */
export function summariseCompliance<S>(
  servers: readonly { server: S; impacts: readonly ComplianceImpact[] }[],
  serverKey: (server: S) => string
): ControlSummary<S>[] {
  const byControl = new Map<string, { view: ControlSummary<S>; keys: Set<string> }>()
  for (const { server, impacts } of servers) {
    const key = serverKey(server)
    for (const impact of impacts) {
      const id = `${impact.framework}\u0000${impact.control}`
      let group = byControl.get(id)
      if (group === undefined) {
        group = {
          view: {
            framework: impact.framework,
            control: impact.control,
            title: impact.title,
            axes: [],
            servers: []
          },
          keys: new Set()
        }
        byControl.set(id, group)
      }
      if (!group.view.axes.includes(impact.axis)) group.view.axes.push(impact.axis)
      if (!group.keys.has(key)) {
        group.keys.add(key)
        group.view.servers.push(server)
      }
    }
  }
  const views = [...byControl.values()].map((g) => g.view)
  for (const v of views) v.axes.sort((a, b) => AXES.indexOf(a) - AXES.indexOf(b))
  return views.sort(
    (a, b) => controlRank(a.framework, a.control) - controlRank(b.framework, b.control)
  )
}
