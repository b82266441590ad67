import net from 'node:net';

/**
 * A seeded generator of malformed HTTP/1.x requests for the differential fuzz
 * (tests/hardening/malformed.test.ts). Each request is a random well-formed one (method, target,
 * version, a few ordinary headers, maybe a body) with one defect of its category. The same seed
 * gives the same requests.
 */

export interface MalformedRequest {
  category: string;
  bytes: Buffer;
  /** Methods of the requests in `bytes` that get an answer, in order (HEAD answers have no body). */
  methods: string[];
}

// ---- a seeded PRNG --------------------------------------------------------------------------

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
}

// ---- the well-formed request a defect goes into ----------------------------------------------

interface Draft {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  body: string;
}

const PATHS = ['/', '/index.html', '/a/b/c', '/api/v1/items', '/static/app.js', '/search', '/a-b_c.d~e'];
const QUERIES = ['', '', '?q=1', '?a=1&b=two', '?x=%41%42', '?path=/a/../b'];
const HOSTS = ['localhost', 'example.com', '127.0.0.1', 'localhost:8080', 'a.b.c', 'LocalHost', '[::1]'];
const BENIGN: Array<(r: Rng) => [string, string]> = [
  (r) => ['User-Agent', `fuzz/${r.int(1, 9)}.${r.int(0, 9)}`],
  () => ['Accept', '*/*'],
  () => ['Accept-Language', 'en-US,en;q=0.5'],
  (r) => ['Cookie', `id=${r.text(12)}`],
  (r) => ['X-Request-Id', r.text(16)],
  () => ['Cache-Control', 'no-cache'],
  () => ['Referer', 'http://example.com/'],
  (r) => ['X-Forwarded-For', `10.0.${r.int(0, 255)}.${r.int(1, 254)}`],
  () => ['Accept-Encoding', 'gzip, deflate'],
];

function base(r: Rng): Draft {
  const method = r.pick(['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
  const version = r.chance(0.85) ? 'HTTP/1.1' : 'HTTP/1.0';
  const headers: Array<[string, string]> = [];
  for (let i = r.int(0, 4); i > 0; i--) headers.push(r.pick(BENIGN)(r));
  headers.splice(r.int(0, headers.length), 0, ['Host', r.pick(HOSTS)]);
  let body = '';
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && r.chance(0.7)) {
    body = r.text(r.int(0, 200));
    headers.push(['Content-Length', String(body.length)]);
  }
  return { method, target: r.pick(PATHS) + r.pick(QUERIES), version, headers, body };
}

function serialize(d: Draft): string {
  const head = d.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `${d.method} ${d.target} ${d.version}\r\n${head}\r\n${d.body}`;
}

/** Removes framing headers and the body, for categories that bring their own. */
function withoutBody(d: Draft): void {
  d.headers = d.headers.filter(([name]) => !/^(content-length|transfer-encoding)$/i.test(name));
  d.body = '';
}

function setHeader(d: Draft, name: string, value: string): void {
  withoutHeader(d, name);
  d.headers.splice(d.headers.length > 0 ? 1 : 0, 0, [name, value]);
}

function withoutHeader(d: Draft, name: string): void {
  d.headers = d.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
}

const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), '\x7f'];

// ---- categories -----------------------------------------------------------------------------

/** The result of a category: the draft was changed, or raw text replaces it. */
type Made = { text?: string; methods?: string[] } | void;
type Category = (r: Rng, d: Draft) => Made;

const LLHTTP_METHODS = new Set(
  'DELETE GET HEAD POST PUT CONNECT OPTIONS TRACE COPY LOCK MKCOL MOVE PROPFIND PROPPATCH SEARCH UNLOCK BIND REBIND UNBIND ACL REPORT MKACTIVITY CHECKOUT MERGE M-SEARCH NOTIFY SUBSCRIBE UNSUBSCRIBE PATCH PURGE MKCALENDAR LINK UNLINK SOURCE PRI DESCRIBE ANNOUNCE SETUP PLAY PAUSE TEARDOWN GET_PARAMETER SET_PARAMETER REDIRECT RECORD FLUSH QUERY'.split(
    ' ',
  ),
);

const CATEGORIES: Record<string, Category> = {
  valid: () => {},

  'method/bad-chars': (r, d) => {
    const bad = r.pick([...'abcxyz0189@!#$%&*.^~+|', '\x00', '\x01', '\x7f', '\t']);
    const at = r.int(0, d.method.length - 1);
    d.method = d.method.slice(0, at) + bad + d.method.slice(at + 1);
  },
  'method/leading-space': (_r, d) => {
    d.method = ` ${d.method}`;
  },
  'method/extension': (r, d) => {
    d.method = r.pick(['PROPFIND', 'PURGE', 'MKCOL', 'LOCK', 'REPORT', 'SEARCH']);
  },
  'method/unknown-token': (r, d) => {
    let method = r.text(r.int(1, 10), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_-');
    while (LLHTTP_METHODS.has(method)) method += 'X';
    d.method = method;
    return;
  },
  'method/trace-connect': (r, d) => {
    withoutBody(d);
    d.method = r.pick(['TRACE', 'CONNECT']);
    if (d.method === 'CONNECT' && r.chance(0.6))
      d.target = r.pick(['localhost:443', 'a:1', 'example.com:80']);
  },

  'version/bad': (r, d) => {
    d.version = r.pick([
      'HTTP/1.x',
      'HTTP/x.1',
      'HTTP/',
      'HTTP/1',
      'HTTP/1.',
      'HTTPS/1.1',
      'http/1.1',
      'HTTP /1.1',
      'HTTP/01.1',
      'HTTP/0.9',
      'HTTP/0.1',
      'HTTP/1.1000',
      'HTTP/1.1x',
      'HTTX/1.1',
      'HTTP/1.1 x',
      'HTTP\\1.1',
      'HTTP/-1.1',
    ]);
  },
  'version/major-above-1': (r, d) => {
    d.version = r.pick(['HTTP/2.0', 'HTTP/3.0', 'HTTP/2', 'HTTP/9.9', 'HTTP/10.1', 'HTTP/2.x', 'HTTP/20.0']);
  },
  'version/1.x-nginx-accepts': (r, d) => {
    d.version = r.chance(0.7) ? `HTTP/1.${r.int(2, 999)}` : `${d.version}${' '.repeat(r.int(1, 3))}`;
    return;
  },
  'version/missing (HTTP/0.9)': (r, d) => {
    const head = r.chance(0.5) ? `Host: ${r.pick(HOSTS)}\r\n` : '';
    return { text: `${d.method} ${d.target}\r\n${head}\r\n` };
  },

  'request-line/spaces': (r, d) => {
    const variant = r.int(0, 3);
    if (variant === 0) return { text: serialize(d).replace(' ', ' '.repeat(r.int(2, 4))) };
    if (variant === 1) {
      const line = `${d.method} ${d.target}${' '.repeat(r.int(2, 4))}${d.version}`;
      return { text: serialize(d).replace(/^[^\r]*/, line) };
    }
    if (variant === 2) return { text: serialize(d).replace(' ', '\t') };
    d.target = `/a ${r.text(3)}`;
  },
  'request-line/control-chars': (r, d) => {
    const at = r.int(1, d.target.length);
    d.target = d.target.slice(0, at) + r.pick(CONTROL.filter((c) => c !== '\n')) + d.target.slice(at);
  },
  'request-line/no-uri': (r, d) =>
    r.pick<Made>([
      { text: `${d.method} ${d.version}\r\nHost: localhost\r\n\r\n` },
      { text: `${d.method}  ${d.version}\r\nHost: localhost\r\n\r\n` },
      { text: `${d.method}\r\nHost: localhost\r\n\r\n` },
    ]),

  'uri/escapes': (r, d) => {
    const good = ['%41', '%2F', '%25', '%c3%a9', '%7e', '%20', '%3F', '%23'];
    const bad = ['%zz', '%g1', '%2', '%', '%00', '%0', '%%', '%2%41'];
    const escape = r.chance(0.5) ? r.pick(good) : r.pick(bad);
    const path = r.pick(['/', '/a/', '/a/b/']);
    d.target = `${path}${r.text(2)}${escape}${r.chance(0.5) ? r.text(2) : ''}${r.pick(QUERIES)}`;
  },
  'uri/dot-segments': (r, d) => {
    const parts = Array.from({ length: r.int(1, 5) }, () =>
      r.pick(['a', 'b', '.', '..', '...', '..a', '%2e', '%2e%2e', '.%2e', '', '#']),
    );
    d.target = `/${parts.join(r.chance(0.8) ? '/' : '%2f')}${r.pick(QUERIES)}`;
  },
  'uri/asterisk-or-relative': (r, d) => {
    d.target = r.pick(['*', 'a', 'index.html', '?x', '.', '..']);
  },
  'uri/non-ascii': (r, d) => {
    d.target = `/${r.text(2)}${String.fromCharCode(r.int(0x80, 0xff))}${r.text(2)}`;
    return;
  },
  'uri/absolute': (r, d) => {
    const hosts = [
      'a',
      'a.b',
      'a-b',
      '1.2.3.4',
      '[::1]',
      '[zz]',
      'a.',
      '.a',
      'A',
      'a_b',
      'a@b',
      'a..b',
      '..',
      '',
      'a%41',
      '[::1',
      'a:b',
      'a:80:80',
      '[a..b]',
    ];
    const port = r.pick(['', '', ':80', ':8080', ':', ':99999', ':x1']);
    const scheme = r.pick(['http', 'https', 'HTTP', 'ftp']);
    const rest = r.pick(['', '/', '/a/b', '/a/../..', '/%zz', '?q=1', '/x?y']);
    d.target = `${scheme}://${r.pick(hosts)}${port}${rest}`;
  },
  'uri/absolute-odd-scheme': (r, d) => {
    d.target = `${r.pick(['h1tp', 'ht-tp', 'a+b', 'x.y'])}://a/`;
    return;
  },

  'size/request-line': (r, d) => {
    withoutBody(d);
    const line = r.pick([r.int(7000, 8180), r.int(8210, 30000), r.int(35000, 60000)]);
    const fixed = d.method.length + d.version.length + 4;
    d.target = `/${r.text(Math.max(1, line - fixed - 1))}`;
  },
  'size/one-header': (r, d) => {
    const length = r.chance(0.5) ? r.int(7000, 8180) : r.int(8210, 20000);
    const name = `X-Big-${r.text(3)}`;
    d.headers.push([name, r.text(length - name.length - 4)]);
  },
  'size/all-headers': (r, d) => {
    const count = r.int(2, 24);
    const size = r.pick([500, 2000, 4000, 6000, 8000]);
    for (let i = 0; i < count; i++) {
      const name = `X-H${i}`;
      d.headers.push([name, r.text(r.int(10, size))]);
    }
  },
  'size/many-lines': (r, d) => {
    const count = r.int(950, 1050);
    for (let i = 0; i < count; i++) d.headers.push([`x${i}`, 'v']);
  },

  'host/repeated': (r, d) => {
    const value = r.chance(0.5) ? (d.headers.find(([n]) => n === 'Host')?.[1] ?? 'a') : 'other.example';
    d.headers.push([r.pick(['Host', 'host', 'HOST']), value]);
  },
  'host/values': (r, d) => {
    const value = r.pick([
      'a/b',
      '..',
      'a..b',
      '::1',
      ':80',
      '',
      'a b',
      'a\tb',
      '.',
      '/',
      'a/',
      'a\x01b',
      'a\x7fb',
      '.a',
      'a.',
      '[::1',
      '[::1]:80',
      'a:b',
      'a_b',
      'a@b',
      'A.B',
      'a\\b',
      'a:80:90',
      'localhost:99999',
      '[a..b]',
      'a.:80',
      'a:1..2',
    ]);
    setHeader(d, 'Host', value);
  },
  'host/missing': (_r, d) => {
    withoutHeader(d, 'Host');
  },

  'body/chunked': (r, d) => {
    withoutBody(d);
    if (d.method === 'GET' || d.method === 'HEAD') d.method = 'POST';
    d.version = 'HTTP/1.1';
    d.headers.push(['Transfer-Encoding', 'chunked']);
    const data = r.text(r.int(1, 40));
    const size = data.length.toString(16);
    if (r.chance(0.1)) {
      // A well-formed body, then garbage: the request is answered, then the garbage.
      d.body = `${size}\r\n${data}\r\n0\r\n\r\nGARBAGE\r\n`;
      return { methods: [d.method, 'GARBAGE'] };
    }
    d.body = r.pick([
      `${size}\r\n${data}\r\n0\r\n\r\n`,
      `${size};ext=1\r\n${data}\r\n0\r\n\r\n`,
      `${size}\r\n${data}\r\n0\r\nX-Trailer: 1\r\n\r\n`,
      `zz\r\n${data}\r\n0\r\n\r\n`,
      `-${size}\r\n${data}\r\n0\r\n\r\n`,
      `0x${size}\r\n${data}\r\n0\r\n\r\n`,
      `${size}\r\n${data}X0\r\n\r\n`,
      `${size}\r\n${data}extra\r\n0\r\n\r\n`,
      `${'f'.repeat(r.int(17, 20))}\r\n${data}\r\n`,
      `\r\n${data}\r\n0\r\n\r\n`,
    ]);
  },
  'body/chunk-size-line': (r, d) => {
    withoutBody(d);
    d.method = 'POST';
    d.version = 'HTTP/1.1';
    d.headers.push(['Transfer-Encoding', 'chunked']);
    d.body = r.pick([
      `${r.pick(['7fffffffffffffff', '8000000000000000', 'ffffffffffffffff', '200000'])}\r\nabc\r\n`,
      `3 \r\nabc\r\n0\r\n\r\n`,
      `3\nabc\n0\n\n`,
    ]);
    return;
  },
  'framing/length-and-chunked': (r, d) => {
    withoutBody(d);
    if (d.method === 'GET' || d.method === 'HEAD') d.method = 'POST';
    const te = r.pick(['chunked', 'chunked', 'gzip']);
    const cl: [string, string] = ['Content-Length', '5'];
    const headers: Array<[string, string]> = [cl, ['Transfer-Encoding', te]];
    d.headers.push(...(r.chance(0.5) ? headers : headers.reverse()));
    d.body = '5\r\nhello\r\n0\r\n\r\n';
  },
  'framing/chunked-in-http10': (_r, d) => {
    withoutBody(d);
    d.method = 'POST';
    d.version = 'HTTP/1.0';
    d.headers.push(['Transfer-Encoding', 'chunked']);
    d.body = '5\r\nhello\r\n0\r\n\r\n';
  },
  'framing/content-length-values': (r, d) => {
    withoutBody(d);
    if (d.method === 'GET' || d.method === 'HEAD') d.method = 'POST';
    const value = r.pick([
      'abc',
      '-1',
      '+3',
      '3,3',
      '',
      ' ',
      '0x10',
      '1e3',
      '3 3',
      '99999999999999999999',
      '3 ',
      '03',
    ]);
    d.headers.push(['Content-Length', value]);
    if (r.chance(0.3)) d.headers.push(['Content-Length', r.pick(['3', '4'])]);
    d.body = 'abc';
  },
  'framing/content-length-too-large': (r, d) => {
    withoutBody(d);
    d.method = 'POST';
    d.headers.push(['Content-Length', String(r.int(1024 * 1024 + 1, 50_000_000))]);
    d.body = 'abc';
  },
  'framing/transfer-encoding-values': (r, d) => {
    withoutBody(d);
    if (d.method === 'GET' || d.method === 'HEAD') d.method = 'POST';
    d.version = 'HTTP/1.1';
    const te = r.pick([
      'gzip',
      'identity',
      'deflate',
      'gzip, chunked',
      'chunked, gzip',
      '',
      'chunked;q=1',
      'xchunked',
      'chunkedx',
      'Chunked',
      'CHUNKED',
    ]);
    d.headers.push(['Transfer-Encoding', te]);
    if (r.chance(0.3)) d.headers.push(['Transfer-Encoding', 'chunked']);
    d.body = '3\r\nabc\r\n0\r\n\r\n';
  },

  'header/bad-name': (r, d) => {
    const name = r.pick([
      'Foo Bar',
      'Foo\tBar',
      'Foo ',
      ' Foo',
      '',
      'Fo\x00o',
      'Fo\x01o',
      'Fo\x7fo',
      'Fo\ro',
    ]);
    return { text: serialize(d).replace('\r\n', `\r\n${name}: x\r\n`) };
  },
  'header/odd-name-allowed': (r, d) => {
    d.headers.push([r.pick(['X.Y', 'X_Y', "X'Y", 'X!Y', 'X#Y', 'X~Y', 'X|Y', 'X`Y']), 'x']);
  },
  'header/name-nginx-ignores': (r, d) => {
    const line = r.chance(0.7) ? `X${r.pick([...'@(),/;<=>?[\\]{}"'])}Y: x` : r.pick(['NoColon', 'X-Y']);
    return { text: serialize(d).replace('\r\n', `\r\n${line}\r\n`) };
  },
  'header/obs-fold': (r, d) => {
    const fold = `X-Fold: a\r\n${r.pick([' ', '\t', '  '])}b\r\n`;
    return { text: serialize(d).replace('\r\n', `\r\n${fold}`) };
  },
  'header/value-bytes': (r, d) => {
    const ch = r.pick(['\x00', '\r', '\x80', '\xff', '\t']);
    d.headers.push(['X-Value', `a${ch}b`]);
  },
  'header/control-in-value': (r, d) => {
    const ch = r.pick(CONTROL.filter((c) => !'\x00\t\r\n'.includes(c)));
    d.headers.push(['X-Value', `a${ch}b`]);
    return;
  },
  'header/single-value-repeated': (r, d) => {
    const name = r.pick([
      'If-Modified-Since',
      'If-Unmodified-Since',
      'If-Match',
      'If-None-Match',
      'Content-Range',
      'If-Range',
      'Expect',
      'Authorization',
      'User-Agent',
      'Referer',
      'Cookie',
      'Accept',
      'Range',
      'X-Forwarded-For',
    ]);
    d.headers.push([name, 'x'], [name.toLowerCase(), 'y']);
  },
  'header/expect': (r, d) => {
    withoutBody(d);
    d.headers.push(['Expect', r.pick(['foo', 'bar=1', '100-continue-x', '200-ok'])]);
  },

  'nul-bytes': (r, d) => {
    const where = r.int(0, 3);
    if (where === 0) d.method = `${d.method}\x00`;
    else if (where === 1) d.target = `${d.target}\x00x`;
    else if (where === 2) d.version = `${d.version}\x00`;
    else return { text: serialize(d).replace('\r\n', '\r\nX-N\x00: v\r\n') };
  },

  'pipelined/garbage': (r, d) => {
    const garbage = r.pick([
      'GARBAGE\r\n',
      'GARBAGE\r\n\r\n',
      '\x00\x01\x02\x03',
      'lowercase line\r\n',
      'GET / HTTP/3.0\r\nHost: a\r\n\r\n',
      'GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n',
      `${r.text(20, 'abc!@#$%^&*()')}\r\n`,
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
      ' \r\n',
    ]);
    const close = r.chance(0.25);
    if (close) d.headers.push(['Connection', 'close']);
    const valid = serialize(d);
    const keepsOpen = !close && d.version === 'HTTP/1.1';
    return { text: valid + garbage, methods: keepsOpen ? [d.method, 'GARBAGE'] : [d.method] };
  },
  'pipelined/valid-then-bad': (r, d) => {
    const second = base(r);
    const defect = r.pick(['version/major-above-1', 'host/values', 'uri/escapes', 'header/obs-fold']);
    const made = CATEGORIES[defect]!(r, second);
    d.version = 'HTTP/1.1';
    return { text: serialize(d) + (made?.text ?? serialize(second)), methods: [d.method, second.method] };
  },

  /** Two defects in one request: nginx answers for the one it meets first. */
  combined: (r, d) => {
    const first = CATEGORIES[r.pick(COMBINABLE)]!(r, d);
    return first?.text === undefined ? CATEGORIES[r.pick(COMBINABLE)]!(r, d) : first;
  },

  'line-endings/bare-lf': (_r, d) => ({ text: serialize(d).replace(/\r\n/g, '\n') }),
};

/** Categories whose defect nginx and ours see alike, to combine in pairs. */
const COMBINABLE = [
  'method/bad-chars',
  'method/trace-connect',
  'version/bad',
  'version/major-above-1',
  'request-line/control-chars',
  'uri/escapes',
  'uri/dot-segments',
  'uri/absolute',
  'size/request-line',
  'size/one-header',
  'size/all-headers',
  'host/repeated',
  'host/values',
  'host/missing',
  'body/chunked',
  'framing/length-and-chunked',
  'framing/chunked-in-http10',
  'framing/content-length-values',
  'framing/content-length-too-large',
  'framing/transfer-encoding-values',
  'header/bad-name',
  'header/obs-fold',
  'header/value-bytes',
  'header/single-value-repeated',
  'header/expect',
  'nul-bytes',
];

/** The category names; requests go round-robin over them. */
export const CATEGORY_NAMES = Object.keys(CATEGORIES);

/** `count` malformed requests from `seed`, round-robin over the categories. */
export function* malformedRequests(seed: number, count: number): Generator<MalformedRequest> {
  const r = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const category = CATEGORY_NAMES[i % CATEGORY_NAMES.length]!;
    const d = base(r);
    const made = CATEGORIES[category]!(r, d) ?? {};
    const text = made.text ?? serialize(d);
    yield {
      category,
      bytes: Buffer.from(text, 'latin1'),
      methods: made.methods ?? [d.method],
    };
  }
}

// ---- reading the answer ---------------------------------------------------------------------

/**
 * Sends one request on a fresh connection and describes what came back: the final statuses in
 * order, then `close` (the last answer said `Connection: close`), `keep-alive` (every request was
 * answered and the connection stays), `closed` (closed before that, e.g. "closed" alone: no answer),
 * `timeout`, or `raw` for an answer without a status line (HTTP/0.9). The client resets the
 * connection when done, so 20,000 of them leave no TIME_WAIT behind.
 */
export function outcomeOf(port: number, request: MalformedRequest, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (end: 'closed' | 'timeout' | null): void => {
      const answers = readAnswers(received, request.methods);
      if (end === null && !answers.complete) return;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.resetAndDestroy();
      if (answers.raw) return resolve('raw');
      const suffix = answers.complete ? (answers.close ? 'close' : 'keep-alive') : end;
      resolve([...answers.statuses, suffix].join(' '));
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => socket.write(request.bytes));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish(null);
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('closed'));
  });
}

interface Answers {
  statuses: number[];
  /** Every request got its answer, or one said it closes the connection. */
  complete: boolean;
  close: boolean;
  raw: boolean;
}

/** The complete answers at the start of `buf`; 1xx answers are skipped. */
export function readAnswers(buf: Buffer, methods: readonly string[]): Answers {
  const statuses: number[] = [];
  let at = 0;
  let close = false;
  while (statuses.length < methods.length && !close) {
    if (buf.length - at < 5) break;
    if (buf.toString('latin1', at, at + 5) !== 'HTTP/') {
      return { statuses, complete: false, close: false, raw: statuses.length === 0 };
    }
    const headEnd = buf.indexOf('\r\n\r\n', at);
    if (headEnd === -1) break;
    const head = buf.toString('latin1', at, headEnd);
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0);
    let end = headEnd + 4;
    const interim = status >= 100 && status < 200;
    if (!interim && methods[statuses.length] !== 'HEAD') {
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      if (length !== undefined) end += Number(length);
      else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        const last = buf.indexOf('\r\n0\r\n\r\n', headEnd);
        if (last === -1) break;
        end = last + 7;
      }
    }
    if (buf.length < end) break;
    at = end;
    if (interim) continue;
    statuses.push(status);
    close = /\r\nconnection: *close/i.test(head);
  }
  return { statuses, complete: close || statuses.length === methods.length, close, raw: false };
}
