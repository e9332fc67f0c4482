/**
 * Literal-secret detection over the real-world corpus (176 configs from public repositories;
 * secrets in them were replaced by same-shape fakes, so they still look real). MANIFEST.tsv
 * notes say which files hold a literal secret and which hold placeholders only.
 *
 * The files are read here with jsonc-parser and turned into minimal `ServerEntry` objects, so
 * this test does not depend on the config parser.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { parse, type ParseError } from 'jsonc-parser'
import { findLiteralSecrets } from '../../src/config/secrets.js'
import type { ServerEntry } from '../../src/config/types.js'
import { CORPUS_DIR } from '../corpus.js'

const CORPUS = CORPUS_DIR

/**
 * What each file noted "literal secret-looking value" really holds, read by hand (entry|field).
 * Values that are placeholders although the file also holds real-looking ones are listed in
 * `NOT_REPORTED` below.
 */
const EXPECTED: Record<string, string[]> = {
  '0247473__cursor-supabase-app__.cursor__mcp.json': ['supabase|args.3'], // --access-token sbp_…
  '0ceanWavves__REDUXsynthed__claude_desktop_config.json': [
    'supabase-gexy|args.2', // password in a postgresql:// URL (percent-encoded)
    'supabase|args.2'
  ],
  '0nouman0__poligap_app__.vscode__mcp.json': [
    'supabase|env.SUPABASE_ACCESS_TOKEN',
    'FigmaMCP|args.2' // --figma-api-key=figd_…
  ],
  '0xD3ADBE3F__saas-ticketing__.vscode__mcp.json': ['Mollie|env.MOLLIE_API_OAUTH_ORG_TOKEN'],
  '0xTanzim__nextRush__.vscode__mcp.json': [
    'playwright-extension|env.PLAYWRIGHT_MCP_EXTENSION_TOKEN'
  ],
  '1000XVentures__Xylar_UI__.cursor__mcp.json': ['stitch|headers.X-Goog-Api-Key'],
  '1140137093__snake__.cursor__mcp.json': [
    'mcp-mysql-server|args.7', // mysqlPassword inside the --config JSON
    'mcp-mysql-server|args.9', // smithery --key (UUID-shaped)
    'amap-maps|env.AMAP_MAPS_API_KEY',
    'fs|args.7' // smithery --key
  ],
  '1270314864__Deep_Learning__.cursor__mcp.json': [
    'github.com/modelcontextprotocol/servers/tree/main/src/github|env.GITHUB_PERSONAL_ACCESS_TOKEN'
  ],
  '18501404120__cursor__.cursor__mcp.json': ['modao|args.3'], // --token VALUE
  '1954499140__Verilint__.vscode__mcp.json': ['kimi|env.MOONSHOT_API_KEY'],
  '1J6K21__TidalHack2025__.kiro__settings__mcp.json': ['figma|args.2'],
  '22satnam__travaky__.vscode__mcp.json': ['context7|headers.CONTEXT7_API_KEY'],
  '546060179__-jz__.kiro__settings__mcp.json': ['figma|args.2'],
  'ADORSYS-GIS__cloud-identity-wallet__.roo__mcp.json': ['github|env.GITHUB_PERSONAL_ACCESS_TOKEN'],
  'Acurioustractor__act-placemat__.kiro__settings__mcp.json': ['notion|env.NOTION_TOKEN'],
  'Amitkumarracha__mcp-multi-tool-agent__claude_desktop_config.json': [
    'news|env.NEWS_API_KEY',
    'currency|env.CURRENCY_API_KEY'
  ],
  'Apq__Apq.Cfg__.roo__mcp.json': ['redis_dev|args.1'], // redis://:password@host
  'Ataraksia__TensorRT-LLM__.roo__mcp.json': ['exa|env.EXA_API_KEY'],
  'BASIC-BIT__ScheduleBot__.roo__mcp.json': [
    'trello|env.TRELLO_API_KEY',
    'trello|env.TRELLO_TOKEN'
  ],
  'Gabrielmcp78__servers__cline_mcp_settings.json': ['@21st-dev/magic|args.2'] // API_KEY="…" arg
}

/** Placeholders sitting next to real-looking secrets in the same files (entry|field). */
const NOT_REPORTED: Record<string, string[]> = {
  // all-zero GitHub token and `xxxx`: placeholders
  '1140137093__snake__.cursor__mcp.json': [
    'github|env.GITHUB_PERSONAL_ACCESS_TOKEN',
    'current-time|env.API_KEY'
  ],
  // MYSQL_PASS is the stock word "test" (user and database are "test" too): a local default,
  // not a credential; the redis URL password in the same file is reported.
  'Apq__Apq.Cfg__.roo__mcp.json': ['mysql_dev|env.MYSQL_PASS'],
  // empty values under *_TOKEN(S) keys
  'Ataraksia__TensorRT-LLM__.roo__mcp.json': ['context7|env.DEFAULT_MINIMUM_TOKENS'],
  'ADORSYS-GIS__cloud-identity-wallet__.roo__mcp.json': ['github|env.GITHUB_TOOLSETS'],
  // a board id, not a secret
  'BASIC-BIT__ScheduleBot__.roo__mcp.json': ['trello|env.TRELLO_BOARD_ID']
}

interface ManifestRow {
  file: string
  notes: string
}

function readManifest(): ManifestRow[] {
  const [, ...lines] = readFileSync(`${CORPUS}MANIFEST.tsv`, 'utf8').split('\n')
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cells = l.split('\t')
      return { file: cells[0] ?? '', notes: cells[5] ?? '' }
    })
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
  }
  return out
}

/** Server maps in a parsed config: `mcpServers`, `servers`, `context_servers`, `mcp.servers`. */
function serverMaps(data: unknown, depth = 0): Record<string, unknown>[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || depth > 2) return []
  const maps: Record<string, unknown>[] = []
  for (const [key, value] of Object.entries(data)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
    if (['mcpServers', 'servers', 'context_servers', 'mcp_servers'].includes(key)) {
      maps.push(value as Record<string, unknown>)
    } else {
      maps.push(...serverMaps(value, depth + 1))
    }
  }
  return maps
}

/** Minimal `ServerEntry` objects of one corpus file (no locations). */
function entriesOf(file: string): ServerEntry[] {
  const text = readFileSync(`${CORPUS}${file}`, 'utf8')
  const errors: ParseError[] = []
  let data: unknown = parse(text, errors, { allowTrailingComma: true })
  if (errors.length > 0 || data === null || typeof data !== 'object') {
    // A fragment such as `"mcp": { … }` (22satnam): analysed wrapped in braces, as the manifest did.
    data = parse(`{${text}}`, [], { allowTrailingComma: true })
  }
  const entries: ServerEntry[] = []
  for (const map of serverMaps(data)) {
    for (const [name, raw] of Object.entries(map)) {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue
      const e = raw as Record<string, unknown>
      const command = Array.isArray(e.command) ? e.command.map(String) : undefined
      const args = Array.isArray(e.args) ? e.args.map(String) : []
      const url = [e.url, e.serverUrl, e.httpUrl].find((u) => typeof u === 'string')
      entries.push({
        config: file,
        format: 'generic',
        name,
        location: { line: 1, column: 1 },
        launch: {
          command: command ? command[0] : typeof e.command === 'string' ? e.command : undefined,
          args: command ? [...command.slice(1), ...args] : args,
          env: strings(e.env),
          headers: strings(e.headers),
          ...(typeof url === 'string' ? { url } : {})
        },
        flags: { disabled: e.disabled === true, autoApprove: [], trust: e.trust === true },
        fieldLocations: {},
        notes: []
      })
    }
  }
  return entries
}

function rawValue(entry: ServerEntry, field: string): string | undefined {
  const [head, ...rest] = field.split('.')
  const key = rest.join('.')
  if (head === 'args') return entry.launch.args[Number(key)]
  if (head === 'env') return entry.launch.env[key]
  if (head === 'headers') return entry.launch.headers[key]
  if (head === 'url') return entry.launch.url
  return entry.launch.command
}

describe('literal secrets in the real-world corpus', () => {
  const manifest = readManifest()
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'))
  const literal = new Set(
    manifest.filter((r) => r.notes.includes('literal secret')).map((r) => r.file)
  )
  const placeholderOnly = new Set(
    manifest
      .filter((r) => r.notes.includes('placeholder') && !literal.has(r.file))
      .map((r) => r.file)
  )

  it('has the corpus and the manifest entries this test was written against', () => {
    expect(files.length).toBeGreaterThanOrEqual(170)
    expect([...literal].sort()).toEqual(Object.keys(EXPECTED).sort())
    expect(placeholderOnly.size).toBeGreaterThanOrEqual(14)
  })

  it('finds exactly the literal secrets in every file noted as holding one, masked', async () => {
    for (const file of Object.keys(EXPECTED)) {
      const found: string[] = []
      for (const entry of entriesOf(file)) {
        for (const secret of await findLiteralSecrets(entry)) {
          found.push(`${entry.name}|${secret.field}`)
          const raw = rawValue(entry, secret.field) ?? ''
          expect(raw).not.toBe('')
          expect(secret.masked).toMatch(/^[^…]{0,12}…\(\d+ chars\)$/)
          expect(JSON.stringify(secret)).not.toContain(raw)
        }
      }
      expect({ file, found: found.sort() }).toEqual({
        file,
        found: [...(EXPECTED[file] ?? [])].sort()
      })
      for (const notReported of NOT_REPORTED[file] ?? []) expect(found).not.toContain(notReported)
    }
  })

  it('reports nothing in files noted as holding placeholder secret values only', async () => {
    for (const file of placeholderOnly) {
      const entries = entriesOf(file)
      expect({ file, servers: entries.length > 0 }).toEqual({ file, servers: true })
      for (const entry of entries) {
        expect({ file, entry: entry.name, found: await findLiteralSecrets(entry) }).toEqual({
          file,
          entry: entry.name,
          found: []
        })
      }
    }
  })

  it('reports nothing in any other corpus file (no false positives)', async () => {
    const started = Date.now()
    for (const file of files) {
      if (literal.has(file)) continue
      for (const entry of entriesOf(file)) {
        const found = await findLiteralSecrets(entry)
        expect({ file, entry: entry.name, found }).toEqual({ file, entry: entry.name, found: [] })
      }
    }
    expect(Date.now() - started).toBeLessThan(4000)
  })
})
