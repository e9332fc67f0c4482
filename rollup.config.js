// Bundles the action (dist/index.js) and the CLI (dist/cli.js), each self-contained.
// See https://rollupjs.org/ and actions/typescript-action.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import nodeResolve from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * WebAssembly the bundle loads at run time, emitted next to it (the runner has no
 * node_modules): the tree-sitter runtime and its Python grammar (`python/py-parse.ts` looks for
 * them beside the bundle first).
 */
const WASM_ASSETS = [
  ['tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'],
  ['tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm']
]

/** A plugin that emits `WASM_ASSETS` byte for byte as files beside the bundle. */
const wasmAssets = () => ({
  name: 'wasm-assets',
  generateBundle() {
    for (const [fileName, id] of WASM_ASSETS) {
      this.emitFile({ type: 'asset', fileName, source: readFileSync(require.resolve(id)) })
    }
  }
})

/** @returns {import('rollup').RollupOptions} */
const bundle = (input, file, banner) => ({
  input,
  output: {
    esModule: true,
    file,
    format: 'es',
    sourcemap: false,
    banner,
    inlineDynamicImports: true
  },
  plugins: [
    typescript({ tsconfig: 'tsconfig.build.json', module: 'NodeNext', noEmitOnError: true }),
    nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
    commonjs(),
    json(),
    wasmAssets()
  ],
  onwarn(warning, warn) {
    // Circular imports and `this` at module level inside dependencies are theirs, not ours.
    if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return
    if (warning.code === 'THIS_IS_UNDEFINED') return
    // Comments that merely mention `@__PURE__` inside dependencies (zod) are not annotations.
    if (warning.code === 'INVALID_ANNOTATION' && /node_modules/.test(warning.id ?? '')) return
    warn(warning)
  }
})

export default [
  bundle('src/index.ts', 'dist/index.js'),
  bundle('src/cli-entry.ts', 'dist/cli.js', '#!/usr/bin/env node')
]
