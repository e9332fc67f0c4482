/**
 * Run an async computation at most once per key and share its promise (SPEC §5: "each
 * package@version is graded once per run"). A rejected computation stays rejected for the run.
 */
export class OncePerKey<V> {
  readonly #pending = new Map<string, Promise<V>>()

  /** The shared result for `key`, computing it with `compute` the first time. */
  get(key: string, compute: () => Promise<V>): Promise<V> {
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = compute()
      this.#pending.set(key, pending)
    }
    return pending
  }

  /** How many distinct keys were computed (for tests and stats). */
  get size(): number {
    return this.#pending.size
  }
}
