import { Agent, request } from 'node:http';

export interface TrafficStats {
  sent: number;
  ok: number;
  failed: number;
  /** Responses by the `backend` field of the demo backends' JSON. */
  byBackend: Record<string, number>;
}

export interface Traffic {
  readonly stats: TrafficStats;
  /** Resolves when `count` more responses (ok or not) have come back. */
  waitFor(count: number): Promise<void>;
  stop(): Promise<TrafficStats>;
}

export interface TrafficOptions {
  concurrency?: number;
  path?: string;
  /** Pause per worker between requests (0 = as fast as it goes). */
  delayMs?: number;
  /** Stop after this many requests. */
  limit?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A closed-loop load generator: `concurrency` workers, each sending one request after another. */
export function startTraffic(baseUrl: string, options: TrafficOptions = {}): Traffic {
  const { concurrency = 4, path = '/', delayMs = 0, limit = Infinity } = options;
  const url = new URL(path, baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const stats: TrafficStats = { sent: 0, ok: 0, failed: 0, byBackend: {} };
  const waiters: Array<{ at: number; done: () => void }> = [];
  let running = true;

  const settle = (): void => {
    const done = stats.ok + stats.failed;
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (done >= waiters[i]!.at) waiters.splice(i, 1)[0]!.done();
    }
  };

  const once = (): Promise<void> =>
    new Promise((done) => {
      stats.sent++;
      const req = request(url, { agent, headers: { 'user-agent': 'upstream-lab-e2e' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode === 200) {
            stats.ok++;
            // `"backend":"backend1"` (the demo backends) or `"backend": "backend1"` (Django's JsonResponse).
            const backend = /"backend":\s*"([^"]+)"/.exec(Buffer.concat(chunks).toString())?.[1];
            if (backend) stats.byBackend[backend] = (stats.byBackend[backend] ?? 0) + 1;
          } else stats.failed++;
          settle();
          done();
        });
        res.on('error', () => {
          stats.failed++;
          settle();
          done();
        });
      });
      req.on('error', () => {
        stats.failed++;
        settle();
        // A refused connection returns at once: do not spin.
        void sleep(20).then(done);
      });
      req.end();
    });

  const worker = async (): Promise<void> => {
    while (running && stats.sent < limit) {
      await once();
      if (delayMs) await sleep(delayMs);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);

  return {
    stats,
    waitFor(count) {
      const at = stats.ok + stats.failed + count;
      return new Promise((done) => {
        waiters.push({ at, done });
        settle();
      });
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return { ...stats, byBackend: { ...stats.byBackend } };
    },
  };
}
