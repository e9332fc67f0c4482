import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  findLiteralSecrets,
  maskSecret,
  maskSecretsInText,
  OWN_SECRET_RULE,
  SECRET_DETECTION_RULES
} from '../../src/config/secrets.js'
import { isPlaceholder, VENDOR_PREFIXES } from '../../src/config/placeholders.js'
import type { RawLaunch, ServerEntry } from '../../src/config/types.js'

/**
 * Fake credentials are assembled at run time from a seeded generator, so that no realistic token
 * is written into the repository (and none trips secret scanning), while each has the real shape.
 */
const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'
function fake(seed: number, length: number, alphabet = ALNUM): string {
  let state = seed >>> 0 || 1
  let out = ''
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    out += alphabet[state % alphabet.length]
  }
  return out
}
const HEX = '0123456789abcdef'
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ234567'

function entry(launch: Partial<RawLaunch>, extra: Partial<ServerEntry> = {}): ServerEntry {
  return {
    config: '.mcp.json',
    format: 'claude-code',
    name: 'server',
    location: { line: 3, column: 5 },
    launch: { args: [], env: {}, headers: {}, ...launch },
    flags: { disabled: false, autoApprove: [], trust: false },
    fieldLocations: {},
    notes: [],
    ...extra
  }
}

/** Every returned string, for "the raw value never appears" assertions. */
function everything(found: unknown): string {
  return JSON.stringify(found)
}

function expectNoLeak(found: unknown, raw: string): void {
  const text = everything(found)
  expect(text).not.toContain(raw)
  // Not even a recognisable tail of it.
  expect(text).not.toContain(raw.slice(-8))
}

describe('maskSecret', () => {
  it('keeps a known vendor prefix and the length only', () => {
    expect(maskSecret(`ghp_${fake(1, 36)}`)).toBe('ghp_…(40 chars)')
    expect(maskSecret(`github_pat_${fake(2, 82)}`)).toBe('github_pat_…(93 chars)')
    expect(maskSecret(`sk-ant-api03-${fake(3, 95)}`)).toBe('sk-ant-…(108 chars)')
    expect(maskSecret(`sk-${fake(4, 48)}`)).toBe('sk-…(51 chars)')
    expect(maskSecret(`xoxb-${fake(5, 40)}`)).toBe('xoxb-…(45 chars)')
    expect(maskSecret(`AKIA${fake(6, 16, UPPER)}`)).toBe('AKIA…(20 chars)')
    expect(maskSecret(`glpat-${fake(7, 20)}`)).toBe('glpat-…(26 chars)')
  })

  it('shows no prefix for unknown shapes or values barely longer than the prefix', () => {
    expect(maskSecret('Sugar005@abc')).toBe('…(12 chars)')
    expect(maskSecret('sk-abc12')).toBe('…(8 chars)')
    expect(maskSecret('')).toBe('…(0 chars)')
  })

  it('counts characters, not UTF-16 units', () => {
    expect(maskSecret('pässwörd🔑🔑')).toBe('…(10 chars)')
  })

  it('never returns any character of the value beyond a vendor prefix (any input)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', ...VENDOR_PREFIXES),
        fc.string({ maxLength: 200 }),
        (p, rest) => {
          const masked = maskSecret(p + rest)
          const m = /^(.*)…\((\d+) chars\)$/su.exec(masked)
          expect(m).not.toBeNull()
          expect(['', ...VENDOR_PREFIXES]).toContain(m?.[1])
          expect(Number(m?.[2])).toBe([...(p + rest)].length)
        }
      )
    )
  })
})

describe('maskSecretsInText', () => {
  it('never shows text past the scanned part, where a token would go unchecked', () => {
    const token = `ghp_${'Zq9Xw2Lk7Rt'.repeat(3)}abcdefg`
    const out = maskSecretsInText(`${'a'.repeat(120_000)} ${token}`)
    expect(out).not.toContain(token)
    expect(out).toMatch(/…\(\d+ more chars not shown\)$/)
    expect(maskSecretsInText('short text')).toBe('short text')
  })

  it('drops the word the cut falls in, and counts what it drops', () => {
    const token = `ghp_${'Zq9Xw2Lk7Rt'.repeat(3)}abcdefg`
    // The token starts 30 characters before the cut: none of it may show.
    const out = maskSecretsInText(`${'x'.repeat(99_969)} ${token}`)
    expect(out).not.toContain('ghp_')
    expect(out).toBe(`${'x'.repeat(99_969)} …(44 more chars not shown)`)
    expect(maskSecretsInText('a '.repeat(60_000))).toBe(
      `${'a '.repeat(50_000)}…(20000 more chars not shown)`
    )
  })

  it('masks tokens, URL passwords and bearer credentials inside free text', () => {
    const token = `ghp_${fake(9, 36)}`
    const password = fake(10, 16)
    const bearer = fake(11, 32)
    const text = `run --token ${token} postgresql://app:${password}@db.example.com/x Bearer ${bearer}`
    const masked = maskSecretsInText(text)
    expect(masked).toContain('ghp_…(40 chars)')
    expect(masked).toContain('postgresql://app:…(16 chars)@db.example.com/x')
    expect(masked).toContain('Bearer …(32 chars)')
    for (const raw of [token, password, bearer]) expect(masked).not.toContain(raw)
  })

  it('leaves ordinary text alone', () => {
    const text = '-v /Users/alice:/data --network host'
    expect(maskSecretsInText(text)).toBe(text)
  })
})

describe('findLiteralSecrets — secret shapes', () => {
  const cases: {
    name: string
    raw: string
    launch: (raw: string) => Partial<RawLaunch>
    field: string
    rule: string | RegExp
    masked: string
    kind?: RegExp
  }[] = [
    {
      name: 'GitHub classic token in env',
      raw: `ghp_${fake(20, 36)}`,
      launch: (raw) => ({ env: { GITHUB_PERSONAL_ACCESS_TOKEN: raw } }),
      field: 'env.GITHUB_PERSONAL_ACCESS_TOKEN',
      rule: '@secretlint/secretlint-rule-github',
      masked: 'ghp_…(40 chars)',
      kind: /GitHub/
    },
    {
      name: 'GitHub fine-grained token in env',
      raw: `github_pat_${fake(21, 22)}_${fake(22, 59)}`,
      launch: (raw) => ({ env: { GH_TOKEN: raw } }),
      field: 'env.GH_TOKEN',
      rule: /github|vendor-token/,
      masked: 'github_pat_…(93 chars)',
      kind: /GitHub/
    },
    {
      name: 'OpenAI key (legacy shape with T3BlbkFJ) in env',
      raw: `sk-${fake(23, 20)}T3BlbkFJ${fake(24, 20)}`,
      launch: (raw) => ({ env: { OPENAI_API_KEY: raw } }),
      field: 'env.OPENAI_API_KEY',
      rule: '@secretlint/secretlint-rule-openai',
      masked: 'sk-…(51 chars)',
      kind: /OpenAI/
    },
    {
      name: 'OpenAI project key in env',
      raw: `sk-proj-${fake(25, 120)}`,
      launch: (raw) => ({ env: { OPENAI_API_KEY: raw } }),
      field: 'env.OPENAI_API_KEY',
      rule: /openai|vendor-token/,
      masked: 'sk-proj-…(128 chars)',
      kind: /OpenAI/
    },
    {
      name: 'Anthropic key in env',
      raw: `sk-ant-api03-${fake(26, 93)}AA`,
      launch: (raw) => ({ env: { ANTHROPIC_API_KEY: raw } }),
      field: 'env.ANTHROPIC_API_KEY',
      rule: '@secretlint/secretlint-rule-anthropic',
      masked: 'sk-ant-…(108 chars)',
      kind: /Anthropic/
    },
    {
      name: 'Slack bot token in env',
      raw: `xoxb-${fake(27, 12, '0123456789')}-${fake(28, 13, '0123456789')}-${fake(29, 24)}`,
      launch: (raw) => ({ env: { SLACK_BOT_TOKEN: raw } }),
      field: 'env.SLACK_BOT_TOKEN',
      rule: /slack|vendor-token/,
      masked: 'xoxb-…(56 chars)',
      kind: /Slack/
    },
    {
      name: 'AWS access key id in env',
      raw: `AKIA${fake(30, 16, UPPER)}`,
      launch: (raw) => ({ env: { AWS_ACCESS_KEY_ID: raw } }),
      field: 'env.AWS_ACCESS_KEY_ID',
      rule: OWN_SECRET_RULE.vendorToken,
      masked: 'AKIA…(20 chars)',
      kind: /AWS access key ID/
    },
    {
      name: 'AWS secret access key in env (key-aware secretlint rule)',
      raw: `${fake(31, 18)}/${fake(32, 21)}`,
      launch: (raw) => ({ env: { AWS_SECRET_ACCESS_KEY: raw } }),
      field: 'env.AWS_SECRET_ACCESS_KEY',
      rule: '@secretlint/secretlint-rule-aws',
      masked: '…(40 chars)',
      kind: /AWS secret access key/
    },
    {
      name: 'Stripe live secret key in env',
      raw: `sk_${'live'}_${fake(33, 24)}`,
      launch: (raw) => ({ env: { STRIPE_SECRET_KEY: raw } }),
      field: 'env.STRIPE_SECRET_KEY',
      rule: OWN_SECRET_RULE.vendorToken,
      masked: 'sk_live_…(32 chars)',
      kind: /Stripe/
    },
    {
      name: 'Google API key in a positional arg',
      raw: `AIza${fake(34, 35)}`,
      launch: (raw) => ({ command: 'npx', args: ['-y', 'google-maps-mcp', raw] }),
      field: 'args.2',
      rule: OWN_SECRET_RULE.vendorToken,
      masked: 'AIza…(39 chars)',
      kind: /Google API key/
    },
    {
      name: 'JWT in an env value',
      raw: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"role":"service_role","iss":"supabase"}').toString('base64url')}.${fake(35, 43)}`,
      launch: (raw) => ({ env: { SUPABASE_SERVICE_ROLE_KEY: raw } }),
      field: 'env.SUPABASE_SERVICE_ROLE_KEY',
      rule: OWN_SECRET_RULE.vendorToken,
      masked: '…(',
      kind: /JSON Web Token/
    },
    {
      name: 'literal Bearer token in an Authorization header',
      raw: fake(36, 40),
      launch: (raw) => ({
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: `Bearer ${raw}` }
      }),
      field: 'headers.Authorization',
      rule: OWN_SECRET_RULE.authorizationHeader,
      masked: '…(40 chars)',
      kind: /Bearer token/
    },
    {
      name: 'Basic credentials in an Authorization header',
      raw: Buffer.from(`alice:${fake(37, 14)}`).toString('base64'),
      launch: (raw) => ({
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: `Basic ${raw}` }
      }),
      field: 'headers.Authorization',
      rule: OWN_SECRET_RULE.authorizationHeader,
      masked: '…(',
      kind: /Basic credentials/
    },
    {
      name: 'API key in an X-Api-Key header',
      raw: fake(38, 32),
      launch: (raw) => ({ url: 'https://mcp.example.com/mcp', headers: { 'X-Api-Key': raw } }),
      field: 'headers.X-Api-Key',
      rule: OWN_SECRET_RULE.secretNamedKey,
      masked: '…(32 chars)'
    },
    {
      name: 'password in the remote URL',
      raw: fake(39, 18),
      launch: (raw) => ({ url: `https://bot:${raw}@mcp.example.com/sse` }),
      field: 'url',
      rule: /basicauth|url-password/,
      masked: '…(18 chars)',
      kind: /password in a URL/
    },
    {
      name: 'api_key query parameter in the remote URL',
      raw: fake(40, 32),
      launch: (raw) => ({ url: `https://server.example.ai/mcp?profile=dev&api_key=${raw}` }),
      field: 'url',
      rule: OWN_SECRET_RULE.urlQuerySecret,
      masked: '…(32 chars)',
      kind: /query parameter/
    },
    {
      name: 'password in a postgresql:// arg',
      raw: fake(41, 16),
      launch: (raw) => ({
        command: 'npx',
        args: [
          '-y',
          '@modelcontextprotocol/server-postgres',
          `postgresql://app:${raw}@db.internal:5432/app`
        ]
      }),
      field: 'args.2',
      rule: /database-connection-string|url-password/,
      masked: '…(16 chars)',
      kind: /password/
    },
    {
      name: 'password in a redis:// arg with an empty user',
      raw: fake(42, 16),
      launch: (raw) => ({
        command: 'redis-mcp-server',
        args: ['--url', `redis://:${raw}@10.0.0.31:6379/0`]
      }),
      field: 'args.1',
      rule: OWN_SECRET_RULE.urlPassword,
      masked: '…(16 chars)'
    },
    {
      name: '--api-key VALUE',
      raw: fake(43, 32, HEX),
      launch: (raw) => ({ command: 'npx', args: ['-y', 'some-mcp', '--api-key', raw] }),
      field: 'args.3',
      rule: OWN_SECRET_RULE.secretFlag,
      masked: '…(32 chars)',
      kind: /command-line flag/
    },
    {
      name: '--token=VALUE',
      raw: fake(44, 32),
      launch: (raw) => ({ command: 'npx', args: ['-y', 'some-mcp', `--token=${raw}`] }),
      field: 'args.2',
      rule: OWN_SECRET_RULE.secretFlag,
      masked: '…(32 chars)'
    },
    {
      name: '--password VALUE (short password)',
      raw: 'Sugar005@',
      launch: (raw) => ({ command: 'mysql-mcp', args: ['--user', 'root', '--password', raw] }),
      field: 'args.3',
      rule: OWN_SECRET_RULE.secretFlag,
      masked: '…(9 chars)',
      kind: /password/
    },
    {
      name: 'API_KEY="…" positional arg',
      raw: fake(45, 64, HEX),
      launch: (raw) => ({
        command: 'npx',
        args: ['-y', '@21st-dev/magic@latest', `API_KEY="${raw}"`]
      }),
      field: 'args.2',
      rule: OWN_SECRET_RULE.secretAssignment,
      masked: '…(64 chars)'
    },
    {
      name: 'docker -e KEY=VALUE',
      raw: fake(46, 40),
      launch: (raw) => ({
        command: 'docker',
        args: ['run', '-i', '--rm', '-e', `BRAVE_API_KEY=${raw}`, 'mcp/brave-search']
      }),
      field: 'args.4',
      rule: OWN_SECRET_RULE.secretAssignment,
      masked: '…(40 chars)'
    },
    {
      name: 'password inside a JSON arg',
      raw: 'Wq7#pLz2!v',
      launch: (raw) => ({
        command: 'npx',
        args: [
          '-y',
          '@smithery/cli@latest',
          'run',
          'mysql',
          '--config',
          JSON.stringify({ mysqlHost: '10.1.2.3', mysqlUser: 'root', mysqlPassword: raw })
        ]
      }),
      field: 'args.5',
      rule: OWN_SECRET_RULE.jsonSecret,
      masked: '…(10 chars)',
      kind: /JSON/
    },
    {
      name: 'Password= in a connection-string env value',
      raw: fake(47, 14),
      launch: (raw) => ({
        command: 'python',
        args: ['-m', 'mcp_sqlserver'],
        env: {
          SQL_CONNECTION_STRING: `Server=db.internal;Database=app;User Id=sa;Password=${raw};`
        }
      }),
      field: 'env.SQL_CONNECTION_STRING',
      rule: OWN_SECRET_RULE.connectionStringPassword,
      masked: '…(14 chars)'
    },
    {
      name: 'token inside bash -c "…"',
      raw: fake(48, 36),
      launch: (raw) => ({ command: 'bash', args: ['-c', `npx -y some-mcp --access-token ${raw}`] }),
      field: 'args.1',
      rule: OWN_SECRET_RULE.secretFlag,
      masked: '…(36 chars)'
    },
    {
      name: 'whole command line written into command',
      raw: fake(49, 36),
      launch: (raw) => ({ command: `npx -y some-mcp --api-key ${raw}` }),
      field: 'command',
      rule: OWN_SECRET_RULE.secretFlag,
      masked: '…(36 chars)'
    },
    {
      name: 'mcp-remote --header "Authorization: Bearer …"',
      raw: fake(50, 40),
      launch: (raw) => ({
        command: 'npx',
        args: [
          '-y',
          'mcp-remote',
          'https://mcp.example.com/sse',
          '--header',
          `Authorization: Bearer ${raw}`
        ]
      }),
      field: 'args.4',
      rule: OWN_SECRET_RULE.authorizationHeader,
      masked: '…(40 chars)'
    },
    {
      name: 'generic token under a *_TOKEN key',
      raw: fake(51, 76),
      launch: (raw) => ({
        command: 'npx',
        args: ['-y', '@delorenj/mcp-server-trello'],
        env: { TRELLO_TOKEN: raw }
      }),
      field: 'env.TRELLO_TOKEN',
      rule: OWN_SECRET_RULE.secretNamedKey,
      masked: '…(76 chars)'
    },
    {
      name: 'UUID-shaped API key under *_API_KEY',
      raw: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      launch: (raw) => ({
        command: 'npx',
        args: ['-y', 'exa-mcp-server'],
        env: { EXA_API_KEY: raw }
      }),
      field: 'env.EXA_API_KEY',
      rule: OWN_SECRET_RULE.secretNamedKey,
      masked: '…(36 chars)'
    },
    {
      name: '*_PAT key',
      raw: fake(52, 30),
      launch: (raw) => ({
        command: 'npx',
        args: ['-y', 'azure-devops-mcp'],
        env: { AZURE_DEVOPS_PAT: raw }
      }),
      field: 'env.AZURE_DEVOPS_PAT',
      rule: OWN_SECRET_RULE.secretNamedKey,
      masked: '…(30 chars)'
    },
    {
      name: 'bare PASSWORD key',
      raw: 'hunter2!x',
      launch: (raw) => ({ command: 'db-mcp', env: { PASSWORD: raw } }),
      field: 'env.PASSWORD',
      rule: OWN_SECRET_RULE.secretNamedKey,
      masked: '…(9 chars)',
      kind: /password/
    },
    {
      name: 'GitLab token in env',
      raw: `glpat-${fake(53, 20)}`,
      launch: (raw) => ({ env: { GITLAB_PERSONAL_ACCESS_TOKEN: raw } }),
      field: 'env.GITLAB_PERSONAL_ACCESS_TOKEN',
      rule: OWN_SECRET_RULE.vendorToken,
      masked: 'glpat-…(26 chars)',
      kind: /GitLab/
    }
  ]

  it.each(cases)('$name', async ({ raw, launch, field, rule, masked, kind }) => {
    const found = await findLiteralSecrets(entry(launch(raw)))
    expect(found).toHaveLength(1)
    const [secret] = found
    expect(secret?.field).toBe(field)
    if (typeof rule === 'string') expect(secret?.rule).toBe(rule)
    else expect(secret?.rule).toMatch(rule)
    expect(secret?.masked.startsWith(masked)).toBe(true)
    expect(secret?.masked).toMatch(/…\(\d+ chars\)$/)
    if (kind) expect(secret?.kind).toMatch(kind)
    expectNoLeak(found, raw)
  })

  it('reports each secret of an entry once, in field order', async () => {
    const token = `ghp_${fake(60, 36)}`
    const key = fake(61, 32)
    const found = await findLiteralSecrets(
      entry({
        command: 'npx',
        args: ['-y', 'some-mcp', '--api-key', key],
        env: { GITHUB_TOKEN: token, AUTH_HEADER: `Bearer ${token}` }
      })
    )
    expect(found.map((s) => s.field)).toEqual(['args.3', 'env.GITHUB_TOKEN', 'env.AUTH_HEADER'])
    expectNoLeak(found, token)
    expectNoLeak(found, key)
  })

  it('attaches the field location when the parser knows it', async () => {
    const found = await findLiteralSecrets(
      entry(
        { env: { GITHUB_TOKEN: `ghp_${fake(62, 36)}` } },
        { fieldLocations: { 'env.GITHUB_TOKEN': { line: 9, column: 11 } } }
      )
    )
    expect(found[0]?.location).toEqual({ line: 9, column: 11 })
  })

  it('leaves location out when the field has none', async () => {
    const found = await findLiteralSecrets(entry({ env: { GITHUB_TOKEN: `ghp_${fake(63, 36)}` } }))
    expect(found[0]).not.toHaveProperty('location')
  })
})

describe('findLiteralSecrets — not secrets (SPEC §3, §8)', () => {
  const references: Record<string, string> = {
    GITHUB_TOKEN: '${input:github_token}',
    OPENAI_API_KEY: '${env:OPENAI_API_KEY}',
    ANTHROPIC_API_KEY: '${ANTHROPIC_API_KEY}',
    BRAVE_API_KEY: '${BRAVE_API_KEY:-}',
    SLACK_BOT_TOKEN: '$SLACK_BOT_TOKEN',
    DB_PASSWORD: '%DB_PASSWORD%',
    STRIPE_SECRET_KEY: '${{ secrets.STRIPE_SECRET_KEY }}',
    NOTION_TOKEN: '{{NOTION_TOKEN}}',
    AUTH_HEADER: 'Bearer ${TOKEN}'
  }
  const placeholders: Record<string, string> = {
    API_KEY: 'YOUR_API_KEY',
    GITHUB_TOKEN: 'your-token-here',
    SLACK_TOKEN: '<token>',
    GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_...',
    OPENAI_API_KEY: 'sk-...',
    SECRET_KEY: 'xxxxxxxxxxxxxxxx',
    CLIENT_SECRET: '***',
    GH_TOKEN: `ghp_${'0'.repeat(36)}`,
    DB_PASSWORD: 'changeme',
    NOTION_API_KEY: 'REDACTED',
    KALI_API_KEY: '[REDACTED_API_KEY]',
    TAVILY_API_KEY: '{secret}',
    LINEAR_API_KEY: 'TODO',
    EMPTY_TOKEN: '',
    GEMINI_API_KEY: 'your_gemini_api_key_here',
    HUBSPOT_API_KEY: 'VOTRE_CLE_API_HUBSPOT',
    KLING_SECRET_KEY: 'YOUR_KLING_SECRET_KEY_HERE',
    SLACK_BOT_TOKEN: 'xoxb-your-slack-bot-token',
    GITHUB_PAT: 'ghp_your_github_personal_access_token',
    OPENAI_KEY: `sk-${'x'.repeat(40)}`,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    GITHUB_TOKEN_2: 'optional',
    MYSQL_PASS: 'test',
    POSTGRES_PASSWORD: 'postgres',
    PASSWORD: 'password',
    SONARQUBE_TOKEN: 'your_sonarqube_token',
    MY_TOKEN: 'GITHUB_TOKEN',
    API_TOKEN: 'paste-token-here'
  }
  const identifiers: Record<string, string> = {
    AZURE_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    AZURE_CLIENT_ID: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    AZURE_SUBSCRIPTION_ID: '0b1f6471-1bf0-4dda-aec3-cb9272f09590',
    GOOGLE_CLOUD_PROJECT: 'my-project-123456',
    GITHUB_ORG: 'acme-corp',
    OPENAI_ORG_ID: 'org-4Xy7Zq2Lm9NbVc3R',
    TRELLO_BOARD_ID: '02oByInX',
    PORT: '8080',
    MYSQL_PORT: '3306',
    ALLOWED_PATH: '/Users/alice/projects',
    DATA_DIR: 'C:\\Users\\bob\\data',
    GOOGLE_APPLICATION_CREDENTIALS: '/secrets/service-account.json',
    API_KEY_FILE: '/run/secrets/api_key',
    MYSQL_HOST: '192.168.1.31',
    SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
    TOKEN_URL: 'https://auth.example.com/oauth/token',
    ENABLE_CANVAS_SYNC: 'true',
    READ_ONLY: 'false',
    MAX_TOKENS: '4096',
    DEFAULT_MINIMUM_TOKENS: '',
    OPENAI_MODEL: 'gpt-4o-mini',
    CLAUDE_MODEL: 'claude-3-5-sonnet-20241022',
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: 'debug',
    TOKEN_STORAGE: 'keychain',
    API_KEY_HEADER: 'X-Api-Key',
    NODE_OPTIONS: '--max-old-space-size=4096',
    SUPABASE_ANON_KEY: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from('{"iss":"supabase","ref":"abcdefghijklmnop","role":"anon"}').toString('base64url')}.${fake(70, 43)}`,
    STRIPE_PUBLISHABLE_KEY: `pk_live_${fake(71, 24)}`,
    PWD: '/home/alice/project',
    USER_EMAIL: 'alice@example.com',
    SERVER_VERSION: '1.4.2'
  }

  it.each(Object.entries(references))('reference %s=%s', async (key, value) => {
    expect(await findLiteralSecrets(entry({ env: { [key]: value } }))).toEqual([])
  })

  it.each(Object.entries(placeholders))('placeholder %s=%s', async (key, value) => {
    expect(await findLiteralSecrets(entry({ env: { [key]: value } }))).toEqual([])
  })

  it.each(Object.entries(identifiers))('identifier %s=%s', async (key, value) => {
    expect(await findLiteralSecrets(entry({ env: { [key]: value } }))).toEqual([])
  })

  it('does not report references, placeholders or settings in args, headers and URLs', async () => {
    const found = await findLiteralSecrets(
      entry({
        command: 'npx',
        args: [
          '-y',
          'mcp-remote',
          'https://mcp.example.com/sse',
          '--header',
          'Authorization: Bearer ${AUTH_TOKEN}',
          '--header',
          'Content-Type: application/json',
          '--api-key',
          '${input:api_key}',
          '--token=<your-token>',
          '--figma-api-key=<figma-api-key>',
          '--project-ref=taziwfxkhwzhlddpvuzn',
          '--port',
          '3000',
          '--log-level',
          'INFO',
          'postgresql://postgres:${DB_PASSWORD}@localhost:5432/app',
          'postgresql://postgres:postgres@localhost:5432/app',
          'API_KEY=${API_KEY}',
          'C:\\Users\\alice\\Desktop',
          '{"apiKey": "YOUR_API_KEY", "region": "eu-west-1"}'
        ],
        url: 'https://mcp.example.com/mcp?api_key=${API_KEY}&region=eu',
        headers: { Authorization: 'Bearer <token>', 'X-Api-Key': '${input:key}' }
      })
    )
    expect(found).toEqual([])
  })

  it('does not report a connection string whose password is a placeholder', async () => {
    const value =
      'Driver={ODBC Driver 17 for SQL Server};Server=localhost;Database=TestDB;UID=sa;PWD=YourPassword'
    const found = await findLiteralSecrets(
      entry({
        command: 'python',
        args: ['--connection-string', value],
        env: { SQL_CONNECTION_STRING: value }
      })
    )
    expect(found).toEqual([])
  })

  it('agrees with isPlaceholder on the documented placeholder values', () => {
    for (const value of Object.values(placeholders)) expect(isPlaceholder(value)).toBe(true)
    expect(isPlaceholder(`ghp_${fake(72, 36)}`)).toBe(false)
  })
})

describe('findLiteralSecrets — hostile input', () => {
  it('is not silenced by a secretlint-disable directive written into a value', async () => {
    const token = `ghp_${fake(80, 36)}`
    const found = await findLiteralSecrets(
      entry({ args: ['# secretlint-disable'], env: { GITHUB_TOKEN: token } })
    )
    expect(found.map((s) => s.field)).toEqual(['env.GITHUB_TOKEN'])
  })

  it('survives huge values, deep JSON and broken quoting quickly', async () => {
    const started = Date.now()
    const found = await findLiteralSecrets(
      entry({
        command: `bash -c "unterminated '${'a'.repeat(1000)}`,
        args: [
          'x'.repeat(2_000_000),
          '['.repeat(50_000),
          '{"password": ',
          `${'{"a":'.repeat(5000)}"b"${'}'.repeat(5000)}`,
          `--token ${'-'.repeat(100_000)}`
        ],
        env: { BIG: 'A1'.repeat(500_000) },
        url: `http://${'a:'.repeat(10_000)}@x`
      })
    )
    expect(Array.isArray(found)).toBe(true)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('finds a secret sitting after a long value (within the scanned length)', async () => {
    const token = `ghp_${fake(81, 36)}`
    const found = await findLiteralSecrets(entry({ args: [`${'x '.repeat(10_000)}${token}`] }))
    expect(found.map((s) => s.masked)).toEqual(['ghp_…(40 chars)'])
  })
})

describe('SECRET_DETECTION_RULES', () => {
  it('documents every own rule id exactly once', () => {
    const ids = SECRET_DETECTION_RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of Object.values(OWN_SECRET_RULE)) expect(ids).toContain(id)
  })
})
