/**
 * `source.open-http-transport` for Python servers: an MCP server served over HTTP/SSE on every
 * interface with no Host/Origin check (DNS rebinding, CWE-1188 / CWE-350; the MCP transport spec
 * asks servers to validate `Origin` and bind to localhost).
 *
 * Fires, once per module, on a call given `host="0.0.0.0"` (or `"::"`, or a constant holding
 * it) — `mcp.run(…)`, `FastMCP(…)`, `uvicorn.run(…)`, `uvicorn.Config(…)` — or on
 * `X.settings.host = "0.0.0.0"`, when the module serves HTTP (`transport="sse"|"http"|
 * "streamable-http"` anywhere, `sse_app()`/`streamable_http_app()`/`http_app()`, or uvicorn or
 * hypercorn) and protects nothing: no `TransportSecuritySettings(…)` with `allowed_hosts` or
 * `enable_dns_rebinding_protection=True`, no `allowed_hosts=`/`allowed_origins=`, no
 * `TrustedHostMiddleware`.
 */
import type { Node } from 'web-tree-sitter'
import type { Finding } from '../../report.js'
import { findingOf } from '../finding.js'
import { SOURCE_RULE as S } from '../source/rules.js'
import {
  callArguments,
  calleeLastName,
  calleeName,
  lineOf,
  stringValue,
  walk
} from './py-syntax.js'
import type { ModuleFacts } from './py-sinks.js'
import { bindingsOf, valuesByName } from './py-taint.js'

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]', ''])
const HTTP_TRANSPORTS = new Set(['sse', 'http', 'streamable-http', 'streamable_http'])
const HTTP_APPS = new Set(['sse_app', 'streamable_http_app', 'http_app'])
const PROTECTION_KEYWORDS = new Set(['allowed_hosts', 'allowed_origins'])

/** The open-transport finding of one module, or none. Never throws. */
export function checkHttpTransport(facts: ModuleFacts): Finding[] {
  const { module, imports, file } = facts
  const constants = valuesByName(bindingsOf(module))
  const text = (node: Node | undefined): string | null => {
    if (!node) return null
    if (node.type === 'identifier') {
      const bound = constants.get(node.text)
      return bound?.length === 1 ? stringValue(bound[0]) : null
    }
    return stringValue(node)
  }
  let servesHttp = false
  let protectedHost = false
  let openAt: { line: number; snippet: string } | null = null
  walk(module, (node) => {
    if (node.type === 'call') {
      const name = calleeName(node, imports) ?? ''
      const last = calleeLastName(node) ?? ''
      const args = callArguments(node)
      if (name.startsWith('uvicorn.') || name.startsWith('hypercorn.')) servesHttp = true
      if (HTTP_APPS.has(last)) servesHttp = true
      const transport = text(
        args.keywords.get('transport') ?? (last === 'run' ? args.positional[0] : undefined)
      )
      if (transport !== null && HTTP_TRANSPORTS.has(transport)) servesHttp = true
      if (last === 'TrustedHostMiddleware') protectedHost = true
      if ([...args.keywords.keys()].some((k) => PROTECTION_KEYWORDS.has(k))) protectedHost = true
      if (args.keywords.get('enable_dns_rebinding_protection')?.type === 'true')
        protectedHost = true
      const host = text(args.keywords.get('host'))
      if (host !== null && ALL_INTERFACES.has(host) && !openAt) {
        openAt = { line: lineOf(node), snippet: node.text.split('\n')[0] ?? '' }
      }
    }
    if (node.type === 'identifier' && node.text === 'TrustedHostMiddleware') protectedHost = true
    if (node.type === 'assignment') {
      const left = node.childForFieldName('left')
      if (left?.type === 'attribute' && /\.settings\.host$/.test(left.text)) {
        const host = text(node.childForFieldName('right') ?? undefined)
        if (host !== null && ALL_INTERFACES.has(host) && !openAt) {
          openAt = { line: lineOf(node), snippet: node.text.split('\n')[0] ?? '' }
        }
      }
    }
    return undefined
  })
  const open = openAt as { line: number; snippet: string } | null
  if (!open || !servesHttp || protectedHost) return []
  return [
    findingOf(S.openHttpTransport, { file, line: open.line, snippet: open.snippet.slice(0, 300) })
  ]
}
