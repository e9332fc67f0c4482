/**
 * `source.open-http-transport` (CWE-1188 insecure default, CWE-350 trust in the Host name): an MCP
 * server served over HTTP that a web page can reach through the browser (DNS rebinding), because
 * nothing checks the Host or Origin header.
 *
 * Per file: each `new StreamableHTTPServerTransport(opts)` / `new SSEServerTransport(endpoint,
 * res, opts)` whose options literal sets neither `enableDnsRebindingProtection` (to anything but
 * `false`) nor `allowedHosts`/`allowedOrigins` is open, unless the same file checks the Host or
 * Origin another way: the MCP SDK's `createMcpExpressApp()` on its default or a loopback host, or
 * with `allowedHosts`; its `hostHeaderValidation`/`localhostHostValidation` middleware; or a read
 * of `headers.host`/`headers.origin`/`req.get('host'|'origin')`. A `createMcpExpressApp` bound to
 * every interface (`host: '0.0.0.0'`/`'::'`) without `allowedHosts` in a file that creates an MCP
 * HTTP transport is open too. Options given as a variable that is not an object literal are not
 * judged (no evidence either way).
 */
import type { Node } from 'estree'
import { lineOf, objectProperty, propertyName, stringValue, unwrap } from './js-ast.js'
import type { FileIndex } from './js-file-index.js'

const TRANSPORTS = new Set(['StreamableHTTPServerTransport', 'SSEServerTransport'])
const HOST_MIDDLEWARE = new Set(['hostHeaderValidation', 'localhostHostValidation'])
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]'])

/** Collects the transport evidence of one file during its walk. */
export class TransportCheck {
  private readonly open: Node[] = []
  private readonly wideApps: Node[] = []
  private transports = 0
  private protectedElsewhere = false

  /** Look at one node of the walk (module bindings come from `index`). */
  observe(node: Node, index: FileIndex): void {
    if (node.type === 'NewExpression') {
      const name = index.bindings.qualify(node.callee)?.at(-1)
      if (!name || !TRANSPORTS.has(name)) return
      this.transports++
      const optionsArg = node.arguments[name === 'SSEServerTransport' ? 2 : 0] as Node | undefined
      let options = optionsArg ? unwrap(optionsArg) : undefined
      if (options?.type === 'Identifier') options = index.inits.get(options.name) ?? options
      if (options && options.type !== 'ObjectExpression') return
      if (!options || !protects(options)) this.open.push(node)
      return
    }
    if (node.type === 'CallExpression') {
      const path = index.bindings.qualify(node.callee)
      const name = path?.at(-1)
      if (name && HOST_MIDDLEWARE.has(name)) this.protectedElsewhere = true
      else if (name === 'createMcpExpressApp') {
        const options = node.arguments[0] as Node | undefined
        const host = stringValue(objectProperty(options, 'host'))
        if (objectProperty(options, 'allowedHosts')) this.protectedElsewhere = true
        else if (host !== null && ALL_INTERFACES.has(host)) this.wideApps.push(node)
        else this.protectedElsewhere = true
      } else if (name === 'get' || name === 'header') {
        const arg = stringValue(node.arguments[0])
        if (arg !== null && /^(?:host|origin)$/i.test(arg)) this.protectedElsewhere = true
      }
      return
    }
    if (node.type === 'MemberExpression') {
      const name = propertyName(node)
      if (name !== 'host' && name !== 'origin') return
      const owner = unwrap(node.object)
      if (owner.type === 'MemberExpression' && propertyName(owner) === 'headers') {
        this.protectedElsewhere = true
      }
    }
  }

  /** The open transports (and all-interface apps) of the file, as nodes to report. */
  findings(): Node[] {
    if (this.transports === 0 || this.protectedElsewhere) return []
    return [...this.open, ...this.wideApps].sort((a, b) => lineOf(a) - lineOf(b))
  }
}

function protects(options: Node): boolean {
  const flag = objectProperty(options, 'enableDnsRebindingProtection')
  if (flag) {
    const v = unwrap(flag)
    if (!(v.type === 'Literal' && (v.value === false || v.value === null))) return true
  }
  return !!objectProperty(options, 'allowedHosts') || !!objectProperty(options, 'allowedOrigins')
}
