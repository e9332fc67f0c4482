/**
 * A response body for fault tests (not a test file itself): a server that trickles.
 */
import { Readable } from 'node:stream'

/**
 * A body factory (for nock's `reply(status, body)`) whose each body sends one space every
 * `everyMs` ms, `count` times, then ends: a server slow enough to outlast a client's timeout.
 * Its timers are `unref`'d and stop once the stream is destroyed.
 */
export function trickle(count: number, everyMs: number): () => Readable {
  return () => {
    let sent = 0
    const stream: Readable = new Readable({
      read() {
        setTimeout(() => {
          if (stream.destroyed) return
          sent += 1
          stream.push(sent <= count ? ' ' : null)
        }, everyMs).unref()
      }
    })
    return stream
  }
}
