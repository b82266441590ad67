import { Rng } from '../support/malformed';

/**
 * Seeded requests for the dashboard fuzz (dashboard-fuzz.test.ts). A `modelled` request is a
 * well-formed HTTP/1.1 request whose answer the small model below predicts from the dashboard's
 * rules (Host, then target, then route/token or method, then file; for Upgrade: Host, target,
 * path, Origin, token); the others (random bytes, mutated requests) only have to be answered
 * with a well-formed status line, or closed.
 */

export interface Site {
  port: number;
  token: string;
}

export interface FuzzRequest {
  category: string;
  bytes: Buffer;
  /** The status the dashboard must answer with; absent when any well-formed answer will do. */
  expected?: number;
}

/** `refused`: Node's parser answers 400 itself, before any of our rules. `huge`: 431, likewise. */
type TargetKind = 'index' | 'missing' | 'bad' | 'metrics' | 'api' | 'huge' | 'refused';

const FIXED_TARGETS: Array<[string, TargetKind]> = [
  ['/', 'index'],
  ['/index.html', 'index'],
  ['/%69ndex.html', 'index'],
  ['/a/../index.html', 'index'],
  ['/..', 'index'],
  ['/../../index.html', 'index'],
  ['/?x=%ff', 'index'],
  ['/nope', 'missing'],
  ['//', 'missing'],
  ['///', 'missing'],
  ['//evil.example/', 'missing'],
  ['/%2e%2e/%2e%2e/etc/passwd', 'missing'],
  ['/..%2f..%2fetc%2fpasswd', 'missing'],
  ['/index.html/', 'missing'],
  ['/\\\\evil.example', 'missing'],
  ['/api', 'api'],
  ['*', 'bad'],
  ['http://127.0.0.1/', 'bad'],
  ['evil.example:80', 'refused'],
  ['/%ff', 'bad'],
  ['/%E0%A4%A', 'bad'],
  ['/%', 'bad'],
  ['/%zz', 'bad'],
  ['/%00', 'bad'],
  ['/a%c0%afb', 'bad'],
  ['/%ed%a0%80', 'bad'],
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

function target(rng: Rng, site: Site): [string, TargetKind] {
  switch (rng.int(0, 5)) {
    case 0: {
      const segments = Array.from({ length: rng.int(1, 4) }, () => rng.text(rng.int(1, 12), 'abcxyz019-_.~'));
      const path = `/${segments.join('/')}`;
      return rng.chance(0.3) ? [`${path}%${rng.pick(['ff', 'c3', 'e2%82', '8'])}`, 'bad'] : [path, 'missing'];
    }
    case 1:
      return [`/metrics${rng.chance(0.5) ? `?token=${site.token}` : ''}`, 'metrics'];
    case 2:
      return rng.chance(0.2)
        ? [`/${'a'.repeat(rng.int(17_000, 70_000))}`, 'huge']
        : [`/api?token=${site.token}`, 'api'];
    default:
      return rng.pick(FIXED_TARGETS);
  }
}

function hostHeader(rng: Rng, site: Site): { line: string | null; ok: boolean } {
  const { port } = site;
  const good = [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`];
  const bad = [
    `0.0.0.0:${port}`,
    `[::]:${port}`,
    `evil.example:${port}`,
    '127.0.0.1',
    `127.0.0.1:${port + 1}`,
    `[::1]:${port}`,
    '',
    `127.0.0.1:${port}.evil.example`,
  ];
  if (rng.chance(0.6)) return { line: `Host: ${rng.pick(good)}`, ok: true };
  return { line: `Host: ${rng.pick(bad)}`, ok: false };
}

function authorization(rng: Rng, site: Site): { line: string | null; ok: boolean } {
  switch (rng.int(0, 4)) {
    case 0:
      return { line: `Authorization: Bearer ${site.token}`, ok: true };
    case 1:
      return { line: `Authorization: Bearer ${site.token.slice(1)}`, ok: false };
    case 2:
      return { line: `Authorization: Basic ${Buffer.from(`x:${site.token}`).toString('base64')}`, ok: false };
    case 3:
      return { line: `Authorization: Bearer ${'x'.repeat(rng.int(0, 4000))}`, ok: false };
    default:
      return { line: null, ok: false };
  }
}

function origin(rng: Rng, site: Site): { line: string | null; ok: boolean } {
  const { port } = site;
  switch (rng.int(0, 5)) {
    case 0:
      return { line: `Origin: http://127.0.0.1:${port}`, ok: true };
    case 1:
      return { line: `Origin: http://evil.example:${port}`, ok: false };
    case 2:
      return { line: 'Origin: null', ok: false };
    case 3:
      return { line: `Origin: http://0.0.0.0:${port}`, ok: false };
    default:
      return { line: null, ok: true };
  }
}

/** A well-formed request and the answer the dashboard's rules give it. */
function modelled(rng: Rng, site: Site): FuzzRequest {
  const upgrade = rng.chance(0.3);
  const method = upgrade ? 'GET' : rng.pick(METHODS);
  const [path, kind] = target(rng, site);
  const host = hostHeader(rng, site);
  const auth = authorization(rng, site);
  const from = origin(rng, site);
  const tokenOk = path.includes(`token=${site.token}`) || auth.ok;
  const lines = [`${method} ${path} HTTP/1.1`, host.line, auth.line, from.line];
  if (upgrade) {
    lines.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13');
    lines.push('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==');
  } else lines.push('Connection: close');
  const bytes = Buffer.from(`${lines.filter((l) => l !== null).join('\r\n')}\r\n\r\n`, 'latin1');
  let expected: number;
  if (kind === 'huge') expected = 431;
  else if (kind === 'refused') expected = 400;
  else if (!host.ok) expected = 421;
  else if (kind === 'bad') expected = 400;
  else if (upgrade) {
    if (kind !== 'api') expected = 404;
    else if (!from.ok) expected = 403;
    else expected = tokenOk ? 101 : 401;
  } else if (kind === 'metrics') expected = tokenOk ? 200 : 401;
  else if (method !== 'GET' && method !== 'HEAD') expected = 405;
  else expected = kind === 'index' ? 200 : 404;
  return { category: upgrade ? 'upgrade' : 'request', bytes, expected };
}

/** A modelled request with a few bytes flipped, inserted or cut. */
function mutated(rng: Rng, site: Site): FuzzRequest {
  const bytes = Buffer.from(modelled(rng, site).bytes);
  const edits = rng.int(1, 4);
  let out = bytes;
  for (let i = 0; i < edits; i++) {
    const at = rng.int(0, out.length - 1);
    switch (rng.int(0, 2)) {
      case 0:
        out[at] = rng.int(0, 255);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([rng.int(0, 255)]), out.subarray(at)]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + rng.int(1, 8))]);
    }
  }
  return { category: 'mutated', bytes: out };
}

function randomBytes(rng: Rng): FuzzRequest {
  const bytes = Buffer.alloc(rng.int(1, 2000));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
  // Most parsers stop at the first byte; a plausible start reaches further in.
  if (rng.chance(0.5))
    bytes.write(rng.pick(['GET / HTTP/1.1\r\n', 'GET ', 'POST /metrics HTTP/1.0\r\nHost: ']));
  return { category: 'random-bytes', bytes };
}

export function* dashboardRequests(seed: number, count: number, site: Site): Generator<FuzzRequest> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.6) yield modelled(rng, site);
    else if (roll < 0.85) yield mutated(rng, site);
    else yield randomBytes(rng);
  }
}
