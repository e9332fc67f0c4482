/**
 * Test helpers for the Python half of the built-in grader: in-memory packages of Python modules,
 * wheels built with fflate (so tests can write entries a real build tool would refuse), and a
 * shortcut that analyses one module.
 */
import { zipSync, type Zippable } from 'fflate'
import type { PackageFiles } from '../../../../src/grade/builtin/package-files.js'
import {
  analyzePythonPackage,
  type PythonAnalysis
} from '../../../../src/grade/builtin/python/py-analysis.js'

/** A `PackageFiles` holding `files` (path → text), every file kept. */
export function packageOf(files: Record<string, string>): PackageFiles {
  const map = new Map(Object.entries(files).map(([p, t]) => [p, Buffer.from(t, 'utf8')]))
  return {
    files: map,
    entries: [...map].map(([path, data]) => ({ path, size: data.length, kept: true })),
    skipped: [],
    stopped: null,
    unpackedBytes: [...map.values()].reduce((n, b) => n + b.length, 0)
  }
}

/** Analyse one module written at `server/main.py`. */
export function analyse(source: string): Promise<PythonAnalysis> {
  return analyzePythonPackage(packageOf({ 'server/main.py': source }))
}

/** Rule ids of an analysis' findings, sorted. */
export function ruleIds(analysis: PythonAnalysis): string[] {
  return analysis.findings.map((f) => f.ruleId).sort()
}

/** A wheel (ZIP) holding `files`; `mode` sets a Unix mode in the external attributes. */
export function wheelOf(
  files: Array<{ path: string; content: string | Buffer; mode?: number }>
): Buffer {
  const zippable: Zippable = {}
  for (const file of files) {
    const data = typeof file.content === 'string' ? Buffer.from(file.content) : file.content
    zippable[file.path] = [
      new Uint8Array(data),
      file.mode === undefined ? { level: 6 } : { level: 6, os: 3, attrs: (file.mode << 16) >>> 0 }
    ]
  }
  return Buffer.from(zipSync(zippable))
}

/** Core metadata (METADATA / PKG-INFO) of a small MCP server. */
export function coreMetadata(name: string, version: string, extra = ''): string {
  return [
    'Metadata-Version: 2.4',
    `Name: ${name}`,
    `Version: ${version}`,
    'Summary: A demo MCP server',
    'License-Expression: MIT',
    'Requires-Python: >=3.10',
    'Requires-Dist: mcp>=1.9.0',
    'Requires-Dist: httpx>=0.27',
    'Requires-Dist: pytest; extra == "test"',
    'Project-URL: Source, https://github.com/example/demo-mcp',
    'Description-Content-Type: text/markdown',
    extra,
    '',
    '# demo-mcp',
    '',
    'An MCP server that reads weather data for a city.'
  ]
    .filter((l, i, all) => l !== '' || i >= all.length - 4)
    .join('\n')
}
