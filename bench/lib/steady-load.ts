/**
 * A steady open-loop load in its own process (the repo's generator, see steady-load-child.ts),
 * so the system measured never shares an event loop with it, and the figures of any time window
 * of the run: its samples come every 100 ms with running totals.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { TrafficSample, TrafficSummary } from '../../core/traffic';

const CHILD = resolve(import.meta.dirname, 'steady-load-child.ts');

export interface WindowFigures {
  /** Requests that got a response or an error in the window. */
  completed: number;
  /** Of those: errors, and responses of 500 or more (a 4xx is an answer, not a failure). */
  failed: number;
  /** Requests the generator could not send in time (more than its in-flight limit waiting). */
  dropped: number;
  /** What the failures were: `status 502`, `ECONNRESET`, `timeout`... */
  kinds: Record<string, number>;
}

export interface SteadyLoad {
  readonly samples: TrafficSample[];
  /** Ends the load; the generator's summary of the whole run. */
  stop(): Promise<TrafficSummary>;
  /** The figures between two epoch-millisecond instants (to the enclosing 100 ms samples). */
  between(from: number, to: number): WindowFigures;
}

/** Starts `rate` requests per second to `url`; resolves once the first sample arrived. */
export async function startLoad(url: string, rate: number, timeoutMs: number): Promise<SteadyLoad> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, String(rate), String(timeoutMs)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const samples: TrafficSample[] = [];
  let summary: TrafficSummary | undefined;
  let firstSample: () => void = () => undefined;
  const started = new Promise<void>((r) => (firstSample = r));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { sample?: TrafficSample; summary?: TrafficSummary };
    if (message.sample) {
      samples.push(message.sample);
      firstSample();
    }
    if (message.summary) summary = message.summary;
  });
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await Promise.race([
    started,
    exited.then((code) => {
      throw new Error(`the load generator exited with ${code} before its first sample:\n${stderr}`);
    }),
  ]);

  /** The last sample at or before `t`, or the first at or after it. */
  const at = (t: number, after: boolean): TrafficSample | undefined =>
    after ? samples.find((s) => s.t >= t) : samples.findLast((s) => s.t <= t);

  return {
    samples,
    async stop() {
      child.kill('SIGINT');
      const code = await exited;
      if (!summary) throw new Error(`the load generator exited with ${code} without a summary:\n${stderr}`);
      return summary;
    },
    between(from, to) {
      const first = at(from, false);
      const last = at(to, true) ?? samples.at(-1)!;
      const kinds: Record<string, number> = {};
      for (const s of samples) {
        if (s.t <= (first?.t ?? -Infinity) || s.t > last.t) continue;
        for (const [status, n] of Object.entries(s.statuses))
          if (Number(status) >= 500) kinds[`status ${status}`] = (kinds[`status ${status}`] ?? 0) + n;
        for (const [error, n] of Object.entries(s.errors)) kinds[error] = (kinds[error] ?? 0) + n;
      }
      return {
        completed: last.completed - (first?.completed ?? 0),
        failed: Object.values(kinds).reduce((sum, n) => sum + n, 0),
        dropped: last.dropped - (first?.dropped ?? 0),
        kinds,
      };
    },
  };
}
