import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';

/**
 * Ports for test backends. A backend in `refuse` mode keeps its port number but does not listen,
 * and nothing else may start listening there meanwhile. The kernel hands out ephemeral ports
 * (listen(0), connect()) only from ip_local_port_range, so backends take theirs from below it:
 * 20000 up to the start of that range, from a random offset per process, never repeating one
 * within a process until the whole range has been used.
 */
const LOW = 20_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

const size = ephemeralLow() - LOW;
let cursor = size > 1000 ? randomInt(size) : 0;

/** The next candidate port, or 0 (let the kernel choose) when there is no room below the range. */
export function nextBackendPort(): number {
  if (size <= 1000) return 0;
  return LOW + (cursor++ % size);
}
