// The renderer's logic without a browser: stores, the Svelte adapter, the log index.
import { expect, test } from '@playwright/test';
import type { LogLine, RequestSample } from '../../core/api/contract';
import { diffLines, diffStat } from '../../renderer/src/lib/diff';
import { LogRing } from '../../renderer/src/lib/logs/ring';
import { LogIndex, segments, compileSearch, EMPTY_QUERY } from '../../renderer/src/lib/logs/view';
import { toSvelte } from '../../renderer/src/lib/stores/adapter';
import { createLogStore } from '../../renderer/src/lib/stores/logs';
import { formatEnv, parseEnv, parseLines } from '../../renderer/src/lib/settings-text';
import { createMetricsStore } from '../../renderer/src/lib/stores/metrics';
import { createTimelineStore } from '../../renderer/src/lib/stores/timeline';
import { lineLevel } from '../../renderer/src/lib/logs/level';
import { createNoticeStore } from '../../renderer/src/lib/stores/notices';
import { clockSplits } from '../../renderer/src/lib/chart-data';

const line = (seq: number, source: string, text: string): LogLine => ({
  seq,
  time: 1_000_000 + seq,
  source,
  stream: 'stdout',
  text,
});

test('toSvelte emits the current slice first, then only changes', () => {
  const store = createLogStore(10, 0);
  const seen: number[] = [];
  const off = toSvelte(store, (s) => s.received).subscribe((v) => seen.push(v));
  expect(seen).toEqual([0]);
  store.getState().backlog([line(0, 'lab', 'a'), line(1, 'lab', 'b')]);
  store.getState().clear(); // version changes, received does not: no emission
  off();
  store.getState().backlog([line(2, 'lab', 'c')]);
  expect(seen).toEqual([0, 2]);
});

test('the log store keeps the newest lines, skips repeats, and notices a restarted core', () => {
  const store = createLogStore(3, 0);
  store.getState().backlog([0, 1, 2, 3, 4].map((i) => line(i, i % 2 ? 'backend1' : 'access', `l${i}`)));
  let s = store.getState();
  expect([s.ring.size, s.received, s.dropped, s.maxSeq]).toEqual([3, 5, 2, 4]);
  expect(s.ring.get(s.ring.first).text).toBe('l2');
  expect(s.sources).toEqual(['access', 'backend1']);
  store.getState().backlog([line(3, 'access', 'again'), line(5, 'lab', 'l5')]);
  s = store.getState();
  expect([s.received, s.maxSeq]).toEqual([6, 5]);
  expect(s.sources).toEqual(['lab', 'access', 'backend1']);
  // A backlog older than what is held: the core started again, numbering from 0.
  store.getState().backlog([line(0, 'lab', 'fresh')]);
  s = store.getState();
  expect([s.ring.size, s.received, s.maxSeq]).toEqual([1, 1, 0]);
});

test('LogIndex filters by source, finds matches, steps between them and follows the ring', () => {
  const ring = new LogRing(5);
  const index = new LogIndex(ring);
  for (let i = 0; i < 4; i++)
    ring.push(line(i, i % 2 ? 'backend2' : 'access', i === 2 ? 'GET /x 502' : `GET / 200`));
  index.setQuery({ ...EMPTY_QUERY, search: '502' });
  expect(index.rows).toEqual([0, 1, 2, 3]);
  expect(index.matches).toEqual([2]);
  expect(index.step(null, 1)).toBe(2);
  expect(index.rankOf(2)).toBe(1);

  index.setQuery({ ...EMPTY_QUERY, sources: new Set(['access']), search: 'get', onlyMatches: true });
  expect(index.rows).toEqual([0, 2]);
  expect(index.step(0, 1)).toBe(2);
  expect(index.step(2, 1)).toBe(0);
  expect(index.step(0, -1)).toBe(2);

  // Three more lines: two fall off the ring's front, the index trims and appends.
  for (let i = 4; i < 7; i++) ring.push(line(i, 'access', `GET /${i}`));
  expect(index.update()).toBe(true);
  expect(index.rows).toEqual([2, 4, 5, 6]);
  expect(index.trimmed).toBe(1);

  expect(compileSearch({ search: '(', regex: true, caseSensitive: false }).error).toBeTruthy();
  expect(segments('a-b-a', compileSearch({ search: 'A', regex: false, caseSensitive: false }).all)).toEqual([
    { text: 'a', match: true },
    { text: '-b-', match: false },
    { text: 'a', match: true },
  ]);
  // An empty regex match highlights nothing and does not loop.
  expect(segments('abc', compileSearch({ search: 'x*', regex: true, caseSensitive: false }).all)).toEqual([
    { text: 'abc', match: false },
  ]);
});

test('the request-rate series: counted per second from requests, replaced by the core`s metrics', () => {
  const store = createMetricsStore(300);
  const request = (t: number, backend: string | null, status = 200): RequestSample => ({
    t,
    backend,
    status,
    ms: 1,
    tried: backend ? [backend] : [],
  });
  const t0 = 1_700_000_000_000;
  store
    .getState()
    .addRequests([request(t0 + 10, 'backend1'), request(t0 + 20, 'backend2'), request(t0 + 30, null, 502)]);
  store.getState().addRequests([request(t0 + 1010, 'backend1')]);
  store.getState().tick(t0 + 2400);
  let { samples, backends } = store.getState();
  expect(samples.map((s) => s.t)).toEqual([t0]);
  expect(samples[0]).toEqual({
    t: t0,
    perBackend: { backend1: 1, backend2: 1 },
    statuses: { '200': 2, '502': 1 },
    failed: 1,
  });
  expect(backends).toEqual(['backend1', 'backend2']);

  // The core's exact figures for a second win over the counted ones, early or late.
  store
    .getState()
    .addMetrics({ t: t0 + 1000, perBackend: { backend1: 7, backend3: 2 }, statuses: {}, failed: 0 });
  store.getState().addMetrics({ t: t0, perBackend: { backend1: 5 }, statuses: { '200': 5 }, failed: 0 });
  store.getState().tick(t0 + 3000 + 1500);
  ({ samples, backends } = store.getState());
  expect(samples.map((s) => [s.t - t0, s.perBackend])).toEqual([
    [0, { backend1: 5 }],
    [1000, { backend1: 7, backend3: 2 }],
    [2000, {}],
    [3000, {}],
  ]);
  expect(backends).toEqual(['backend1', 'backend2', 'backend3']);
});

test('the Environment field: KEY=VALUE lines, with the line of each mistake', () => {
  const { env, issues } = parseEnv(
    'DEBUG=1\r\n\n# a comment\n  URL=postgres://u:p@db/x?a=b\nnot a pair\n1ST=x\nDEBUG=0\nEMPTY=',
  );
  expect(env).toEqual({ DEBUG: '0', URL: 'postgres://u:p@db/x?a=b', EMPTY: '' });
  expect(issues.map((i) => i.line)).toEqual([5, 6, 7]);
  expect(issues[0]!.message).toBe('not KEY=VALUE');
  expect(issues[1]!.message).toContain('"1ST"');
  expect(issues[2]!.message).toBe('DEBUG is already set on line 1');
  expect(parseEnv(formatEnv({ A: '1', B: 'x=y' }))).toEqual({ env: { A: '1', B: 'x=y' }, issues: [] });
  expect(parseLines(' .env \n\n  ../shared.env')).toEqual([
    { line: 1, value: '.env' },
    { line: 3, value: '../shared.env' },
  ]);
});

test('diffLines tells headers from changed lines by the hunk counts', () => {
  const lines = diffLines(
    '--- a/req.txt\n+++ b/req.txt\n@@ -1,3 +1,2 @@\n-Django==5.2.5\n+Django==4.2.23\n gunicorn\n---x\n\\ No newline at end of file\n',
  );
  expect(lines.map((l) => l.kind)).toEqual(['meta', 'meta', 'hunk', 'del', 'add', 'same', 'del', 'meta']);
  expect(diffStat(lines)).toEqual({ added: 1, removed: 2 });
  expect(diffLines('')).toEqual([]);
});

test('a log line is coloured by what it says, not by its stream (Django logs requests on stderr)', () => {
  const at = (source: string, text: string, stream: 'stdout' | 'stderr' = 'stderr') =>
    lineLevel({ source, stream, text });
  expect(at('backend1', '[03/Dec/2026 12:31:54] "GET / HTTP/1.1" 200 271')).toBe('info');
  expect(at('backend1', '[03/Dec/2026 12:31:54] "GET /nope HTTP/1.1" 404 179')).toBe('warning');
  expect(at('backend1', '[03/Dec/2026 12:31:54] "GET /boom HTTP/1.1" 500 145')).toBe('error');
  expect(at('backend2', 'Watching for file changes with StatReloader')).toBe('info');
  expect(at('backend2', 'Traceback (most recent call last):')).toBe('error');
  expect(at('backend2', '  File "/app/backend/views.py", line 7, in index')).toBe('error');
  expect(at('backend2', 'ZeroDivisionError: division by zero')).toBe('error');
  expect(at('backend3', '[2026-12-03 12:00:00 +0000] [7] [WARNING] Worker timeout')).toBe('warning');
  expect(at('backend3', 'django.db.utils.OperationalError: could not connect', 'stdout')).toBe('error');
  expect(at('error', '2026/12/03 12:00:00 [error] 12#0: *3 connect() failed (111: Connection refused)')).toBe(
    'error',
  );
  expect(at('error', '2026/12/03 12:00:00 [warn] 12#0: *3 an upstream response is buffered')).toBe('warning');
  expect(
    at('access', '127.0.0.1 - - [03/Dec/2026:12:31:54 +0000] "GET / HTTP/1.1" 502 157 "-" "curl"', 'stdout'),
  ).toBe('error');
  // The lab's own stderr is what went wrong.
  expect(at('lab', 'build: failed at step 3/7')).toBe('error');
  expect(at('lab', 'backend1: ready at 127.0.0.1:32768', 'stdout')).toBe('info');
});

test('a flush is merged by time: no inversions, each source in its own order', () => {
  const store = createLogStore(100, 0);
  const timed = (seq: number, source: string, time: number): LogLine => ({
    seq,
    time,
    source,
    stream: 'stdout',
    text: `${source} ${time}`,
  });
  // One flush: a replica's batch (seq 0..2), then the balancer's older lines (seq 3..4).
  store
    .getState()
    .backlog([
      timed(0, 'backend1', 105),
      timed(1, 'backend1', 110),
      timed(2, 'backend1', 110),
      timed(3, 'access', 100),
      timed(4, 'access', 108),
    ]);
  const ring = store.getState().ring;
  const times = Array.from({ length: ring.size }, (_, i) => ring.get(ring.first + i).time);
  expect(times).toEqual([100, 105, 108, 110, 110]);
  // A later flush with an already-seen seq adds nothing.
  store.getState().backlog([timed(2, 'backend1', 110), timed(5, 'lab', 111)]);
  expect(store.getState().received).toBe(6);
});

test('history backfills the timeline and the chart: merged, deduplicated, in time order', () => {
  const timeline = createTimelineStore();
  const live = { t: 3000, backend: 'backend2', kind: 'restored' as const, detail: 'start' };
  timeline.getState().add(live);
  timeline.getState().backfill([
    { t: 1000, backend: 'backend2', kind: 'killed', detail: 'kill requested' },
    { t: 3000, backend: 'backend2', kind: 'restored', detail: 'start' },
  ]);
  expect(timeline.getState().events.map((e) => e.t)).toEqual([1000, 3000]);

  const metrics = createMetricsStore(60);
  const second = (t: number, n: number) => ({ t, perBackend: { backend1: n }, statuses: {}, failed: 0 });
  metrics.getState().backfill([second(1_000_000, 1), second(1_001_000, 2), second(1_002_000, 3)]);
  expect(metrics.getState().samples.map((s) => s.perBackend['backend1'])).toEqual([1, 2, 3]);
  expect(metrics.getState().backends).toEqual(['backend1']);
});

test('one toast per failure: a command’s error and the core’s notice of it are one toast', () => {
  const store = createNoticeStore();
  store.getState().push('error', 'lab.start: Docker is not reachable at /var/run/docker.sock');
  store.getState().push('warning', 'Docker is not reachable at /var/run/docker.sock');
  store.getState().push('error', 'backend.action: backend7 is not in the lab');
  store.getState().push('error', 'backend.action: backend7 is not in the lab');
  expect(store.getState().notices.map((n) => n.message)).toEqual([
    'Docker is not reachable at /var/run/docker.sock',
    'backend.action: backend7 is not in the lab',
  ]);
});

test('the chart’s clock axis: whole steps over the window, also with a single sample', () => {
  const end = 1_796_319_184; // 17:33:04 UTC
  expect(clockSplits(end - 60, end, 7)).toEqual([end - 54, end - 44, end - 34, end - 24, end - 14, end - 4]);
  const hour = clockSplits(end - 3600, end, 6);
  expect(hour.length).toBeLessThanOrEqual(6);
  expect(hour.every((t) => t % 600 === 0)).toBe(true);
  expect(clockSplits(end, end, 6)).toEqual([]);
  expect(clockSplits(NaN, end, 6)).toEqual([]);
});
