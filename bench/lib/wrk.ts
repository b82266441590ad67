import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value);
  if (!match) throw new Error(`unexpected wrk latency "${value}"`);
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000;
}

/** Runs wrk with --latency and reads req/s, p50, p99 and the error count from its report. */
export async function wrk(
  url: string,
  options: { threads: number; connections: number; seconds: number },
): Promise<WrkResult> {
  const { stdout } = await run('wrk', [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--latency',
    url,
  ]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const p50 = /^\s+50%\s+(\S+)/m.exec(stdout);
  const p99 = /^\s+99%\s+(\S+)/m.exec(stdout);
  if (!rps || !p50 || !p99) throw new Error(`could not read wrk's report:\n${stdout}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const errorCount =
    (errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return { requestsPerSec: Number(rps[1]), p50Ms: toMs(p50[1]!), p99Ms: toMs(p99[1]!), errors: errorCount };
}
