import { describe, expect, test } from 'vitest';
import { writeNginxConfig } from '../../core/nginx/write';
import { nginxBinary, requires } from '../support/prerequisites';
import { CORPUS } from './support/corpus';
import { seedText } from './support/fixtures';
import { nginxTest } from './support/nginx-test-run';
import { parse } from './support/parse-helpers';

const nginx = nginxBinary();

if (
  requires(
    'nginx',
    nginx !== undefined,
    'install nginx (Debian: apt-get install nginx) to check the writer with nginx -t',
  )
) {
  const check = (conf: string) => nginxTest(nginx ?? 'nginx', conf);

  describe('real nginx -t accepts what writeNginxConfig prints', () => {
    test.each(Object.entries(CORPUS))('%s (the source text itself)', async (_name, text) => {
      const result = await check(text);
      expect(result.ok, result.output).toBe(true);
    });

    test.each(Object.entries(CORPUS))('%s (written back)', async (_name, text) => {
      const config = parse(text).config;
      for (const explicitServerDefaults of [false, true]) {
        const result = await check(writeNginxConfig(config, { explicitServerDefaults }));
        expect(result.ok, result.output).toBe(true);
      }
    });

    test('the seed, exported for a local lab with its backends mapped to 127.0.0.1 ports', async () => {
      const written = writeNginxConfig(parse(seedText()).config, {
        explicitServerDefaults: true,
        mainDirectives: ['worker_processes 1'],
        mapAddress: (address) => `127.0.0.1:${19000 + Number(/^backend(\d+)/.exec(address)?.[1])}`,
      });
      expect(written).toContain('server 127.0.0.1:19003 max_fails=3 fail_timeout=30s weight=1;');
      const result = await check(written);
      expect(result.ok, result.output).toBe(true);
    });

    test('nginx -t resolves server names, so unresolvable ones fail (the reason tests use IP literals)', async () => {
      // `.invalid` never resolves (RFC 6761); Compose names like backend1 fail the same way outside Compose.
      const written = writeNginxConfig(parse(seedText()).config, {
        mapAddress: (address) => address.replace(/^backend(\d+)/, 'backend$1.invalid'),
      });
      const result = await check(written);
      expect(result.ok).toBe(false);
      expect(result.emerg?.message).toBe('host not found in upstream "backend1.invalid:8000"');
    });
  });
}
