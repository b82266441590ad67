import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../core/nginx/errors';
import { nginxBinary, requires } from '../support/prerequisites';
import { ERROR_CASES } from './error-cases';
import { nginxTest } from './support/nginx-test-run';
import { FILE, parseError } from './support/parse-helpers';

describe('refused configs report FILE:LINE:COL: reason', () => {
  test.each(ERROR_CASES)('$name', ({ conf, error }) => {
    expect(parseError(conf)).toBe(error);
  });

  test('ConfigError carries the position and the bare reason', () => {
    try {
      throw new ConfigError({ file: FILE, line: 3, col: 7 }, 'invalid parameter "x"');
    } catch (error) {
      expect(error).toMatchObject({ file: FILE, line: 3, col: 7, reason: 'invalid parameter "x"' });
      expect((error as Error).message).toBe(`${FILE}:3:7: invalid parameter "x"`);
    }
  });
});

const nginx = nginxBinary();
if (
  requires(
    'nginx',
    nginx !== undefined,
    'install nginx (Debian: apt-get install nginx) to compare with nginx -t',
  )
) {
  describe('nginx -t on the same configs', () => {
    test.each(ERROR_CASES)('$name', async ({ conf, error, nginx: expected }) => {
      const result = await nginxTest(nginx ?? 'nginx', conf);
      if (expected === 'accepts') {
        expect(result.ok, result.output).toBe(true);
        return;
      }
      const [, line, , reason] = /^[^:]+:(\d+):(\d+): (.*)$/.exec(error) ?? [];
      const wanted = expected === 'same' ? { reason, line: Number(line) } : expected;
      expect(result.ok).toBe(false);
      expect(result.emerg, result.output).toStrictEqual({ message: wanted.reason, line: wanted.line });
    });
  });
}
