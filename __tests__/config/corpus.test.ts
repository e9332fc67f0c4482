import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { readConfig } from '../../src/config/read.js'
import type { ParsedConfig, ServerEntry } from '../../src/config/types.js'
import { CORPUS_DIR, loadCorpus } from '../corpus.js'

/*
 * The real-world corpus (SPEC §3): 176 MCP configs from public repositories, described by
 * MANIFEST.tsv. Its `path` column is the file's path in its repository; it is the logical path
 * given to the parser, so format detection sees `.vscode/mcp.json`, not the flattened file name.
 */
const corpus = CORPUS_DIR
const { files: corpusFiles, manifest: logicalPath } = loadCorpus(corpus)
const files = corpusFiles.map((f) => f.file)

/*
 * Expected outcome per file: the number of server entries, 'no servers' (no server map), or
 * 'error' (invalid JSON). Every value below was checked by reading the file itself (entries
 * counted by hand, comment-like and non-object members excluded), not copied from MANIFEST.tsv,
 * whose `servers=N` notes are a human's hints.
 *
 * The manifest and the files disagree once: 22satnam__travaky__.vscode__mcp.json is noted
 * `servers=1; key=mcp.servers`, but the manifest counted it "by wrapping fragment in {}". The
 * file itself starts with `"mcp": {` and no enclosing brace: it is not valid JSON(C), so a
 * client cannot read it and the gate reports an error at line 1, column 6 (the ':' after the
 * first string, where the document should have ended). We trust the file.
 */
const EXPECTED: ReadonlyArray<readonly [string, number | 'no servers' | 'error']> = [
  ['0-V-linuxdo__Void__.mcp.json', 2],
  ['0-ft__minhome__.cursor__mcp.json', 1],
  ['0000F8__salt-mcp__.mcp.json', 1],
  ['007-alok__mcp-test__.vscode__mcp.json', 1],
  ['00Green27__instapaper-mcp__.vscode__mcp.json', 1],
  ['00MiguelMM__taskflow-project__.cursor__mcp.json', 1], // Cursor file using VS Code's "servers" key
  ['00PrabalK00__Continuum__.mcp.json', 1], // no mcpServers wrapper: top-level (plugin-style) map
  ['012090120901209__ahk-mcp__.mcp.json', 2],
  ['0247473__cursor-supabase-app__.cursor__mcp.json', 1],
  ['04kash__backstage-techdocs-mcp__.vscode__mcp.json', 1],
  ['0FL01__Oxide-Agent__.mcp.json', 2],
  ['0GiS0__github-copilot-and-jenkins__.mcp.json', 1],
  ['0K-cool__athena__.mcp.json', 5],
  ['0Smallcat0__otto__.mcp.json', 1],
  ['0Tarun0709__NEW-TOOLS-MCP-FASTMCP__.vscode__mcp.json', 2],
  ['0be1__rss-mcp__.mcp.json', 1],
  ['0bull__agent-plugin__mcp.json', 1],
  ['0cars0903__harness-engineering__.mcp.json', 1],
  ['0ceanWavves__REDUXsynthed__claude_desktop_config.json', 7],
  ['0dai-dev__docs__.mcp.json', 3],
  ['0h-n0__auto-research__.mcp.json', 3],
  ['0ics-srls__orca__.mcp.json', 2],
  ['0kaman__project-veil__.mcp.json', 1],
  ['0lasvo__godot__.mcp.json', 2],
  ['0neShot101__rbxdev-ls__.vscode__mcp.json', 1],
  ['0nork__0nmcp-website__.mcp.json', 1],
  ['0nouman0__poligap_app__.vscode__mcp.json', 3],
  ['0ri0n1__toolsmith__.mcp.json', 0], // empty mcpServers plus a top-level _comment
  ['0siris__helix-toolkit__.mcp.json', 2],
  ['0ski__mcp-manager__.vscode__mcp.json', 2],
  ['0x-Professor__Twilio-mcp-server__.vscode__mcp.json', 1],
  ['0x000x7f__codex-cli-mcp-bridge__.mcp.json', 1],
  ['0x1D-1983__book-api-mcp-docker-compose-bundle__claude_desktop_config.json', 2],
  ['0x1DOCD00D__AgenticScalaAppTutorial__.mcp.json', 5],
  ['0xAungkon__Epic-Isolator__.vscode__mcp.json', 1],
  ['0xCarbon__qt-mcp__.gemini__settings.json', 1],
  ['0xD3ADBE3F__saas-ticketing__.vscode__mcp.json', 1],
  ['0xDAEF0F__.alex-dotfiles__mcp.json', 2],
  ['0xDracarys__lfs-automated-build__.kiro__settings__mcp.json', 1],
  ['0xMilord__renderiq__.cursor__mcp.json', 1],
  ['0xNordian__deso-mcp__.cursor__mcp.json', 1],
  ['0xOsiris__dots__mcp.json', 3],
  ['0xProject__matcha-mobile-regret-calculator__.cursor__mcp.json', 2],
  ['0xTanzim__nextRush__.vscode__mcp.json', 2],
  ['0xc1x__fudi__.zed__settings.json', 3], // Zed context_servers: 2 command + 1 url
  ['0xjcf__MCP_CodeAnalysis__.cursor__mcp.json', 1],
  ['0xkhdr__laravel-demo__.gemini__settings.json', 1],
  ['0xkohe__freee-hr-mcp__.vscode__mcp.json', 1], // trailing comma after the entry
  ['0xkohe__mcp-gen-uuid__.roo__mcp.json', 1],
  ['0xobelisk__dubhe__.cursor__mcp.json', 'no servers'], // only a top-level "tools" array: no server map
  ['0xteamMuffin__Lethus__.vscode__mcp.json', 1],
  ['0xtsotsi__Conductor.brnd__.cursor__mcp.json', 2],
  ['1000XVentures__Xylar_UI__.cursor__mcp.json', 1],
  ['1000ssam__claude-config__mcp.json', 2],
  ['108yen__task-orchestrator-mcp__.gemini__settings.json', 'no servers'], // Gemini settings without mcpServers
  ['10wook__Boj_coach__claude_desktop_config.json', 1],
  ['1140137093__snake__.cursor__mcp.json', 7],
  ['11philip22__megalib__.cursor__mcp.json', 3],
  ['122sp7__xuanwu-app__.vscode__mcp.json', 8],
  ['123khadi__calculator-new__.vscode__mcp.json', 1],
  ['1270314864__Deep_Learning__.cursor__mcp.json', 2],
  ['128na__scs-mcp-server__.vscode__mcp.json', 1], // trailing comma in args
  ['12Knocksinna__Office365itpros__.vscode__mcp.json', 1],
  ['1600822305__AetherLink__.cursor__mcp.json', 1],
  ['16ze__cms__.cursor__mcp.json', 1],
  ['17-kajal__Demo__.vscode__mcp.json', 4],
  ['18501404120__cursor__.cursor__mcp.json', 2],
  ['1954499140__Verilint__.vscode__mcp.json', 1],
  ['199-biotechnologies__mcp-kling__claude_desktop_config.json', 1],
  ['1AQuantum__websee-mcp-server__.vscode__mcp.json', 1],
  ['1HarjinderSingh__mcp-spring-server-samples__.vscode__mcp.json', 3], // trailing comma after url
  ['1J6K21__TidalHack2025__.kiro__settings__mcp.json', 1], // leading blank line, zero indentation
  ['1ambatman__zds-what-if-simulator__.cursor__mcp.json', 1],
  ['1fish2__sensor-analysis__.vscode__mcp.json', 1],
  ['1inch__1inch-ai__mcp.json', 1],
  ['1jehuang__jcode__.vscode__mcp.json', 10],
  ['1mb4dr__mcp-forti__.vscode__mcp.json', 1],
  ['1natsu172__dotfiles__.gemini__settings.json', 1],
  ['1olegshev__mcp-servers__mcp_config.json', 4],
  ['1sLand99__Mira__claude_desktop_config.json', 1],
  ['1trippycat__courtlistener-mcp__.vscode__mcp.json', 1],
  ['1wang-1__life-manager__.cursor__mcp.json', 1],
  ['2003-p__WebSocket__.vscode__mcp.json', 4],
  ['200607lian-ux__freecad-ai-assistant__.vscode__mcp.json', 2],
  ['2025-IA-x-AI-Hackathon__Hack-Baro__.vscode__mcp.json', 3],
  ['2047789253__copilot-example__.vscode__mcp.json', 2],
  ['213yuka__fabric-ghcp-demo-template__.vscode__mcp.json', 2], // // comment between entries
  ['21saikat__kubernetes-with-amazon-q__mcp.json', 2],
  ['2237748660__.cursor__mcp.json', 2],
  ['22satnam__travaky__.vscode__mcp.json', 'error'], // fragment, invalid JSON (see below)
  ['24taro__cocktail-menu__.vscode__mcp.json', 3], // VS Code file with mcpServers + nested transport objects
  ['26antonioruiz__taskflow-project__.cursor__mcp.json', 1],
  ['26zl__cybersec-toolkit__.gemini__settings.json', 1],
  ['270aldo__ngx.crm__claude_desktop_config.json', 1],
  ['2716399563__gbd-config__.cursor__mcp.json', 1],
  ['27priyanshu__MCP-Server-for-DevOps-on-WSL__claude_desktop_config.json', 2],
  ['2902Duy__product_molding_process__.cursor__mcp.json', 1],
  ['2bytes-org__git-mcp-server__examples__claude_desktop_config.json', 1],
  ['2lab-ai__rubber-duck-mcp__.gemini__settings.json', 1],
  ['3sztof__k8s-virtual-coffee__.kiro__settings__mcp.json', 12],
  ['4lB3RT__mcp-servers__mcp.json', 1],
  ['4regab__agent-rules-mcp__.kiro__settings__mcp.json', 1],
  ['546060179__-jz__.kiro__settings__mcp.json', 1], // nested (empty) powers.mcpServers is not a second map
  ['734ai__NeuroForge__mcp.json', 'no servers'], // a project manifest named mcp.json, not a client config
  ['78__mcp-calculator__mcp_config.json', 4],
  ['7flash__opencode__mcp.json', 1],
  ['8agana__surreal-mind__claude_desktop_config.json', 1],
  ['8b-is__smart-tree__.roo__mcp.json', 1],
  ['ADORSYS-GIS__ai-ops__.zed__settings.json', 0], // leading // comments, empty context_servers
  ['ADORSYS-GIS__cloud-identity-wallet__.roo__mcp.json', 1],
  ['AENDYSTUDIO__normaldance__.roo__mcp.json', 2],
  ['AI-Archive-io__MCP-server__.gemini__settings.json', 1],
  ['AIArmada__filament-cashier__.gemini__settings.json', 2],
  ['AIGeekSquad__AIContext__.roo__mcp.json', 4], // minified single line
  ['AIWander__echo__claude_desktop_config.example.json', 2], // plus 2 string-valued "// …" members, skipped
  ['AMD-AGI__Apex__mcp_config.json', 5],
  ['AReid987__sportsclub-v1.0.0__.roo__mcp.json', 1],
  ['ASU__asu-unity-stack__.kiro__settings__mcp.json', 10],
  ['ATDev-Inc__uemcp__examples__claude_desktop_config.json', 1],
  ['AWS-Samples-GenAI-FSI__call-center-compliance-platform__.kiro__settings__mcp.json', 2],
  ['Abdelghany-Elsiesy__InsightfulPipe-MCP-Antigravity-Setup__mcp_config.json', 1],
  ['Abellache-Rabah__mcp__claude_desktop_config.json', 7],
  ['AbramelinTheClown__astrology_by_coffee_animation__.roo__mcp.json', 1], // one entry that wraps a nested map
  ['AbuMareBear__dotfiles__claude_desktop_config.json', 1],
  ['AccelByte__ags-extend-sdk-mcp-server__claude_desktop_config.json', 1],
  ['Acurioustractor__act-placemat__.kiro__settings__mcp.json', 1],
  ['AdeyinkaOshin__Claude-Config__.mcp.json.example', 1],
  ['AgentMing__ask-llm-mcp__examples__claude_desktop_config.json', 1],
  ['AlbiDR__Clash-Manager__.roo__mcp.json', 3],
  ['AloSantana__Spotify-echo__.github__copilot__mcp.json', 10],
  ['Alzarak__Kali-Linux-MCP__claude_desktop_config.json', 2], // _comment keys inside entries
  ['Amitkumarracha__mcp-multi-tool-agent__claude_desktop_config.json', 3],
  ['Ap6pack__mcp-security-suite__claude_desktop_config.json', 4],
  ['Apq__Apq.Cfg__.roo__mcp.json', 2],
  ['AprEcho__tavern_helper_template__.roo__mcp.json', 1], // minified single line
  ['AqibeShaikh09__MCP_practice__claude_desktop_config.json', 1],
  ['Areso__safe-ssh-mcp__cline_mcp_settings.json', 1],
  ['Ataraksia__TensorRT-LLM__.roo__mcp.json', 3],
  ['Attilio81__MCP-Sql-Server__claude_desktop_config.example.json', 2], // _comment keys inside entries
  ['BASIC-BIT__ScheduleBot__.roo__mcp.json', 1],
  ['Bigred97__rba-mcp__examples__claude_desktop_config.json', 1],
  ['BuddhiLW__dotfiles__.config__Claude__claude_desktop_config.json', 1],
  ['Bzcasper__dev-projects__.roo__mcp.json', 2],
  ['Bzcasper__n8n-mcp-server__.roo__mcp.json', 1],
  ['Ching-Chiang__comsol-mcp__examples__claude_desktop_config.json', 1],
  ['Chisanan232__ai-development-config__.windsurf__mcp_config.json', 13], // 7 command + 6 serverUrl entries
  ['Cobra-de1__ida-pro-mcp__cline_mcp_settings.json', 1],
  ['ColeMurray__aws-athena-mcp__examples__claude_desktop_config.json', 1],
  ['CorporateSmalltalkConsultingLtd__ClaudeSmalltalk__examples__claude_desktop_config.json', 1],
  ['DEOS-Computing__deos-mcpd__examples__claude_desktop_config.json', 2], // "mcpServers_before" is not read
  ['DevinChen2014__douyin-mcp__examples__claude_desktop_config.json', 1],
  ['DidelotK__mcp-hubspot__claude_desktop_config.example.json', 1],
  ['DiversioTeam__gemini-cli-mcp__examples__claude_desktop_config.json', 1],
  ['GNARC0TICS__Degentalk-Preview__cline_mcp_settings.json', 1],
  ['Gabrielmcp78__servers__cline_mcp_settings.json', 2],
  ['Kblack0610__.dotfiles__.codeium__windsurf__mcp_config.json', 6],
  ['KunihiroS__idx_settings_repo__cline_mcp_settings.json', 10],
  ['MaartenSmeets__mcp-server-fetch__cline_mcp_settings.json', 1],
  ['Moeabdelaziz007__Amrikyy-Agent__cline_mcp_settings.json', 2],
  ['Nanaai01__mcp-security-demo__.github__copilot__mcp.json', 1],
  ['PaulJPhilp__EffectPatterns__.windsurf__mcp_config.json', 3],
  ['abderraouf-belalia__ClineConfig__cline_mcp_settings.json', 1],
  ['anthropics__claude-code__cline_mcp_settings.json', 2],
  ['arrow2nd__dotfiles__Library__Application Support__Claude__claude_desktop_config.json', 3],
  ['asmeurer__dotfiles__Library__Application Support__Claude__claude_desktop_config.json', 2],
  ['awslabs__mcp__.amazonq__mcp.json', 1],
  ['canonical__identity-platform-login-ui__.github__copilot__mcp.json', 2],
  ['csantanapr__agentic-experience-for-eks__.amazonq__mcp.json', 10], // 2 entries have an empty command
  ['dbt-labs__dbt-summit-26-mcp-server__.github__copilot__mcp.json', 1],
  ['delorenj__DeLoContainers__.amazonq__mcp.json', 1],
  ['hatayama__uLoopMCP__.codeium__windsurf__mcp_config.json', 1],
  ['microsoft__TypeAgent__.github__copilot__mcp.json', 1],
  ['navikt__helse-speil__.github__copilot__mcp.json', 1],
  ['oryband__dotfiles__.config__Claude__claude_desktop_config.json', 2],
  ['phatblat__dotfiles__.codeium__windsurf__mcp_config.json', 3],
  ['siakhooi__mcp-mariadb__.windsurf__mcp_config.json', 1]
]

function named(config: ParsedConfig, name: string): ServerEntry {
  const found = config.servers.find((s) => s.name === name)
  if (found === undefined) throw new Error(`no server ${name} in ${config.path}`)
  return found
}

async function load(file: string): Promise<ParsedConfig> {
  const logical = logicalPath.get(file)
  if (logical === undefined) throw new Error(`${file} is not in MANIFEST.tsv`)
  return readConfig({ path: logical, absolutePath: path.join(corpus, file) })
}

describe('corpus: every real-world config', () => {
  it('is listed in the manifest (and the manifest lists nothing else)', () => {
    expect(files).toHaveLength(176)
    expect([...logicalPath.keys()].sort()).toEqual(files)
  })

  it('yields servers, "no MCP servers", or an error with line and column — and never throws', async () => {
    for (const file of files) {
      const config = await load(file)
      if (config.error !== null) {
        expect(config.error.line).toBeGreaterThanOrEqual(1)
        expect(config.error.column).toBeGreaterThanOrEqual(1)
        expect(config.error.message).toMatch(/\(line \d+, column \d+\)$/)
        expect(config.servers).toEqual([])
      } else if (config.hasServerMap) {
        for (const entry of config.servers) {
          expect(entry.config).toBe(logicalPath.get(file))
          expect(entry.location.line).toBeGreaterThanOrEqual(1)
          expect(entry.location.column).toBeGreaterThanOrEqual(1)
        }
      } else {
        expect(config.servers).toEqual([])
      }
    }
  })

  it('parses the same from text as from disk', async () => {
    for (const { file, text } of corpusFiles) {
      const fromText = parseConfig(logicalPath.get(file) ?? file, text)
      expect({ file, parsed: fromText }).toEqual({ file, parsed: await load(file) })
    }
  })
})

describe('corpus: server counts checked by hand', () => {
  it('covers every file', () => {
    expect(EXPECTED.map(([file]) => file).sort()).toEqual(files)
  })

  it.each(EXPECTED)('%s → %s', async (file, expected) => {
    const config = await load(file)
    if (expected === 'error') {
      expect(config.error).not.toBeNull()
    } else if (expected === 'no servers') {
      expect(config).toMatchObject({ error: null, hasServerMap: false, servers: [] })
    } else {
      expect(config.error).toBeNull()
      expect(config.hasServerMap).toBe(true)
      expect(config.servers).toHaveLength(expected)
    }
  })
})

describe('corpus: formats from the manifest paths', () => {
  it.each([
    ['0-V-linuxdo__Void__.mcp.json', 'claude-code'],
    ['AdeyinkaOshin__Claude-Config__.mcp.json.example', 'claude-code'],
    ['10wook__Boj_coach__claude_desktop_config.json', 'claude-desktop'],
    ['AIWander__echo__claude_desktop_config.example.json', 'claude-desktop'],
    ['0-ft__minhome__.cursor__mcp.json', 'cursor'],
    ['007-alok__mcp-test__.vscode__mcp.json', 'vscode'],
    ['0xkohe__mcp-gen-uuid__.roo__mcp.json', 'roo'],
    ['Areso__safe-ssh-mcp__cline_mcp_settings.json', 'cline'],
    ['3sztof__k8s-virtual-coffee__.kiro__settings__mcp.json', 'kiro'],
    ['0xCarbon__qt-mcp__.gemini__settings.json', 'gemini'],
    ['PaulJPhilp__EffectPatterns__.windsurf__mcp_config.json', 'windsurf'],
    ['hatayama__uLoopMCP__.codeium__windsurf__mcp_config.json', 'windsurf'],
    ['microsoft__TypeAgent__.github__copilot__mcp.json', 'copilot'],
    ['awslabs__mcp__.amazonq__mcp.json', 'amazonq'],
    ['0xc1x__fudi__.zed__settings.json', 'zed'],
    ['0bull__agent-plugin__mcp.json', 'generic']
  ])('%s → %s', async (file, format) => {
    expect((await load(file)).format).toBe(format)
  })
})

describe('corpus: entries checked by hand (names, key lines and columns)', () => {
  it('0x1DOCD00D .mcp.json: five servers', async () => {
    const config = await load('0x1DOCD00D__AgenticScalaAppTutorial__.mcp.json')
    expect(config.servers.map((s) => [s.name, s.location.line, s.location.column])).toEqual([
      ['postgres', 3, 5],
      ['aws-api', 12, 5],
      ['ecs', 21, 5],
      ['terraform', 30, 5],
      ['github', 35, 5]
    ])
    expect(named(config, 'github').launch).toMatchObject({
      type: 'http',
      url: 'https://api.githubcopilot.com/mcp/'
    })
  })

  it('minified single-line Roo file: columns on line 1', async () => {
    const config = await load('AIGeekSquad__AIContext__.roo__mcp.json')
    expect(config.servers.map((s) => [s.name, s.location.line, s.location.column])).toEqual([
      ['context7', 1, 16],
      ['deepwiki', 1, 192],
      ['wikidata', 1, 358],
      ['sonarqube', 1, 607]
    ])
  })

  it('Kiro file with a leading blank line and zero indentation', async () => {
    const config = await load('1J6K21__TidalHack2025__.kiro__settings__mcp.json')
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['figma', { line: 4, column: 1 }]
    ])
    expect(named(config, 'figma').flags.autoApprove).toEqual([
      'get_figma_data',
      'download_figma_images'
    ])
  })

  it('tab-indented VS Code file with a dangling ${input:…} reference', async () => {
    const config = await load('007-alok__mcp-test__.vscode__mcp.json')
    const github = named(config, 'github')
    expect(github.location).toEqual({ line: 3, column: 3 })
    expect(github.notes).toEqual([
      'References ${input:github_pat} but the file\'s "inputs" declare no input with that id'
    ])
  })

  it('plugin-style .mcp.json with the server map at the top level', async () => {
    const config = await load('00PrabalK00__Continuum__.mcp.json')
    expect(config.servers.map((s) => [s.name, s.location])).toEqual([
      ['continuum', { line: 2, column: 3 }]
    ])
    expect(named(config, 'continuum').launch.args).toEqual([
      'mcp',
      'serve',
      '--project',
      '${CLAUDE_PROJECT_DIR}'
    ])
  })

  it('string-valued "// …" members inside mcpServers are skipped with notes', async () => {
    const config = await load('AIWander__echo__claude_desktop_config.example.json')
    expect(config.servers.map((s) => [s.name, s.location.line])).toEqual([
      ['echo', 8],
      ['echo-arm64', 14]
    ])
    expect(config.notes).toEqual([
      'Skipped "// x64 configuration (most Windows machines)" in "mcpServers": its value is a string, not a server entry',
      'Skipped "// ARM64 configuration (Surface Pro X, Snapdragon laptops, etc.)" in "mcpServers": its value is a string, not a server entry'
    ])
  })

  it('_comment keys and an entry whose name starts with an underscore', async () => {
    const config = await load('Alzarak__Kali-Linux-MCP__claude_desktop_config.json')
    expect(config.servers.map((s) => [s.name, s.location.line])).toEqual([
      ['_option1_docker_gateway', 14],
      ['kali-security', 20]
    ])
  })

  it('only "mcpServers" is read, not "mcpServers_before"', async () => {
    const config = await load('DEOS-Computing__deos-mcpd__examples__claude_desktop_config.json')
    expect(config.servers.map((s) => [s.name, s.location.line, s.launch.command])).toEqual([
      ['filesystem', 17, 'deos-mcpd'],
      ['github', 23, 'deos-mcpd']
    ])
  })

  it('Gemini settings with httpUrl after other settings blocks', async () => {
    const config = await load('1natsu172__dotfiles__.gemini__settings.json')
    const expo = named(config, 'expo')
    expect(expo.location).toEqual({ line: 20, column: 5 })
    expect(expo.launch.url).toBe('https://mcp.expo.dev/mcp')
    expect(expo.fieldLocations.url).toEqual({ line: 21, column: 7 })
  })

  it('Zed context_servers', async () => {
    const config = await load('0xc1x__fudi__.zed__settings.json')
    expect(
      config.servers.map((s) => [s.name, s.location.line, s.launch.command ?? s.launch.url])
    ).toEqual([
      ['github', 3, 'node'],
      ['supabase-db', 9, 'node'],
      ['openaiDeveloperDocs', 15, 'https://developers.openai.com/mcp']
    ])
  })

  it('Windsurf serverUrl entries that are disabled', async () => {
    const config = await load('Chisanan232__ai-development-config__.windsurf__mcp_config.json')
    const jira = named(config, 'jira')
    expect(jira.location).toEqual({ line: 88, column: 5 })
    expect(jira.launch.url).toBe('http://localhost:8100/mcp')
    expect(jira.flags.disabled).toBe(true)
    expect(config.servers.filter((s) => s.flags.disabled)).toHaveLength(6)
  })

  it('Cline entry with url, transportType, disabled and both approval lists', async () => {
    const config = await load('Cobra-de1__ida-pro-mcp__cline_mcp_settings.json')
    const local = named(config, 'local-server')
    expect(local.launch).toMatchObject({ type: 'sse', url: 'http://127.0.0.1:9999/sse' })
    expect(local.flags.disabled).toBe(true)
    // autoApprove and alwaysAllow list the same 22 tools: merged without duplicates
    expect(local.flags.autoApprove).toHaveLength(22)
    expect(local.flags.autoApprove).toContain('rename_function')
  })

  it('launch settings nested in "transport" objects', async () => {
    const vscode = await load('24taro__cocktail-menu__.vscode__mcp.json')
    expect(named(vscode, 'context7').launch).toMatchObject({
      type: 'stdio',
      command: 'context7-mcp',
      env: { CONTEXT7_API_KEY: '${CONTEXT7_API_KEY}' }
    })
    expect(named(vscode, 'context7').flags.disabled).toBe(true)
    const desktop = await load(
      '0x1D-1983__book-api-mcp-docker-compose-bundle__claude_desktop_config.json'
    )
    expect(named(desktop, 'book-api-mcp-server-minikube').launch).toMatchObject({
      type: 'http',
      url: 'https://bookapi-mcp-server.default.svc.cluster.local/'
    })
  })

  it('a Roo entry that wraps a nested server map is kept, with a note', async () => {
    const config = await load('AbramelinTheClown__astrology_by_coffee_animation__.roo__mcp.json')
    const entry = named(config, 'chat.experimental.mcp.servers')
    expect(entry.location).toEqual({ line: 3, column: 3 })
    expect(entry.notes).toEqual([
      'No "command" and no remote URL ("url", "serverUrl" or "httpUrl")',
      'It holds what look like server entries ("Context7", "DuckDuckGo"); Roo Code does not read servers nested there'
    ])
  })

  it('Amazon Q entries with an empty command are kept, with a note', async () => {
    const config = await load('csantanapr__agentic-experience-for-eks__.amazonq__mcp.json')
    const amzn = named(config, 'amzn-mcp')
    expect(amzn.launch.command).toBeUndefined()
    expect(amzn.notes[0]).toBe('"command" is empty')
  })

  it('the fragment file is an error at line 1, column 6', async () => {
    const config = await load('22satnam__travaky__.vscode__mcp.json')
    expect(config.error).toMatchObject({ line: 1, column: 6 })
    expect(config.error?.message).toContain('looks like a fragment')
  })
})
