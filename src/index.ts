/** Action entry point: runs the gate. See main.ts. */
import { run } from './main.js'

await run()
