/** `staticProperties` and `recordedLineOf` on real parser output. */
import { describe, expect, it } from '@jest/globals'
import type { Node, ObjectExpression } from 'estree'
import { walk } from '../../../../src/grade/builtin/source/js-ast.js'
import { parseJavaScript } from '../../../../src/grade/builtin/source/parse-js.js'
import {
  recordedLineOf,
  staticProperties
} from '../../../../src/grade/builtin/tools/estree-nodes.js'

/** The first object literal of `code`. */
function objectOf(code: string): ObjectExpression {
  const parsed = parseJavaScript(code, 'index.js')
  if (!parsed.ok) throw new Error(parsed.message)
  let found: ObjectExpression | undefined
  walk(parsed.program, {
    enter(node) {
      if (found === undefined && node.type === 'ObjectExpression') found = node
    }
  })
  if (found === undefined) throw new Error('no object literal')
  return found
}

describe('staticProperties', () => {
  it('keys identifiers, string, template and number literals; skips what is not static', () => {
    const object = objectOf(
      "const o = { a: 1, 'b c': 2, ['d']: 3, [`e`]: 4, 5: 6, [0x10]: 7, [k]: 8, ...r, m() {}, get g() { return 1 }, a: 9 }"
    )
    const properties = staticProperties(object)
    expect([...properties.keys()]).toEqual(['a', 'b c', 'd', 'e', '5', '16'])
    // A later duplicate key wins, as in JavaScript.
    const a = properties.get('a') as Node
    expect(a.type === 'Literal' && a.value).toBe(9)
  })
})

describe('recordedLineOf', () => {
  it('gives the parser line, and undefined without a location', () => {
    const object = objectOf('\n\nconst o = {}')
    expect(recordedLineOf(object)).toBe(3)
    expect(recordedLineOf({ type: 'ObjectExpression', properties: [] })).toBeUndefined()
  })
})
