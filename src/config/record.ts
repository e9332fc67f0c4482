/**
 * Records keyed by untrusted strings (env names, header names, field paths from PR files).
 *
 * They have no prototype and are written with `Object.defineProperty`, so a key such as
 * `__proto__` or `constructor` is stored as plain data: it can neither change the record's
 * prototype nor reach `Object.prototype`.
 */
export function newRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/** Sets `record[key] = value` as an own, enumerable data property, whatever the key. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true
  })
}
