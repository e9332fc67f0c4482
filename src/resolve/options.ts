/**
 * Command-line option scanning shared by the launch idioms (SPEC §4: "skip option values"), in
 * the getopt/pflag style the launchers use: `--name value`, `--name=value`, `-n value`, `-nvalue`,
 * clustered short flags (`-it`, `-ie VAR`), `--` ending the options, and option parsing stopping
 * at the first positional argument (everything after it belongs to the launched program).
 */

/** Which options of one launcher take a value, and which end option parsing. */
export interface OptionGrammar {
  /** Options that take a value (`--registry`, `-p`, `-e`, …), spelled with their dashes. */
  valueFlags: ReadonlySet<string>
  /** Long options that take a value, by pattern (npm `--@scope:registry`). */
  valueFlagPattern?: RegExp
  /**
   * Options after which (and after their value, if they take one) everything is positional:
   * `python -m mod …`, `node -e code …`, `wsl --exec cmd …`.
   */
  terminalFlags?: ReadonlySet<string>
  /** Single-dash options are whole words (`-tags x`, Go style), never clusters of letters. */
  singleDashWords?: boolean
}

/** One option as found: `flag` with its dashes (`-p`, `--package`), `value` when it took one. */
export interface ScannedOption {
  flag: string
  value?: string
}

/** The outcome of scanning: the options in order, then the positional arguments. */
export interface ScannedArgs {
  options: ScannedOption[]
  /** The first positional argument and everything after it (or everything after `--`). */
  positional: string[]
  /** True when the options were ended by a `--` argument. */
  doubleDash: boolean
  /** The option that ended scanning (a terminal flag), if any. */
  terminal?: ScannedOption
}

/**
 * Scan `args` with `grammar` (see the module doc). A value option at the very end with no value
 * gets `value: undefined`. Pure, never throws.
 */
export function scanOptions(args: readonly string[], grammar: OptionGrammar): ScannedArgs {
  const options: ScannedOption[] = []
  const terminalFlags = grammar.terminalFlags ?? new Set<string>()
  let i = 0
  const finish = (option: ScannedOption): ScannedArgs => {
    options.push(option)
    return { options, positional: args.slice(i), doubleDash: false, terminal: option }
  }
  while (i < args.length) {
    const arg = args[i]!
    if (arg === '--') {
      return { options, positional: args.slice(i + 1), doubleDash: true }
    }
    if (!arg.startsWith('-') || arg === '-') break
    i += 1
    if (arg.startsWith('--') || grammar.singleDashWords) {
      const eq = arg.indexOf('=')
      const flag = eq === -1 ? arg : arg.slice(0, eq)
      let option: ScannedOption
      if (eq !== -1) option = { flag, value: arg.slice(eq + 1) }
      else if (grammar.valueFlags.has(flag) || grammar.valueFlagPattern?.test(flag)) {
        option = { flag, value: args[i++] }
      } else option = { flag }
      if (terminalFlags.has(flag)) return finish(option)
      options.push(option)
      continue
    }
    // Short flags, possibly clustered: `-it`, `-ie`, `-pvalue`, `-e=VALUE`.
    let terminal: ScannedOption | undefined
    for (let c = 1; c < arg.length; c += 1) {
      const flag = `-${arg[c]}`
      if (grammar.valueFlags.has(flag)) {
        let rest = arg.slice(c + 1)
        if (rest.startsWith('=')) rest = rest.slice(1)
        const option: ScannedOption = { flag, value: rest !== '' ? rest : args[i++] }
        if (terminalFlags.has(flag)) terminal = option
        else options.push(option)
        break
      }
      if (terminalFlags.has(flag)) {
        terminal = { flag }
        break
      }
      options.push({ flag })
    }
    if (terminal) return finish(terminal)
  }
  return { options, positional: args.slice(i), doubleDash: false }
}

/** The last value given for any of `flags` (`--package` and `-p` are the same option). */
export function optionValue(scanned: ScannedArgs, ...flags: string[]): string | undefined {
  let value: string | undefined
  for (const o of scanned.options)
    if (flags.includes(o.flag) && o.value !== undefined) value = o.value
  return value
}

/** Every value given for any of `flags`, in order (repeatable options such as `--with`). */
export function optionValues(scanned: ScannedArgs, ...flags: string[]): string[] {
  return scanned.options
    .filter((o) => flags.includes(o.flag) && o.value !== undefined)
    .map((o) => o.value!)
}
