/**
 * The tool's name and version, written into every report. A test keeps `TOOL_VERSION` equal to
 * package.json's `version`.
 */
export const TOOL_NAME = 'mcp-grade-gate'
export const TOOL_VERSION = '0.1.0'
