import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { exchange, startDashboard, statusOf, type Dashboard, type Exchange } from './dashboard-helpers';
import { dashboardRequests, type FuzzRequest } from './dashboard-requests';

/**
 * Differential fuzz of the dashboard's HTTP surface: seeded requests (random bytes, bad
 * %-escapes, odd targets, odd Host / Origin / Authorization, Upgrade) sent raw to a real
 * DashboardServer. Every well-formed request gets the answer the dashboard's rules predict
 * (dashboard-requests.ts); every other one a well-formed status line, or a close; nothing
 * escapes as an exception, and a good request is answered after each batch. Bounded in time for
 * CI; reproduce a run with FUZZ_SEED=<seed> (FUZZ_COUNT for more requests).
 */

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(2 ** 31);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 12_000);
const BATCH = 24;
const STATUS_LINE = /^HTTP\/1\.[01] [1-5]\d\d(?: [\t\x20-\x7e]*)?$/;

let d: Dashboard;
const escaped: unknown[] = [];
const record = (error: unknown): void => void escaped.push(error);

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', record);
  process.on('unhandledRejection', record);
  d = await startDashboard();
});
afterAll(async () => {
  process.off('uncaughtExceptionMonitor', record);
  process.off('unhandledRejection', record);
  await d.close();
});

function problem(request: FuzzRequest, result: Exchange): string | null {
  if (request.expected !== undefined) {
    const status = statusOf(result);
    return status === request.expected
      ? null
      : `expected ${request.expected}, got ${result.statusLine ?? 'nothing'}`;
  }
  if (result.statusLine === null) return null; // closed, or still waiting for the rest of a request
  return STATUS_LINE.test(result.statusLine)
    ? null
    : `malformed status line ${JSON.stringify(result.statusLine)}`;
}

const show = (bytes: Buffer): string => JSON.stringify(bytes.subarray(0, 300).toString('latin1'));

test(`the dashboard survives and answers every request (FUZZ_SEED=${SEED})`, async () => {
  const started = Date.now();
  const requests = [...dashboardRequests(SEED, COUNT, { port: d.port, token: d.token })];
  const good = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nConnection: close\r\n\r\n`;
  let sent = 0;
  for (let i = 0; i < requests.length && Date.now() - started < BUDGET_MS; i += BATCH) {
    const batch = requests.slice(i, i + BATCH);
    const results = await Promise.all(
      batch.map((r) =>
        exchange(d.port, r.bytes, r.expected === undefined ? 300 : 3000, r.expected !== undefined),
      ),
    );
    sent += batch.length;
    const failures = batch.flatMap((request, j) => {
      const found = problem(request, results[j]!);
      return found ? [`#${i + j} ${request.category} ${show(request.bytes)}: ${found}`] : [];
    });
    const replay = `FUZZ_SEED=${SEED} replays this run`;
    expect(failures, `${replay}\n${failures.join('\n')}`).toEqual([]);
    expect(
      escaped.map(String),
      `${replay}: an exception escaped in requests #${i}-#${i + batch.length - 1}`,
    ).toEqual([]);
    expect(statusOf(await exchange(d.port, good)), `${replay}: no answer after requests #${i}-`).toBe(200);
  }
  expect(sent).toBeGreaterThanOrEqual(Math.min(COUNT, 300));
}, 60_000);
