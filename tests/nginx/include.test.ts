import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../core/nginx/errors';
import { loadNginxConfig } from '../../core/nginx/load-config';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'upstream-lab-include-'));
  await mkdir(join(dir, 'conf.d'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, name), text);

describe('include, when loading from disk', () => {
  test('relative files and conf.d/*.conf globs are read in place, in name order', async () => {
    await write(
      'nginx.conf',
      'events {}\nhttp {\n    include mime.types;\n    include conf.d/*.conf;\n    include nope.conf;\n}\n',
    );
    await write(
      'conf.d/b-server.conf',
      'server {\n    listen 18080;\n    location / { proxy_pass http://pool; }\n}\n',
    );
    await write('conf.d/a-upstream.conf', 'upstream pool {\n    server 127.0.0.1:9001;\n}\ngzip on;\n');
    await write('conf.d/ignored.txt', 'this is not nginx syntax {');
    const main = join(dir, 'nginx.conf');
    const { config, warnings, sourceMap } = await loadNginxConfig(main);
    expect(config.upstreams.map((upstream) => upstream.name)).toStrictEqual(['pool']);
    expect(config.servers[0]?.locations[0]?.proxy?.upstream).toBe('pool');
    expect(sourceMap['upstreams[0].servers[0]']).toStrictEqual({
      file: join(dir, 'conf.d/a-upstream.conf'),
      line: 2,
      col: 5,
    });
    expect(warnings.map(formatDiagnostic)).toStrictEqual([
      `${main}:3:5: ignored directive "include" ("mime.types": no such file)`,
      `${main}:5:5: ignored directive "include" ("nope.conf": no such file)`,
      `${join(dir, 'conf.d/a-upstream.conf')}:4:1: ignored directive "gzip"`,
    ]);
    expect(warnings.find((warning) => warning.message.includes('mime.types'))?.kind).toBe('no-effect');
  });

  test('errors inside an included file point into that file', async () => {
    await write('nginx.conf', 'events {}\nhttp {\n    include conf.d/bad.conf;\n}\n');
    await write('conf.d/bad.conf', 'upstream b {\n    server 127.0.0.1:9001 weight=0;\n}\n');
    await expect(loadNginxConfig(join(dir, 'nginx.conf'))).rejects.toThrow(
      `${join(dir, 'conf.d/bad.conf')}:2:27: invalid parameter "weight=0"`,
    );
  });

  test('an include cycle is refused', async () => {
    await write('nginx.conf', 'events {}\nhttp {\n    include loop.conf;\n}\n');
    await write('loop.conf', 'include loop.conf;\n');
    await expect(loadNginxConfig(join(dir, 'nginx.conf'))).rejects.toThrow(
      /includes nested deeper than 16 levels/,
    );
  });
});
