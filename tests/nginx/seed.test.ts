import { describe, expect, test } from 'vitest';
import { PROXY_DEFAULTS, SERVER_BLOCK_DEFAULTS } from '../../core/balancer/config';
import { formatDiagnostic } from '../../core/nginx/errors';
import { loadNginxConfig, parseNginxConfig } from '../../core/nginx/load-config';
import { validateProxyConfig } from '../../core/nginx/validate';
import { writeNginxConfig } from '../../core/nginx/write';
import { SEED_PATH, seedText } from './support/fixtures';

describe('seed lab 000 nginx.conf, loaded verbatim', () => {
  test('yields the backend_pool upstream with its 3 servers exactly as written', async () => {
    const { config } = await loadNginxConfig(SEED_PATH);
    expect(config.upstreams).toStrictEqual([
      {
        name: 'backend_pool',
        method: { kind: 'round_robin' },
        servers: ['backend1:8000', 'backend2:8000', 'backend3:8000'].map((address) => ({
          address,
          weight: 1,
          maxFails: 3,
          failTimeoutSec: 30,
          maxConns: 0,
          backup: false,
          down: false,
          slowStartSec: 0,
        })),
        keepalive: 0,
        implicit: false,
      },
    ]);
  });

  test('yields one server on 0.0.0.0:80 whose location / proxies with the 5 headers in order', async () => {
    const { config } = await loadNginxConfig(SEED_PATH);
    expect(config.servers).toStrictEqual([
      {
        listen: [{ host: '0.0.0.0', port: 80, defaultServer: false }],
        serverNames: [],
        locations: [
          {
            modifier: '',
            path: '/',
            addHeaders: [],
            proxy: {
              ...PROXY_DEFAULTS,
              upstream: 'backend_pool',
              setHeaders: [
                { name: 'Host', value: '$host' },
                { name: 'X-Real-IP', value: '$remote_addr' },
                { name: 'X-Forwarded-For', value: '$proxy_add_x_forwarded_for' },
                { name: 'X-Forwarded-Proto', value: '$scheme' },
                { name: 'X-Forwarded-Host', value: '$server_name' },
              ],
            },
          },
        ],
        ...SERVER_BLOCK_DEFAULTS,
      },
    ]);
  });

  test('no warning at all: an empty events {} is what nginx needs, not an ignored directive', async () => {
    const { warnings } = await loadNginxConfig(SEED_PATH);
    expect(warnings.map(formatDiagnostic)).toStrictEqual([]);
  });

  test('maps each server line back to its place in the file', () => {
    const { sourceMap } = parseNginxConfig(seedText(), 'nginx.conf');
    expect(sourceMap['upstreams[0].servers[0]']).toStrictEqual({ file: 'nginx.conf', line: 6, col: 9 });
    expect(sourceMap['upstreams[0].servers[2]']).toStrictEqual({ file: 'nginx.conf', line: 8, col: 9 });
    expect(sourceMap['servers[0].locations[0].proxy']).toStrictEqual({
      file: 'nginx.conf',
      line: 16,
      col: 24,
    });
  });

  test('passes the validator', () => {
    expect(validateProxyConfig(parseNginxConfig(seedText(), 'nginx.conf').config)).toMatchObject({
      ok: true,
    });
  });

  test('round-trips through the writer: parse(write(parse(seed))) equals parse(seed)', () => {
    const parsed = parseNginxConfig(seedText(), 'nginx.conf').config;
    for (const explicitServerDefaults of [false, true]) {
      const written = writeNginxConfig(parsed, { explicitServerDefaults });
      expect(parseNginxConfig(written, 'written.conf').config).toStrictEqual(parsed);
    }
  });

  test('is written back in the seed’s own form with explicitServerDefaults', () => {
    const written = writeNginxConfig(parseNginxConfig(seedText(), 'nginx.conf').config, {
      explicitServerDefaults: true,
    });
    // The seed minus its decorative blank lines inside upstream and location.
    const seedWithoutBlankPadding = seedText()
      .replace('backend_pool {\n\n', 'backend_pool {\n')
      .replace('weight=1;\n\n    }', 'weight=1;\n    }')
      .replace('$server_name;\n\n        }', '$server_name;\n        }');
    expect(written).toBe(seedWithoutBlankPadding);
  });
});
