import type { SourceLocation } from './types.js'

/**
 * A parsed config document with a position on every value: the common form the JSONC and TOML
 * readers produce and the server-map and entry readers consume (SPEC §3 "keeping the line/column
 * of every server entry").
 *
 * Objects keep their properties as an ordered list, duplicates included, instead of a plain JS
 * object: no key (`__proto__`, `constructor`, …) can reach a prototype, and duplicates stay visible
 * so callers can report them. {@link getProperty} applies JSON.parse's rule (the last one wins).
 */
export type LocatedValue =
  | LocatedObject
  | LocatedArray
  | { kind: 'string'; location: SourceLocation; value: string }
  | { kind: 'number'; location: SourceLocation; value: number }
  | { kind: 'boolean'; location: SourceLocation; value: boolean }
  | { kind: 'null'; location: SourceLocation }

/** An object (JSON object, TOML table or inline table). */
export interface LocatedObject {
  kind: 'object'
  location: SourceLocation
  properties: LocatedProperty[]
}

/** An array; `items` are in document order. */
export interface LocatedArray {
  kind: 'array'
  location: SourceLocation
  items: LocatedValue[]
}

/** One `key: value` member of an object; `location` is where the key is written. */
export interface LocatedProperty {
  key: string
  location: SourceLocation
  value: LocatedValue
}

/** The value kinds, as named in user-facing notes ("a string", "an array", …). */
export type LocatedKind = LocatedValue['kind']

/**
 * The property a JSON.parse of the same text would keep for `key`: the last one written, or
 * `undefined` when the object has none.
 */
export function getProperty(object: LocatedObject, key: string): LocatedProperty | undefined {
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const property = object.properties[i]
    if (property?.key === key) return property
  }
  return undefined
}

/**
 * The object's properties with duplicates removed the way JSON.parse removes them (the last one
 * wins), in the order of the kept occurrences, plus the keys that were written more than once.
 */
export function uniqueProperties(object: LocatedObject): {
  properties: LocatedProperty[]
  duplicates: string[]
} {
  const lastIndex = new Map<string, number>()
  object.properties.forEach((property, index) => lastIndex.set(property.key, index))
  const duplicates = new Set<string>()
  const properties: LocatedProperty[] = []
  object.properties.forEach((property, index) => {
    if (lastIndex.get(property.key) === index) properties.push(property)
    else duplicates.add(property.key)
  })
  return { properties, duplicates: [...duplicates] }
}

/** "a string", "an object", … for messages about a value of this kind. */
export function describeKind(kind: LocatedKind): string {
  switch (kind) {
    case 'object':
      return 'an object'
    case 'array':
      return 'an array'
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    case 'null':
      return 'null'
  }
}
