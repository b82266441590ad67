import { describe, expect, it } from 'vitest';
import { parseDockerfile, rewriteForBuild } from '../../core/adapt';

const rewrite = (text: string, plan: Parameters<typeof rewriteForBuild>[1]) =>
  rewriteForBuild(parseDockerfile(text), plan);

describe('what an offline build leaves out', () => {
  it("packages named on pip's command line that Debian meets are left out; all of them: a no-op", () => {
    const text =
      'FROM python:3.11\nRUN pip install --upgrade pip && pip install flake8==6.0.0 gunicorn\nRUN pip install gunicorn\n';
    const { text: out, changes } = rewrite(text, {
      pip: { kind: 'offline', met: new Set(['flake8==6.0.0', 'gunicorn']) },
    });
    expect(out).toBe('FROM python:3.11\nRUN true && true\nRUN true\n');
    expect(changes.map((c) => c.line)).toEqual([2, 3]);
    expect(changes[1]!.reason).toMatch(/gunicorn: Debian packages meet them offline/);
    const some = rewrite('FROM python:3.11\nRUN pip install flake8==6.0.0 drf-spectacular\n', {
      pip: { kind: 'offline', met: new Set(['flake8==6.0.0']) },
    });
    expect(some.text).toBe('FROM python:3.11\nRUN pip install --no-index drf-spectacular\n');
  });

  it('`pip install /wheels/*` runs only when a builder stage left wheels there', () => {
    const { text } = rewrite('FROM python:3.11\nRUN pip install --no-cache /wheels/*\n', {
      pip: { kind: 'offline' },
    });
    expect(text).toBe(
      'FROM python:3.11\nRUN if ls /wheels/* >/dev/null 2>&1; then pip install --no-index --no-cache /wheels/*; fi\n',
    );
  });

  it('compilers an offline build does not need are dropped from apt-get install, keeping the rest', () => {
    const text =
      'FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends gcc netcat libpq-dev\nRUN apt-get install -y gcc\n';
    const { text: out, changes } = rewrite(text, {
      apt: { drop: { packages: new Set(['gcc', 'libpq-dev']), reason: 'nothing is compiled' } },
    });
    expect(out).toBe(
      'FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends netcat\nRUN true\n',
    );
    expect(changes[0]!.reason).toBe('apt-get install without gcc, libpq-dev: nothing is compiled');
  });
});
