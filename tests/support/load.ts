import { Agent, request } from 'node:http';

/** One client request as the client saw it. */
export interface Sample {
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** 0 when the request failed without a response. */
  status: number;
  /** `backend` from the sample backend's JSON answer. */
  backend?: string;
  error?: string;
}

export interface LoadOptions {
  port: number;
  host?: string;
  path?: string;
  /** Concurrent keep-alive clients, each sending its next GET when the last one ended. */
  clients?: number;
  /** Pause between one client's requests, so the load leaves the machine's two cores some room. */
  gapMs?: number;
  /** A request without a complete answer by then counts as failed. */
  timeoutMs?: number;
}

export interface Load {
  /** Everything so far (the array grows while the load runs). */
  readonly samples: readonly Sample[];
  /** GETs resent once because their reused keep-alive socket was closed before an answer. */
  readonly retriedOnNewSocket: number;
  /** Stops sending and waits for the requests in flight to end; returns every sample. */
  stop(): Promise<Sample[]>;
}

/** One GET over `agent`; never rejects. */
export function getOnce(
  agent: Agent | false,
  port: number,
  path = '/',
  { host = '127.0.0.1', timeoutMs = 15_000 }: { host?: string; timeoutMs?: number } = {},
): Promise<Sample & { body?: Record<string, unknown> }> {
  const start = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (sample: Omit<Sample, 'start' | 'end'> & { body?: Record<string, unknown> }) => {
      if (settled) return;
      settled = true;
      resolve({ start, end: Date.now(), ...sample });
    };
    const req = request({ host, port, path, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => done({ status: 0, error: `response: ${error.message}` }));
      res.on('aborted', () => done({ status: 0, error: 'response aborted' }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const backend = typeof body.backend === 'string' ? body.backend : undefined;
          done({ status, body, ...(backend ? { backend } : {}) });
        } catch {
          done({ status, error: `not JSON: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}` });
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A reused keep-alive socket the server closed as the request went out: marked, so a caller
    // may resend the GET as RFC 9112 §9.3.1 lets a client (and browsers do).
    req.on('error', (error) =>
      done({ status: 0, error: req.reusedSocket ? `reused socket: ${error.message}` : error.message }),
    );
    req.end();
  });
}

/**
 * Steady GET load through keep-alive connections: `clients` loops, each sending its next request
 * as soon as the previous one ended (after `gapMs`). Bounded: it runs until stop().
 */
export function startLoad(options: LoadOptions): Load {
  const { port, host = '127.0.0.1', path = '/', clients = 4, gapMs = 5, timeoutMs = 15_000 } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const samples: Sample[] = [];
  let stopped = false;
  let retriedOnNewSocket = 0;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) {
      let sample = await getOnce(agent, port, path, { host, timeoutMs });
      if (sample.error?.startsWith('reused socket:')) {
        retriedOnNewSocket++;
        sample = await getOnce(agent, port, path, { host, timeoutMs });
      }
      samples.push(sample);
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  });
  return {
    samples,
    get retriedOnNewSocket() {
      return retriedOnNewSocket;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return samples;
    },
  };
}

/** Samples that did not end in a 200 with a backend's JSON answer, for an assertion message. */
export function failures(samples: readonly Sample[]): Sample[] {
  return samples.filter((s) => s.status !== 200 || !s.backend);
}

/** How many samples each backend answered. */
export function countByBackend(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) if (s.backend) counts[s.backend] = (counts[s.backend] ?? 0) + 1;
  return counts;
}
