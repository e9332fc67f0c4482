/**
 * The machine a benchmark ran on, for its printout and `bench/results.json`: figures are only
 * comparable on the same hardware.
 */
import os from 'node:os'

/** Hardware and runtime of this process. */
export interface Machine {
  /** CPU model as the OS reports it (`os.cpus()[0].model`). */
  cpu: string
  /** Logical cores this process may use (`os.availableParallelism()`). */
  cores: number
  /** Total memory in bytes. */
  memoryBytes: number
  /** `process.version`, e.g. `v20.20.2`. */
  node: string
  /** `os.type() os.release() os.arch()`, e.g. `Linux 6.8.0 x64`. */
  os: string
}

/** Describe this machine (see `Machine`). */
export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`
  }
}

/** `Machine` in one line: `AMD EPYC, 2 cores, 23.4 GiB, Node v20.20.2, Linux 6.8.0 x64`. */
export function machineLine(machine: Machine): string {
  const gib = (machine.memoryBytes / 1024 ** 3).toFixed(1)
  return `${machine.cpu}, ${machine.cores} cores, ${gib} GiB, Node ${machine.node}, ${machine.os}`
}
