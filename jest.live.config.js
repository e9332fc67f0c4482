// Live checks against the real npm registry. Not part of `npm test`.
import base from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['**/*.live.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000
}
