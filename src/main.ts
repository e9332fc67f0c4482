/** The GitHub Action entry point (placeholder until the pipeline lands). */
import * as core from '@actions/core'

/** Runs the action. Never throws: failures go to `core.setFailed`. */
export async function run(): Promise<void> {
  await Promise.resolve()
  core.setFailed('mcp-grade-gate: not built yet')
}
