#!/usr/bin/env node
/** The CLI (placeholder until the pipeline lands). */
async function main(_argv) {
    await Promise.resolve();
    process.stderr.write('mcp-grade-gate: not built yet\n');
    return 2;
}

/** CLI entry point: runs the CLI with the process arguments and exits with its code. */
process.exitCode = await main(process.argv.slice(2));
