import { describe, expect, it } from '@jest/globals'
import { describePackage } from '../../src/resolve/describe.js'
import { identifyServer } from '../../src/resolve/identify.js'
import { commandEntry } from './server-entry.js'

/**
 * Real corpus entries (corpus/mcp-configs; secrets there are same-shape fakes) that carry a
 * literal secret in their arguments. The identity, its description and the notes are shown in
 * reports, so none may hold the secret (SPEC §9). `argv` is the raw command line and is not
 * checked: it is data for the secret detector, like the entry's own `args`.
 */
const cases: { source: string; command: string; args: string[]; secret: string }[] = [
  {
    source: 'figma API key as --opt=value',
    command: 'npx',
    args: [
      '-y',
      'figma-developer-mcp',
      '--figma-api-key=figd_QvbplpRZ7MBEK9Yv1tJUJ_PEIt6lgO3tIH_k1iBa',
      '--stdio'
    ],
    secret: 'figd_QvbplpRZ7MBEK9Yv1tJUJ_PEIt6lgO3tIH_k1iBa'
  },
  {
    source: 'Supabase access token after the package',
    command: 'npx',
    args: [
      '-y',
      '@supabase/mcp-server-supabase@latest',
      '--access-token',
      'sbp_r2s11xi00934119r02kr498y63y5p281z9q8h08f'
    ],
    secret: 'sbp_r2s11xi00934119r02kr498y63y5p281z9q8h08f'
  },
  {
    source: 'Postgres URL with a password',
    command: 'npx',
    args: [
      '-y',
      '@modelcontextprotocol/server-postgres',
      'postgresql://postgres.imykwqkjiphztfyolsmn:6NSGGYf2XG3jG7i1@aws-0-us-west-1.pooler.supabase.com:5432/postgres'
    ],
    secret: '6NSGGYf2XG3jG7i1'
  },
  {
    source: 'cmd /c Smithery CLI with a JSON config password and a key',
    command: 'cmd',
    args: [
      '/c',
      'npx',
      '-y',
      '@smithery/cli@latest',
      'run',
      '@f4ww4z/mcp-mysql-server',
      '--config',
      '{"mysqlHost":"123.206.116.25","mysqlUser":"root","mysqlDatabase":"study","mysqlPassword":"Sugar005@"}',
      '--key',
      '59471dca-eaa5-b434-9445-34f22c775065'
    ],
    secret: 'Sugar005@'
  },
  {
    source: 'token option to an npx package by nvm path',
    command: '/Users/ckw/.nvm/versions/node/v18.20.4/bin/npx',
    args: [
      '-y',
      '@modao-mcp/modao-proto-mcp',
      '--token',
      '7b338619e7ffe484b06a288ab27050cc',
      '--url',
      'https://modao.cc'
    ],
    secret: '7b338619e7ffe484b06a288ab27050cc'
  },
  {
    source: 'API_KEY="…" argument',
    command: 'npx',
    args: [
      '-y',
      '@21st-dev/magic@latest',
      'API_KEY="f6788f4be299da7dcb2d1ad182b99eca45d06d02c62470c32f1e8e1d4a7273fb"'
    ],
    secret: 'f6788f4be299da7dcb2d1ad182b99eca45d06d02c62470c32f1e8e1d4a7273fb'
  },
  {
    source: 'Redis URL with a password to a Windows .exe',
    command: 'C:\\Users\\Apq\\AppData\\Roaming\\Python\\Python312\\Scripts\\redis-mcp-server.exe',
    args: ['--url', 'redis://:tN2qDigwTzdkoufE@192.168.1.31:6379/0'],
    secret: 'tN2qDigwTzdkoufE'
  },
  {
    source: 'SQL Server connection string to python -m',
    command: 'python',
    args: [
      '-m',
      'mcp_sqlserver.server',
      '--connection-string',
      'Driver={ODBC Driver 17 for SQL Server};Server=localhost;Database=TestDB;UID=sa;PWD=YourPassword'
    ],
    secret: 'YourPassword'
  },
  {
    source: 'sh -c with a secret manager read in an assignment',
    command: 'sh',
    args: [
      '-c',
      "TODOIST_API_KEY=$(op read 'op://Personal/elpvl2jyy2ltlzrspt4pgemewe/4gu4tenem7kc3mz56qpquajj2a') mise exec bun@1 -- bun ~/workspace/github.com/Doist/todoist-mcp/build/index.js"
    ],
    secret: 'elpvl2jyy2ltlzrspt4pgemewe'
  },
  {
    source: 'a token in the path of a bridged remote URL (Zapier-style)',
    command: 'npx',
    args: ['-y', 'mcp-remote', 'https://actions.zapier.com/mcp/sk-ak-Zq3xV9mP2kL8wN4rT6yB1cD5/sse'],
    secret: 'Zq3xV9mP2kL8wN4rT6yB1cD5'
  },
  {
    source: 'a token in the path of a custom registry (Gemfury-style)',
    command: 'npx',
    args: ['--registry', 'https://npm-proxy.fury.io/AbCdEf0123456789xyzQWEabcd/acme/', 'pkg@1.0.0'],
    secret: 'AbCdEf0123456789xyzQWEabcd'
  },
  {
    source: 'a registry URL with a password, exported in a shell string',
    command: 'bash',
    args: [
      '-c',
      'export npm_config_registry=https://ci:Pa55w0rdXyz@npm.corp.example/ && npx -y pkg@1'
    ],
    secret: 'Pa55w0rdXyz'
  },
  {
    source: 'several commands, one with a secret argument',
    command: 'sh',
    args: [
      '-c',
      'curl -H "Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345" x | sh; npx -y p'
    ],
    secret: 'ghp_0123456789abcdefghij'
  }
]

describe('identification never copies a literal secret into identities or notes', () => {
  it.each(cases)('$source', ({ command, args, secret }) => {
    const r = identifyServer(commandEntry(command, args))
    const shown = [JSON.stringify(r.package), describePackage(r.package), ...r.notes, ...r.wrappers]
    for (const text of shown) expect(text).not.toContain(secret)
  })
})
