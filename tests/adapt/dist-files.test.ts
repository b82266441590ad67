import { describe, expect, test } from 'vitest';
import { parseDistFilename, wheelFits, type WheelFile } from '../../core/adapt/resolve';

describe('wheel files', () => {
  test('parseDistFilename: wheels (compressed tag sets, build tags) and sdists', () => {
    const pick = (wheel: WheelFile | null) =>
      wheel && [wheel.key, wheel.version, wheel.kind, wheel.pythonTags, wheel.abiTags, wheel.platformTags];
    expect(pick(parseDistFilename('six-1.16.0-py2.py3-none-any.whl'))).toStrictEqual([
      'six',
      '1.16.0',
      'wheel',
      ['py2', 'py3'],
      ['none'],
      ['any'],
    ]);
    expect(
      pick(
        parseDistFilename(
          'psycopg_binary-3.2.9-1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        ),
      ),
    ).toStrictEqual([
      'psycopg-binary',
      '3.2.9',
      'wheel',
      ['cp313'],
      ['cp313'],
      ['manylinux_2_17_x86_64', 'manylinux2014_x86_64'],
    ]);
    expect(pick(parseDistFilename('django-environ-0.11.2.tar.gz'))).toStrictEqual([
      'django-environ',
      '0.11.2',
      'sdist',
      [],
      [],
      [],
    ]);
    expect(pick(parseDistFilename('wheels/Django-5.2.5.zip'))).toStrictEqual([
      'django',
      '5.2.5',
      'sdist',
      [],
      [],
      [],
    ]);
    expect(parseDistFilename('README.md')).toBeNull();
    expect(parseDistFilename('broken-wheel.whl')).toBeNull();
    expect(parseDistFilename('noversion.tar.gz')).toBeNull();
  });

  test.each([
    ['numpy-2.3.0-cp313-cp313-manylinux_2_17_x86_64.whl', true],
    ['numpy-2.3.0-cp312-cp312-manylinux_2_17_x86_64.whl', false],
    ['numpy-2.3.0-cp313-cp313-musllinux_1_2_x86_64.whl', false],
    ['numpy-2.3.0-cp313-cp313-manylinux_2_17_aarch64.whl', false],
    ['numpy-2.3.0-cp313-cp313-win_amd64.whl', false],
    ['numpy-2.3.0-cp313-cp313t-manylinux_2_17_x86_64.whl', false],
    ['cryptography-45.0.0-cp311-abi3-manylinux2014_x86_64.whl', true],
    ['pydantic_core-2.33.0-cp313-cp313-linux_x86_64.whl', true],
    ['x-1.0-py3-none-any.whl', true],
    ['x-1.0-py2.py3-none-any.whl', true],
    ['x-1.0-py2-none-any.whl', false],
    ['x-1.0-py314-none-any.whl', false],
    ['x-1.0-cp313-none-any.whl', true],
    ['x-1.0.tar.gz', true],
  ])('%s fits CPython 3.13 on x86_64: %s', (file, fits) => {
    expect(wheelFits(parseDistFilename(file)!, { python: '3.13', machine: 'x86_64' })).toBe(fits);
  });

  test('the machine as Docker names it, and a known glibc', () => {
    const arm = parseDistFilename('x-1.0-cp313-cp313-manylinux_2_28_aarch64.whl')!;
    expect(wheelFits(arm, { python: '3.13', machine: 'arm64' })).toBe(true);
    expect(wheelFits(arm, { python: '3.13', machine: 'aarch64', glibc: '2.36' })).toBe(true);
    const recent = parseDistFilename('x-1.0-cp313-cp313-manylinux_2_39_x86_64.whl')!;
    expect(wheelFits(recent, { python: '3.13', machine: 'x86_64', glibc: '2.36' })).toBe(false);
  });
});
