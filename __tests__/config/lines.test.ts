import { describe, expect, it } from '@jest/globals'
import { LineIndex } from '../../src/config/lines.js'

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and columns across \\n, \\r\\n and lone \\r', () => {
    const text = 'ab\ncd\r\nef\rgh'
    const index = new LineIndex(text)
    expect(index.lineCount).toBe(4)
    expect(index.locate(0)).toEqual({ line: 1, column: 1 })
    expect(index.locate(2)).toEqual({ line: 1, column: 3 })
    expect(index.locate(text.indexOf('c'))).toEqual({ line: 2, column: 1 })
    expect(index.locate(text.indexOf('\r\n'))).toEqual({ line: 2, column: 3 })
    expect(index.locate(text.indexOf('e'))).toEqual({ line: 3, column: 1 })
    expect(index.locate(text.indexOf('h'))).toEqual({ line: 4, column: 2 })
  })

  it('clamps offsets outside the text', () => {
    const index = new LineIndex('ab\ncd')
    expect(index.locate(-5)).toEqual({ line: 1, column: 1 })
    expect(index.locate(99)).toEqual({ line: 2, column: 3 })
    expect(new LineIndex('').locate(0)).toEqual({ line: 1, column: 1 })
  })
})
