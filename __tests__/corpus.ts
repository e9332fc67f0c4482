/** Where the vendored corpus of real MCP configs lives (see __tests__/fixtures/corpus/README.md). */
import { fileURLToPath } from 'node:url'

export const CORPUS_DIR = fileURLToPath(new URL('./fixtures/corpus/mcp-configs/', import.meta.url))
