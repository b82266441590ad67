import { describe, expect, test } from 'vitest';
import { ChunkedDecoder } from '../../core/http1/chunked-decoder';
import { RequestHeadReader, type HeadStep } from '../../core/http1/request-head-reader';
import { malformedRequests, Rng } from '../support/malformed';

/**
 * The readers are incremental: a head or a chunked body fed one byte at a time gets the verdict
 * it gets in one packet (the differential fuzz sends whole packets; real clients do not), and no
 * byte sequence makes them throw.
 */

const OPTIONS = { underscoresInHeaders: false, ignoreInvalidHeaders: true };

/** The verdict on `bytes` fed in pieces of `size` bytes (the whole when size is 0). */
function readHead(bytes: Buffer, size: number): string {
  const reader = new RequestHeadReader(OPTIONS);
  const pieces =
    size === 0
      ? [bytes]
      : Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
          bytes.subarray(i * size, (i + 1) * size),
        );
  let step: HeadStep = { kind: 'more' };
  let rest = Buffer.alloc(0);
  for (let i = 0; i < pieces.length; i++) {
    step = reader.push(pieces[i]!);
    if (step.kind !== 'more') {
      rest = Buffer.concat([step.kind === 'head' ? step.rest : Buffer.alloc(0), ...pieces.slice(i + 1)]);
      break;
    }
  }
  if (step.kind === 'error') return `error ${step.status}`;
  if (step.kind === 'more') return 'more';
  const { head } = step;
  return JSON.stringify([
    head.method,
    head.target,
    head.versionMajor,
    head.versionMinor,
    head.rawHeaders,
    head.length,
    rest.toString('latin1'),
  ]);
}

describe('the request head reader', () => {
  const requests = [...malformedRequests(20261202, 3000)];

  test('one byte at a time, or seven, gives the verdict of one packet (3,000 generated heads)', () => {
    const differing: string[] = [];
    for (const request of requests) {
      const whole = readHead(request.bytes, 0);
      for (const size of [1, 7]) {
        const pieces = readHead(request.bytes, size);
        // A refusal may come earlier in pieces (nginx answers at the bad byte); never another one.
        if (pieces !== whole) differing.push(`${request.category} (${size}): ${whole} vs ${pieces}`);
      }
    }
    expect(differing.slice(0, 8)).toEqual([]);
  });

  test('random bytes never throw, and leading empty lines do not start a request', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const reader = new RequestHeadReader(OPTIONS);
      const bytes = Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)));
      expect(() => reader.push(bytes)).not.toThrow();
    }
    const reader = new RequestHeadReader(OPTIONS);
    expect(reader.push(Buffer.from('\r\n\n\r\n'))).toEqual({ kind: 'more' });
    expect(reader.started).toBe(false);
  });

  test('the head length counts what arrived, bare LF or CRLF', () => {
    const read = (text: string): HeadStep => new RequestHeadReader(OPTIONS).push(Buffer.from(text, 'latin1'));
    const crlf = read('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const lf = read('\r\nGET / HTTP/1.1\nHost: a\n\n');
    expect(crlf.kind === 'head' && crlf.head.length).toBe(27);
    expect(lf.kind === 'head' && lf.head.length).toBe(24);
  });

  test('underscores_in_headers on keeps a name with `_`; ignore_invalid_headers off keeps the rest', () => {
    const text = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nA_b: 1\r\nX.y: 2\r\n\r\n');
    const kept = (options: typeof OPTIONS): string[] => {
      const step = new RequestHeadReader(options).push(text);
      return step.kind === 'head' ? step.head.rawHeaders : [];
    };
    expect(kept(OPTIONS)).toEqual(['Host', 'a']);
    expect(kept({ underscoresInHeaders: true, ignoreInvalidHeaders: true })).toEqual([
      'Host',
      'a',
      'A_b',
      '1',
    ]);
    expect(kept({ underscoresInHeaders: false, ignoreInvalidHeaders: false })).toEqual([
      'Host',
      'a',
      'A_b',
      '1',
      'X.y',
      '2',
    ]);
  });
});

/** Decodes `body` fed in pieces of `size` bytes: the data, the verdict and what followed. */
function decode(body: string, size: number): string {
  const decoder = new ChunkedDecoder();
  const bytes = Buffer.from(body, 'latin1');
  let data = '';
  let step = 'more';
  let i = 0;
  for (; i < bytes.length && step === 'more'; i += size) {
    step = decoder.execute(bytes.subarray(i, i + size), (piece) => (data += piece.toString('latin1')));
  }
  // What followed the body: the rest of the last piece, then the pieces never fed.
  const rest = step === 'done' ? decoder.rest.toString('latin1') + bytes.toString('latin1', i) : '';
  return `${step} ${JSON.stringify(data)} ${step === 'done' ? JSON.stringify(rest) : ''}`;
}

describe('the chunked decoder', () => {
  test.each([
    ['5\r\nhello\r\n0\r\n\r\nNEXT', 'done "hello" "NEXT"'],
    ['5\nhello\n0\n\n', 'done "hello" ""'],
    ['5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n', 'done "hello" ""'],
    ['3 \r\nabc\r\n0\r\n\r\n', 'done "abc" ""'],
    ['000000000000000000003\r\nabc\r\n0\r\n\r\n', 'done "abc" ""'],
    ['3\r\nabcd\r\n', 'invalid "abc" '],
    ['x\r\n', 'invalid "" '],
    ['3\rabc', 'invalid "" '],
    ['7ffffffffffffffa\r\n', 'more "" '],
    ['7ffffffffffffffb\r\n', 'invalid "" '],
    ['10000000000000000\r\n', 'invalid "" '],
  ])('%j: %s, in one packet and byte by byte', (body, expected) => {
    expect(decode(body, body.length)).toBe(expected);
    expect(decode(body, 1)).toBe(expected);
  });

  test('the size it announces (client_max_body_size is checked on it)', () => {
    const decoder = new ChunkedDecoder();
    decoder.execute(Buffer.from('200000\r\nab'), () => undefined);
    expect(decoder.announced).toBe(0x200000);
  });
});
