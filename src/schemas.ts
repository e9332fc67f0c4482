/**
 * The JSON Schemas the project publishes (`mcp-grade-gate schema`, `schemas/` in the package):
 * the grade contract every grader returns, the policy, registry and exceptions files, and the
 * JSON reports.
 */
import { gradeReportJsonSchema } from './grade/report.js'
import { exceptionsJsonSchema } from './policy/exceptions-file.js'
import { registryJsonSchema } from './policy/registry-file.js'
import { policyJsonSchema } from './policy/schema.js'
import { inventoryJsonSchema } from './report/inventory.js'
import { jsonReportSchema } from './report/json.js'

/** Schema name → function building it (JSON Schema draft 2020-12). */
export const SCHEMAS: Readonly<Record<string, () => Record<string, unknown>>> = Object.freeze({
  'grade-report': gradeReportJsonSchema,
  'mcp-policy': policyJsonSchema,
  'mcp-registry': registryJsonSchema,
  'mcp-exceptions': exceptionsJsonSchema,
  'json-report': jsonReportSchema,
  inventory: inventoryJsonSchema
})
