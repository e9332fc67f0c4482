import { describe, expect, it } from '@jest/globals'
import { MAX_SHOWN_CHARS, shownArgs, shownUrl } from '../../src/change/shown-launch.js'

const SECRET = 'q9Xz2LmP7wRt4KvB8nHs'

describe('shownArgs', () => {
  it('keeps ordinary arguments and quotes those with white space', () => {
    expect(
      shownArgs(['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/My Docs', ''])
    ).toBe('-y @modelcontextprotocol/server-filesystem "/Users/me/My Docs" ""')
    expect(shownArgs([])).toBe('(none)')
  })

  it.each([
    [['--api-key', SECRET], '--api-key …(20 chars)'],
    [[`--api-key=${SECRET}`], '--api-key=…(20 chars)'],
    [['--password', SECRET, '--port', '8080'], '--password …(20 chars) --port 8080'],
    [['-e', `GITHUB_TOKEN=${SECRET}`], '-e GITHUB_TOKEN=…(20 chars)'],
    [['-H', `Authorization: Bearer ${SECRET}`], '-H "Authorization: …(27 chars)"'],
    [['--token', 'ghp_Q7aW3eR5tY8uI1oP4aS6dF9gH2jK5lZ7xC0v'], '--token ghp_…(40 chars)'],
    [[`postgresql://app:${SECRET}@db:5432/app`], 'postgresql://db:5432/app'],
    [['3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e'], '…(32 chars)']
  ])('masks credentials in %j', (args, shown) => {
    expect(shownArgs(args)).toBe(shown)
  })

  it('keeps references and placeholders after credential options', () => {
    expect(shownArgs(['--token', '${input:github_pat}', '--api-key=YOUR_API_KEY'])).toBe(
      '--token ${input:github_pat} --api-key=YOUR_API_KEY'
    )
  })

  it('caps long argument lists', () => {
    const shown = shownArgs(Array.from({ length: 200 }, (_, i) => `--flag-${i}`))
    expect([...shown]).toHaveLength(MAX_SHOWN_CHARS)
    expect(shown.endsWith('…')).toBe(true)
  })
})

describe('shownUrl', () => {
  it('drops user info, query and token segments, marking a removed query', () => {
    expect(
      shownUrl(
        `https://bot:${SECRET}@Hooks.Zapier.com:443/mcp/sk-ak-9f8e7d6c5b4a39281706abcdEFGH/sse?key=${SECRET}`
      )
    ).toBe('https://hooks.zapier.com/mcp/…/sse?…')
  })

  it('keeps a variable reference as written without its query', () => {
    expect(shownUrl(`\${GATEWAY_URL}/mcp?token=${SECRET}`)).toBe('${GATEWAY_URL}/mcp')
  })
})
