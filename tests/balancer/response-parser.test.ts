import { describe, expect, test } from 'vitest';
import { ResponseParser, type ResponseHead } from '../../core/balancer/response-parser';

function parse(chunks: string[], options: { limit?: number; head?: boolean; eof?: boolean } = {}) {
  const events: {
    head?: ResponseHead;
    body: string;
    ended: boolean;
    failure: string | null;
    cleanEof?: boolean;
  } = {
    body: '',
    ended: false,
    failure: null,
  };
  const parser = new ResponseParser(
    {
      onHead: (head) => (events.head = head),
      onBody: (chunk) => (events.body += chunk.toString('latin1')),
      onEnd: () => (events.ended = true),
    },
    options.limit ?? 4096,
    options.head ?? false,
  );
  for (const chunk of chunks) {
    events.failure = parser.execute(Buffer.from(chunk, 'latin1'));
    if (events.failure) break;
  }
  if (options.eof) events.cleanEof = parser.finish();
  return events;
}

describe('upstream response parser', () => {
  test('content-length body split across chunks, byte by byte', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello';
    const r = parse([...text]);
    expect(r.head?.status).toBe(200);
    expect(r.head?.headers).toEqual(['Content-Length', '5', 'X-A', '1']);
    expect(r.body).toBe('hello');
    expect(r.ended).toBe(true);
    expect(r.head?.close).toBe(false);
  });

  test('chunked body with extensions and trailers', () => {
    const r = parse([
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhel',
      'lo\r\n3\r\n, w\r\n0\r\nT: 1\r\n\r\n',
    ]);
    expect(r.body).toBe('hello, w');
    expect(r.ended).toBe(true);
  });

  test('no framing: the body runs until the connection closes', () => {
    const r = parse(['HTTP/1.0 200 OK\r\n\r\nabc', 'def'], { eof: true });
    expect(r.body).toBe('abcdef');
    expect(r.cleanEof).toBe(true);
    expect(r.head?.close).toBe(true);
  });

  test('a response without a status line is HTTP/0.9: the raw bytes are the body', () => {
    const r = parse(['GARBAGE\r\n'], { eof: true });
    expect(r.head?.version).toBe(9);
    expect(r.body).toBe('GARBAGE\r\n');
    expect(r.cleanEof).toBe(true);
  });

  test('a bad header line is invalid_header', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n']).failure).toBe('invalid_header');
    expect(parse(['HTTP/1.1 200 OK\r\n: x\r\n\r\n']).failure).toBe('invalid_header');
    expect(
      parse(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n']).failure,
    ).toBe('invalid_header');
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n']).failure).toBe('invalid_header');
  });

  test('a header larger than proxy_buffer_size is too big', () => {
    const big = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(5000)}\r\n\r\n`;
    expect(parse([big], { limit: 4096 }).failure).toBe('too_big_header');
    expect(parse([big.slice(0, 4500)], { limit: 4096 }).failure).toBe('too_big_header');
  });

  test('100 Continue is skipped; HEAD and 204/304 have no body', () => {
    const r = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok']);
    expect(r.head?.status).toBe(201);
    expect(r.body).toBe('ok');
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'], { head: true }).ended).toBe(true);
    expect(parse(['HTTP/1.1 304 Not Modified\r\n\r\n']).ended).toBe(true);
  });

  test('bare LF line ends are accepted', () => {
    const r = parse(['HTTP/1.1 200 OK\nContent-Length: 2\n\nok']);
    expect(r.body).toBe('ok');
  });

  test('Connection: close or HTTP/1.0 (even with keep-alive, as nginx) forbid reuse', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).head?.close).toBe(
      true,
    );
    expect(
      parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).head?.close,
    ).toBe(true);
  });

  test('a premature EOF is not a clean end', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'], { eof: true }).cleanEof).toBe(false);
  });
});
