/**
 * The source-analysis part of the built-in grader's rubric (rubric version 2, docs/grading.md
 * "Source rules"): what the package's own code does, found with a real parser (JavaScript and
 * TypeScript: `parse-js.ts`; Python: tree-sitter). One catalog for every language, so a rule id
 * means the same thing in a Node and in a Python server.
 *
 * Each family has a "from tool input" rule (the value reaches the sink from a tool handler's
 * arguments: what a model, and so a prompt injection, controls) and, where it matters, a weaker
 * "non-constant" rule (the value is computed, but no path from tool input was found). CWE ids are
 * from MITRE CWE 4.x; deductions are this project's judgement: one injection from tool input
 * costs a whole letter, a dynamic value of unknown origin a few points.
 */
import type { RuleDefinition } from '../rule.js'

/** Source rules by short name (ids are stable; see docs/grading.md). */
export const SOURCE_RULE = {
  commandInjection: {
    id: 'source.command-injection',
    axis: 'security',
    severity: 'high',
    deduction: 25,
    title: 'Runs a command built from tool input',
    cwe: 'CWE-78',
    rationale:
      'A command execution call (`child_process.exec`/`execSync`/`spawn`/`execFile`, `subprocess.*`, `os.system`, …) gets a command or arguments that come from a tool’s input, or runs through a shell (`shell: true`, `exec`, `shell=True`) with a non-constant command.'
  },
  commandDynamic: {
    id: 'source.command-dynamic',
    axis: 'security',
    severity: 'low',
    deduction: 5,
    title: 'Runs a command that is not a constant',
    cwe: 'CWE-78',
    rationale:
      'A command execution call gets a computed command without a shell, and no path from tool input to it was found.'
  },
  codeInjection: {
    id: 'source.code-injection',
    axis: 'security',
    severity: 'high',
    deduction: 25,
    title: 'Evaluates code built from tool input',
    cwe: 'CWE-94',
    rationale:
      '`eval`, `new Function`, `vm.runIn*Context`/`vm.Script` (Python: `eval`, `exec`, `compile`) get text that comes from a tool’s input.'
  },
  codeDynamic: {
    id: 'source.code-dynamic',
    axis: 'security',
    severity: 'medium',
    deduction: 10,
    title: 'Evaluates code that is not a constant',
    cwe: 'CWE-94',
    rationale:
      '`eval`, `new Function` or `vm` (Python: `eval`, `exec`) get computed text; no path from tool input was found.'
  },
  ssrf: {
    id: 'source.ssrf',
    axis: 'security',
    severity: 'medium',
    deduction: 15,
    title: 'Requests a URL taken from tool input, with no allow-list',
    cwe: 'CWE-918',
    rationale:
      'An outbound request (`fetch`, `http(s).request/get`, `axios`, `got`, `undici`; Python `requests`, `httpx`, `urllib`) goes to a URL that comes from a tool’s input, and the handler checks it against no allow-list of hosts.'
  },
  pathTraversal: {
    id: 'source.path-traversal',
    axis: 'security',
    severity: 'high',
    deduction: 20,
    title: 'Reads or writes a path taken from tool input, with no containment check',
    cwe: 'CWE-22',
    rationale:
      'A file system call (`fs.*`, `open`, `pathlib`) gets a path that comes from a tool’s input, and the handler never checks it stays inside an allowed directory (`startsWith` / `relative` on a resolved path, `is_relative_to`, `commonpath`).'
  },
  symlinkFollowing: {
    id: 'source.symlink-following',
    axis: 'security',
    severity: 'medium',
    deduction: 10,
    title: 'Checks a tool path’s containment without resolving symlinks',
    cwe: 'CWE-59',
    rationale:
      'A path from tool input is checked to be inside an allowed directory, but on the resolved text only (`path.resolve`, `os.path.abspath`) and never with `realpath`: a symlink inside the directory can point anywhere.'
  },
  sqlInjection: {
    id: 'source.sql-injection',
    axis: 'security',
    severity: 'high',
    deduction: 25,
    title: 'Runs SQL text built by concatenation or a template',
    cwe: 'CWE-89',
    rationale:
      'A query call (`query`, `execute`, `raw`, `prepare`, `exec` on a database client) gets SQL text built with `+`, a template literal or an f-string/`%`/`.format` from non-constant values, instead of bound parameters.'
  },
  secretLogged: {
    id: 'source.secret-logged',
    axis: 'credentials',
    severity: 'medium',
    deduction: 15,
    title: 'Writes a credential to logs or error messages',
    cwe: 'CWE-532',
    rationale:
      'A value read from a credential-named environment variable (`*_TOKEN`, `*_KEY`, `*SECRET*`, `*PASSWORD*`) or an `Authorization` header is passed to `console.*`, a logger, or an error message.'
  },
  hardcodedSecret: {
    id: 'source.hardcoded-secret',
    axis: 'credentials',
    severity: 'high',
    deduction: 30,
    title: 'A credential is written in the code',
    cwe: 'CWE-798',
    rationale:
      'The secret detector (secretlint’s recommended rules) finds a real-looking credential (cloud keys, vendor tokens, private keys) in a string of the shipped code.'
  },
  openHttpTransport: {
    id: 'source.open-http-transport',
    axis: 'security',
    severity: 'medium',
    deduction: 15,
    title: 'Serves MCP over HTTP accepting any Host and Origin',
    cwe: 'CWE-1188',
    rationale:
      'An HTTP or SSE MCP transport is created without DNS-rebinding protection (no `allowedHosts`/`allowedOrigins`, `enableDnsRebindingProtection` unset) or the server listens on all interfaces with no Host/Origin check, so a web page can reach it through the browser (CWE-1188 insecure default; CWE-350 trust in the Host name).'
  },
  notAnalysed: {
    id: 'source.not-analysed',
    axis: 'security',
    severity: 'medium',
    deduction: 15,
    title: 'The server’s code could not be analysed',
    rationale:
      'The entry point was not found, or a file it runs could not be parsed or read (too big, not text). What was not analysed is not assumed safe: the security score loses these points, and the evidence says which file and why.'
  }
} as const satisfies Record<string, RuleDefinition>

/** Every source rule (for docs/grading.md and its test). */
export const SOURCE_RULES: readonly RuleDefinition[] = Object.freeze(Object.values(SOURCE_RULE))
