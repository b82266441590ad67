import { describe, expect, test } from 'vitest';
import {
  PROXY_DEFAULTS,
  SERVER_BLOCK_DEFAULTS,
  SERVER_DEFAULTS,
  type ProxyConfig,
} from '../../core/balancer/config';
import { proxyConfigSchema } from '../../core/nginx/schema';
import { formatValidationIssue, validateProxyConfig } from '../../core/nginx/validate';
import { CORPUS } from './support/corpus';
import { FILE, parse } from './support/parse-helpers';

const valid = (): ProxyConfig => ({
  upstreams: [
    {
      name: 'pool',
      method: { kind: 'round_robin' },
      servers: [
        { ...SERVER_DEFAULTS, address: '127.0.0.1:9001' },
        { ...SERVER_DEFAULTS, address: '127.0.0.1:9002', backup: true },
      ],
      keepalive: 0,
      implicit: false,
    },
  ],
  servers: [
    {
      listen: [{ host: '0.0.0.0', port: 8080, defaultServer: true }],
      serverNames: [],
      locations: [
        { modifier: '', path: '/', addHeaders: [], proxy: { ...PROXY_DEFAULTS, upstream: 'pool' } },
      ],
      ...SERVER_BLOCK_DEFAULTS,
    },
  ],
});

const issuesOf = (mutate: (config: ProxyConfig) => void): string[] => {
  const config = valid();
  mutate(config);
  const result = validateProxyConfig(config);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
};

describe('validateProxyConfig', () => {
  test('accepts a good config and returns a checked copy', () => {
    const config = valid();
    const result = validateProxyConfig(config);
    expect(result).toStrictEqual({ ok: true, config });
    if (result.ok) expect(result.config).not.toBe(config);
  });

  test.each(Object.entries(CORPUS))('accepts what the parser produces: %s', (_name, text) => {
    expect(validateProxyConfig(parse(text).config)).toMatchObject({ ok: true });
  });

  test('shape: wrong types, missing fields, unknown fields, out-of-range numbers', () => {
    expect(validateProxyConfig({ upstreams: 'x' })).toStrictEqual({
      ok: false,
      issues: [
        { path: 'upstreams', message: 'Invalid input: expected array, received string' },
        { path: 'servers', message: 'Invalid input: expected array, received undefined' },
      ],
    });
    expect(
      issuesOf((config) => {
        const server = config.upstreams[0]?.servers[0];
        if (server) server.weight = 0;
        const listen = config.servers[0]?.listen[0];
        if (listen) listen.port = 70000;
        Object.assign(config.servers[0] ?? {}, { extra: true });
      }),
    ).toStrictEqual([
      'upstreams[0].servers[0].weight: weight must be at least 1',
      'servers[0].listen[0].port: port must be 1-65535',
      'servers[0]: Unrecognized key: "extra"',
    ]);
  });

  test('backup and slow_start are refused with ip_hash, hash and random', () => {
    for (const method of [
      { kind: 'ip_hash' },
      { kind: 'hash', key: '$uri', consistent: true },
      { kind: 'random', two: true, leastConn: false },
    ] as const) {
      expect(
        issuesOf((config) => {
          const pool = config.upstreams[0];
          if (!pool) return;
          pool.method = method;
          pool.servers[0] = { ...SERVER_DEFAULTS, address: '127.0.0.1:9001', slowStartSec: 5 };
        }),
      ).toStrictEqual([
        `upstreams[0].servers[0].slowStartSec: balancing method does not support parameter "slow_start" (upstream "pool" uses ${method.kind})`,
        `upstreams[0].servers[1].backup: balancing method does not support parameter "backup" (upstream "pool" uses ${method.kind})`,
      ]);
    }
  });

  test('references, names, addresses and listen conflicts', () => {
    expect(
      issuesOf((config) => {
        const pool = config.upstreams[0];
        if (!pool) return;
        config.upstreams.push({ ...structuredClone(pool), name: 'POOL' });
        config.upstreams.push({ ...structuredClone(pool), name: 'bad name' });
        pool.servers.push({ ...SERVER_DEFAULTS, address: '127.0.0.1:0' });
        const block = config.servers[0];
        if (!block) return;
        block.listen.push({ host: '0.0.0.0', port: 8080, defaultServer: false });
        config.servers.push({
          ...structuredClone(block),
          listen: [{ host: '0.0.0.0', port: 8080, defaultServer: true }],
        });
        block.locations.push({
          modifier: '^~',
          path: '/',
          addHeaders: [],
          proxy: { ...PROXY_DEFAULTS, upstream: 'nope' },
        });
      }),
    ).toStrictEqual([
      'upstreams[0].servers[2].address: invalid port in upstream "127.0.0.1:0"',
      'upstreams[1].name: duplicate upstream "POOL"',
      'upstreams[2].name: invalid upstream name "bad name" (use letters, digits, "_", "-" and ".")',
      'servers[0].listen[1]: a duplicate listen 0.0.0.0:8080',
      'servers[0].locations[1].path: duplicate location "/"',
      'servers[0].locations[1].proxy.upstream: upstream "nope" is not defined',
      'servers[1].listen[0]: a duplicate default server for 0.0.0.0:8080',
    ]);
  });

  test('random least_conn without two cannot be written', () => {
    expect(
      issuesOf((config) => {
        const pool = config.upstreams[0];
        if (pool) pool.method = { kind: 'random', two: false, leastConn: true };
      }),
    ).toStrictEqual([
      'upstreams[0].method: random least_conn needs "two" (random two least_conn)',
      'upstreams[0].servers[1].backup: balancing method does not support parameter "backup" (upstream "pool" uses random)',
    ]);
  });

  test('an upstream of only backup servers', () => {
    expect(
      issuesOf((config) => {
        for (const server of config.upstreams[0]?.servers ?? []) server.backup = true;
      }),
    ).toStrictEqual(['upstreams[0].servers: no servers in upstream "pool" (all of them are backup)']);
  });

  test('an implicit upstream must stay one plain server named after its address', () => {
    expect(
      issuesOf((config) => {
        config.upstreams.push({
          name: '127.0.0.1:9009',
          method: { kind: 'round_robin' },
          servers: [{ ...SERVER_DEFAULTS, address: '127.0.0.1:9009', weight: 2 }],
          keepalive: 0,
          implicit: true,
        });
      }),
    ).toStrictEqual([
      'upstreams[1]: implicit upstream "127.0.0.1:9009" must be one server "127.0.0.1:9009" with default parameters; make it an upstream block',
    ]);
  });

  test('issues can be traced back to the line they came from', () => {
    const { config, sourceMap } = parse(
      'events {}\nhttp {\n    upstream b {\n        server 127.0.0.1:9001;\n    }\n}\n',
    );
    const server = config.upstreams[0]?.servers[0];
    if (server) server.weight = 0;
    const result = validateProxyConfig(config);
    expect(
      result.ok ? [] : result.issues.map((issue) => formatValidationIssue(issue, sourceMap)),
    ).toStrictEqual([`${FILE}:4:9: weight must be at least 1`]);
    expect(formatValidationIssue({ path: 'servers[3].listen', message: 'm' }, sourceMap)).toBe(
      'servers[3].listen: m',
    );
  });

  test('proxyConfigSchema is exported for the API layer', () => {
    expect(proxyConfigSchema.safeParse(valid()).success).toBe(true);
  });
});
