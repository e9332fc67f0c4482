/**
 * The source rules on one parsed JavaScript/TypeScript file: a single walk of its AST gathers
 * declarations (`js-file-index.ts`), tool registrations, local imports, candidate sink calls,
 * credential flows, HTTP transports and secret-like literals; then the handlers' tool-input taint
 * (`js-taint.ts`) is computed over the handlers only, and each candidate sink is judged
 * (`js-sinks.ts`). Cost: one walk of the file plus a few walks of each tool handler.
 */
import type { Node } from 'estree'
import type { RuleDefinition } from '../rule.js'
import { type FunctionNode, isFunction, lineOf, stringValue, unwrap, walk } from './js-ast.js'
import { requiredModule } from './js-bindings.js'
import { FileIndex } from './js-file-index.js'
import type { LoadedModule } from './js-module-graph.js'
import { SecretFlow, type SecretCandidate, secretCandidateOf } from './js-secrets.js'
import { calleeLastName, classifySink, judgeSink, SINK_NAMES } from './js-sinks.js'
import { analyseHandlers } from './js-taint.js'
import { RegistrationCollector } from './js-tool-registrations.js'
import { TransportCheck } from './js-transport.js'
import { SOURCE_RULE } from './rules.js'
import type { ToolRegistration } from './tool-registration.js'

/** A rule that fired at a place in a package file, before capping and masking. */
export interface RawFinding {
  rule: RuleDefinition
  file: string
  /** 1-based line. */
  line: number
  /** 0-based column (to quote the right part of a long minified line). */
  column: number
}

/** What one file yields. */
export interface FileAnalysis {
  findings: RawFinding[]
  registrations: ToolRegistration[]
  /** Module specifiers the file imports or requires with a literal (all of them). */
  imports: string[]
  /** Literals for the hard-coded secret rule (checked per package, asynchronously). */
  secretCandidates: SecretCandidate[]
}

/** Method names on which a logging call is checked for credentials. */
const LOG_METHODS = new Set([
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'trace',
  'fatal',
  'verbose',
  'write'
])

/** Analyse one module (see the module doc). Throws only on a bug; callers catch. */
export function analyseJsFile(module: LoadedModule): FileAnalysis {
  const { file } = module
  const index = new FileIndex()
  const collector = new RegistrationCollector()
  const transport = new TransportCheck()
  const secrets = new SecretFlow(index.bindings)
  const functions: FunctionNode[] = []
  const sinks: Array<{ node: Node; stack: FunctionNode[] }> = []
  const findings: RawFinding[] = []
  const imports: string[] = []
  const secretCandidates: SecretCandidate[] = []
  const at = (rule: RuleDefinition, node: Node): RawFinding => ({
    rule,
    file,
    line: lineOf(node),
    column: node.loc?.start.column ?? 0
  })

  walk(module.program, {
    enter(node) {
      index.observe(node)
      collector.observe(node)
      switch (node.type) {
        case 'ImportDeclaration':
        case 'ExportAllDeclaration':
        case 'ExportNamedDeclaration':
        case 'ImportExpression': {
          const spec = node.source ? stringValue(node.source) : null
          if (spec !== null) imports.push(spec)
          break
        }
        case 'CallExpression':
        case 'NewExpression': {
          const required = node.type === 'CallExpression' ? requiredModule(node) : null
          if (required !== null) imports.push(required)
          const name = calleeLastName(node.callee)
          const alias = name === null ? undefined : index.bindings.get(name)?.member
          if ((name !== null && SINK_NAMES.has(name)) || (alias && SINK_NAMES.has(alias))) {
            sinks.push({ node, stack: functions.slice() })
          } else if (unwrap(node.callee).type === 'CallExpression') {
            // require('child_process').exec(…) is a member call; `(0, x.f)(…)` unwraps to x.f
            sinks.push({ node, stack: functions.slice() })
          }
          if (node.type === 'NewExpression') transport.observe(node, index)
          else if (name !== null && TRANSPORT_CALLS.has(alias ?? name)) {
            transport.observe(node, index)
          }
          if (node.type === 'NewExpression' || (name !== null && LOG_METHODS.has(name))) {
            if (secrets.observe(node)) findings.push(at(SOURCE_RULE.secretLogged, node))
          }
          break
        }
        case 'TaggedTemplateExpression':
          if (
            calleeLastName(node.tag) === '$' ||
            index.bindings.get(calleeLastName(node.tag) ?? '')?.member === '$'
          ) {
            sinks.push({ node, stack: functions.slice() })
          }
          break
        case 'VariableDeclarator':
        case 'AssignmentExpression':
          secrets.observe(node)
          break
        case 'MemberExpression':
          transport.observe(node, index)
          break
        case 'Literal':
        case 'TemplateLiteral':
          for (const c of secretCandidateOf(node)) secretCandidates.push({ file, ...c })
          break
        default:
          break
      }
      if (isFunction(node)) {
        functions.push(node)
        secrets.enterFunction()
      }
    },
    leaves: isFunction,
    leave(node) {
      if (isFunction(node)) {
        functions.pop()
        secrets.leaveFunction()
      }
    }
  })

  const registrations = collector.finish(index, file, module.program)
  const handlers = registrations
    .map((r) => r.handler)
    .filter((h): h is FunctionNode => isFunction(h))
  const envs = analyseHandlers(handlers, index)
  for (const { node, stack } of sinks) {
    const kind = classifySink(node, index)
    if (!kind) continue
    let env
    for (let i = stack.length - 1; i >= 0 && !env; i--) env = envs.get(stack[i] as FunctionNode)
    const rule = judgeSink(node, kind, index, env)
    if (rule) findings.push(at(rule, node))
  }
  for (const node of transport.findings()) findings.push(at(SOURCE_RULE.openHttpTransport, node))
  return { findings, registrations, imports, secretCandidates }
}

/** Calls the transport rule looks at (see `js-transport.ts`). */
const TRANSPORT_CALLS = new Set([
  'createMcpExpressApp',
  'hostHeaderValidation',
  'localhostHostValidation',
  'get',
  'header'
])
