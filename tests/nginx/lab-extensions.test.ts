import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../core/nginx/errors';
import { HEALTH_CHECK_DEFAULTS } from '../../core/nginx/health-check';
import { writeNginxConfig } from '../../core/nginx/write';
import { FILE, http, parse, upstream } from './support/parse-helpers';

const upstreamBlock = (...lines: string[]): string =>
  http(['    upstream b {', ...lines.map((line) => `        ${line}`), '    }'].join('\n'));

describe('slow start', () => {
  test('"# upstream-lab: slow_start=T" at the end of a server line', () => {
    const { config, warnings } = parse(
      upstreamBlock(
        'server 127.0.0.1:9001 weight=2; # upstream-lab: slow_start=10s',
        'server 127.0.0.1:9002;',
      ),
    );
    expect(upstream(config, 'b').servers.map((server) => server.slowStartSec)).toStrictEqual([10, 0]);
    expect(warnings.filter((warning) => warning.kind !== 'no-effect')).toStrictEqual([]);
  });

  test('or on the line right after it', () => {
    const { config } = parse(
      upstreamBlock('server 127.0.0.1:9001;', '# upstream-lab: slow_start=1m', 'server 127.0.0.1:9002;'),
    );
    expect(upstream(config, 'b').servers.map((server) => server.slowStartSec)).toStrictEqual([60, 0]);
  });

  test('nginx Plus syntax on the server line works, with a warning', () => {
    const { config, warnings } = parse(
      upstreamBlock('server 127.0.0.1:9001 slow_start=30s;', 'server 127.0.0.1:9002;'),
    );
    expect(upstream(config, 'b').servers[0]?.slowStartSec).toBe(30);
    expect(warnings.map(formatDiagnostic)).toContain(
      `${FILE}:4:31: "slow_start" is nginx Plus syntax that nginx OSS rejects; applied, and exported as an "# upstream-lab: slow_start=..." comment`,
    );
  });
});

describe('active health check', () => {
  test('"# upstream-lab: health_check ..." inside the upstream', () => {
    const { config, warnings } = parse(
      upstreamBlock(
        'server 127.0.0.1:9001;',
        '# upstream-lab: health_check uri=/health interval=1s timeout=300ms fails=2 passes=3 status=200-299',
      ),
    );
    expect(upstream(config, 'b').healthCheck).toStrictEqual({
      path: '/health',
      intervalMs: 1000,
      timeoutMs: 300,
      fall: 2,
      rise: 3,
      expectStatus: [200, 299],
    });
    expect(warnings.filter((warning) => warning.kind !== 'no-effect')).toStrictEqual([]);
  });

  test('defaults for everything left out', () => {
    const { config } = parse(upstreamBlock('server 127.0.0.1:9001;', '# upstream-lab: health_check'));
    expect(upstream(config, 'b').healthCheck).toStrictEqual(HEALTH_CHECK_DEFAULTS);
  });

  test('nginx Plus health_check in the upstream, with a warning; Plus-only parameters are reported', () => {
    const { config, warnings } = parse(
      upstreamBlock(
        'server 127.0.0.1:9001;',
        'health_check uri=/health interval=1s fails=2 passes=1 match=ok;',
      ),
    );
    expect(upstream(config, 'b').healthCheck).toMatchObject({
      path: '/health',
      intervalMs: 1000,
      fall: 2,
      rise: 1,
    });
    expect(warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:5:9: "health_check" is nginx Plus syntax that nginx OSS rejects; applied, and exported as an "# upstream-lab: health_check" comment`,
      `${FILE}:5:63: ignored health_check parameter "match=ok"`,
    ]);
  });

  test("nginx Plus health_check in a location applies to that location's upstream", () => {
    const text = http(
      [
        '    upstream b { server 127.0.0.1:9001; }',
        '    server {',
        '        location / {',
        '            proxy_pass http://b;',
        '            health_check interval=2s;',
        '        }',
        '    }',
      ].join('\n'),
    );
    const { config, sourceMap } = parse(text);
    expect(upstream(config, 'b').healthCheck).toMatchObject({ path: '/', intervalMs: 2000 });
    expect(sourceMap['upstreams[0].healthCheck']).toStrictEqual({ file: FILE, line: 7, col: 13 });
  });

  test('both survive a write and parse round trip as upstream-lab comments', () => {
    const { config } = parse(
      upstreamBlock(
        'server 127.0.0.1:9001 slow_start=30s;',
        'server 127.0.0.1:9002;',
        'health_check uri=/h interval=1s fails=2;',
      ),
    );
    const written = writeNginxConfig(config);
    expect(written).toContain('server 127.0.0.1:9001; # upstream-lab: slow_start=30s\n');
    expect(written).toContain('# upstream-lab: health_check uri=/h interval=1s fails=2\n');
    const reparsed = parse(written);
    expect(reparsed.config).toStrictEqual(config);
    expect(reparsed.warnings.filter((warning) => warning.kind === 'nginx-plus')).toStrictEqual([]);
  });
});
