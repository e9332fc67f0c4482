/** CLI entry point: runs the CLI with the process arguments and exits with its code. */
import { main } from './cli.js'

process.exitCode = await main(process.argv.slice(2))
