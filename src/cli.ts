/** The CLI (placeholder until the pipeline lands). */
export async function main(_argv: string[]): Promise<number> {
  await Promise.resolve()
  process.stderr.write('mcp-grade-gate: not built yet\n')
  return 2
}
