import { describe, expect, test } from 'vitest';
import { checkText, ServerFigures } from '../../core/app/server-figures';
import type { AttemptRecord, RequestRecord } from '../../core/balancer/record';

const UPSTREAM = 'backend_pool';

/** An attempt that got a response head (`headerMs`), with its bytes each way. */
function answered(peer: string, status: number, bytesSent = 100, bytesReceived = 300): AttemptRecord {
  return { peer, addr: `${peer}:8000`, status, ms: 2, connectMs: 1, headerMs: 2, bytesSent, bytesReceived };
}

/** An attempt with no response: refused (no connect time) or, connected, reset or timed out. */
function failed(peer: string, status: 502 | 504, connected = false): AttemptRecord {
  return {
    peer,
    addr: `${peer}:8000`,
    status,
    ms: 1,
    ...(connected ? { connectMs: 1 } : {}),
    bytesSent: connected ? 100 : 0,
    bytesReceived: 0,
  };
}

function record(attempts: AttemptRecord[], status = attempts.at(-1)?.status ?? 502): RequestRecord {
  const last = attempts.at(-1);
  return {
    time: Date.now(),
    method: 'GET',
    uri: '/',
    httpVersion: '1.1',
    host: 'localhost',
    clientAddr: '127.0.0.1',
    userAgent: '',
    referer: '',
    upstream: UPSTREAM,
    attempts,
    servedBy: last?.headerMs !== undefined ? last.peer : null,
    status,
    upstreamMs: 2,
    requestMs: 3,
    bytesSent: 300,
    bytesReceived: 0,
  };
}

describe('status classes', () => {
  test('what each server answered, by class; an attempt with no response is an error', () => {
    const figures = new ServerFigures();
    figures.add([
      record([answered('backend1', 200)]),
      record([answered('backend1', 204)]),
      record([answered('backend1', 301)]),
      record([answered('backend1', 404)]),
      record([answered('backend1', 503)]),
      record([answered('backend1', 101)]),
      record([failed('backend2', 502), answered('backend1', 200)]),
      record([failed('backend2', 504, true), answered('backend1', 200)]),
    ]);
    expect(figures.of('backend1').statuses).toEqual({
      '1xx': 1,
      '2xx': 4,
      '3xx': 1,
      '4xx': 1,
      '5xx': 1,
      errors: 0,
    });
    expect(figures.of('backend2').statuses).toEqual({
      '1xx': 0,
      '2xx': 0,
      '3xx': 0,
      '4xx': 0,
      '5xx': 0,
      errors: 2,
    });
  });

  test('a 502 the server itself answered is its 5xx, not an error; HTTP/0.9 (recorded as 9) is a 2xx', () => {
    const figures = new ServerFigures();
    figures.add([
      record([answered('backend1', 502), answered('backend2', 200)]),
      record([answered('backend1', 9)]),
    ]);
    expect(figures.of('backend1').statuses).toMatchObject({ '5xx': 1, '2xx': 1, errors: 0 });
  });

  test('"no live upstreams" counts for no server; a client gone before the answer is no server error', () => {
    const figures = new ServerFigures();
    const noLive: AttemptRecord = { peer: UPSTREAM, addr: UPSTREAM, status: 502, ms: 0 };
    figures.add([
      record([failed('backend1', 502), noLive]),
      record([{ peer: 'backend2', addr: 'backend2:8000', status: 499, ms: 5, connectMs: 1 }], 499),
    ]);
    expect(figures.of(UPSTREAM).statuses.errors).toBe(0);
    expect(figures.of('backend1').statuses.errors).toBe(1);
    expect(figures.of('backend2').statuses).toMatchObject({ errors: 0, '4xx': 0 });
  });
});

describe('bytes, retries and redispatches', () => {
  test('bytes in are what was sent to the server, bytes out what it sent back, over every attempt', () => {
    const figures = new ServerFigures();
    figures.add([
      record([answered('backend1', 200, 120, 500)]),
      record([answered('backend1', 200, 80, 1500)]),
      record([failed('backend2', 504, true), answered('backend1', 200, 100, 0)]),
    ]);
    expect(figures.of('backend1')).toMatchObject({ bytesIn: 300, bytesOut: 2000 });
    expect(figures.of('backend2')).toMatchObject({ bytesIn: 100, bytesOut: 0 });
  });

  test('a failed attempt passed on is a retry of its server; the next server counts a redispatch', () => {
    const figures = new ServerFigures();
    figures.add([
      record([failed('backend2', 502), answered('backend1', 200)]),
      record([failed('backend2', 502), failed('backend3', 502), answered('backend1', 200)]),
      record([answered('backend1', 200)]),
    ]);
    expect(figures.of('backend2')).toMatchObject({ retries: 2, redispatches: 0 });
    expect(figures.of('backend3')).toMatchObject({ retries: 1, redispatches: 1 });
    expect(figures.of('backend1')).toMatchObject({ retries: 0, redispatches: 2 });
  });

  test('a re-created replica starts afresh; a copy handed out does not change with later records', () => {
    const figures = new ServerFigures();
    figures.add([record([answered('backend1', 200)])]);
    const before = figures.of('backend1');
    figures.add([record([answered('backend1', 200)])]);
    expect(before.statuses['2xx']).toBe(1);
    figures.forget('backend1');
    expect(figures.of('backend1').statuses['2xx']).toBe(0);
  });
});

describe('the health check in HAProxy words', () => {
  test.each([
    [{ kind: 'L7OK', status: 200, ms: 2, at: 0 }, 'L7OK 200 in 2 ms'],
    [{ kind: 'L7STS', status: 500, ms: 3.4, at: 0 }, 'L7STS 500 in 3 ms'],
    [{ kind: 'L4CON', reason: 'refused', ms: 1, at: 0 }, 'L4CON refused in 1 ms'],
    [{ kind: 'L4TOUT', ms: 2000, at: 0 }, 'L4TOUT in 2000 ms'],
  ] as const)('%o → %s', (check, text) => {
    expect(checkText(check)).toBe(text);
  });

  test('no health check configured, and none ended yet', () => {
    expect(checkText(undefined)).toBe('no check');
    expect(checkText(null)).toBe('not checked yet');
  });
});
