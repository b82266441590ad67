import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../core/adapt/dockerfile';
import { rewriteForBuild, type BuildRewrite } from '../../core/adapt/rewrite';

const rewrite = (text: string, plan: BuildRewrite) => rewriteForBuild(parseDockerfile(text), plan);
const offline = (text: string) => rewrite(text, { pip: { kind: 'offline' } }).text;
const mirror = (text: string, indexUrl = 'https://m.example/simple') =>
  rewrite(text, { pip: { kind: 'mirror', indexUrl } }).text;

describe('pip commands in every form', () => {
  test('a self-upgrade and an install in one RUN: only the upgrade becomes true', () => {
    expect(offline('RUN pip install --upgrade pip && pip install --no-cache-dir -r requirements.txt')).toBe(
      'RUN true && pip install --no-index --no-cache-dir -r requirements.txt',
    );
  });

  test('exec form without a shell, and with sh -c', () => {
    expect(offline('RUN ["pip", "install", "-i", "https://x/simple", "-r", "requirements.txt"]')).toBe(
      'RUN ["pip", "install", "--no-index", "-r", "requirements.txt"]',
    );
    expect(offline('RUN ["pip", "install", "--upgrade", "pip"]')).toBe('RUN ["true"]');
    expect(
      offline('RUN ["sh", "-c", "pip install --upgrade pip && pip install -r \\"requirements.txt\\""]'),
    ).toBe('RUN ["sh", "-c", "true && pip install --no-index -r \\"requirements.txt\\""]');
    expect(mirror('RUN ["/bin/bash", "-c", "pip install -r requirements.txt"]', 'https://m/s?a=1')).toBe(
      `RUN ["/bin/bash", "-c", "pip install --index-url 'https://m/s?a=1' -r requirements.txt"]`,
    );
  });

  test('--no-build-isolation when asked, once', () => {
    const plan = { pip: { kind: 'offline' as const, findLinks: '/w', noBuildIsolation: true } };
    expect(rewrite('RUN pip install -r r.txt', plan).text).toBe(
      'RUN pip install --no-index --find-links /w --no-build-isolation -r r.txt',
    );
    expect(rewrite('RUN pip install --no-build-isolation -e .', plan).text).toBe(
      'RUN pip install --no-index --find-links /w --no-build-isolation -e .',
    );
  });

  test('a heredoc script', () => {
    const text = 'RUN <<EOF\nset -e\npip install -i https://x/simple -r requirements.txt\nEOF\n';
    expect(offline(text)).toBe('RUN <<EOF\nset -e\npip install --no-index -r requirements.txt\nEOF\n');
  });

  test('offline drops every index option, keeps local find-links and leaves --no-index installs as written', () => {
    expect(
      offline(
        'RUN pip install --index-url=https://a/simple --extra-index-url https://b/simple --trusted-host a -f /w -r r.txt -f https://c/links',
      ),
    ).toBe('RUN pip install --no-index -f /w -r r.txt');
    const already = 'RUN pip install --no-index --find-links=/wheels/ /wheels/*';
    expect(offline(already)).toBe(already);
  });

  test('mirror: every index form replaced in place, an index added where none is named, extra indexes dropped', () => {
    expect(
      mirror(
        'RUN pip install -ihttps://a/simple --index-url=https://b/simple --extra-index-url https://c/simple x',
      ),
    ).toBe('RUN pip install -ihttps://m.example/simple --index-url=https://m.example/simple x');
    expect(mirror('RUN pip install -r requirements.txt')).toBe(
      'RUN pip install --index-url https://m.example/simple -r requirements.txt',
    );
    expect(mirror('RUN pip install -i https://x/simple --trusted-host x -r r.txt')).toBe(
      'RUN pip install -i https://m.example/simple -r r.txt',
    );
  });
});

describe('ENV and ARG settings', () => {
  const text = [
    'ENV PIP_INDEX_URL=https://mirror-pypi.runflare.com/simple PIP_DEFAULT_TIMEOUT=100',
    'ENV PIP_EXTRA_INDEX_URL https://b/simple',
    'ARG PIP_INDEX_URL=https://mirror-pypi.runflare.com/simple',
    'ENV PIP_TRUSTED_HOST=mirror-pypi.runflare.com',
    'RUN pip install -r requirements.txt',
  ].join('\n');

  test('offline: PIP_INDEX_URL → PIP_NO_INDEX=1, the extra index line deleted', () => {
    const out = rewrite(text, { pip: { kind: 'offline' } });
    expect(out.text.split('\n')).toStrictEqual([
      'ENV PIP_NO_INDEX=1 PIP_DEFAULT_TIMEOUT=100',
      'ARG PIP_NO_INDEX=1',
      'ENV PIP_TRUSTED_HOST=mirror-pypi.runflare.com',
      'RUN pip install --no-index -r requirements.txt',
    ]);
    expect(out.changes.map((c) => c.line)).toStrictEqual([1, 2, 3, 5]);
  });

  test('mirror: the URL replaced, the extra index and the old trusted host dropped', () => {
    expect(mirror(text).split('\n')).toStrictEqual([
      'ENV PIP_INDEX_URL=https://m.example/simple PIP_DEFAULT_TIMEOUT=100',
      'ARG PIP_INDEX_URL=https://m.example/simple',
      'RUN pip install --index-url https://m.example/simple -r requirements.txt',
    ]);
  });
});
