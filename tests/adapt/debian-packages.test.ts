import { describe, expect, test } from 'vitest';
import {
  debianMapping,
  debianToPep440,
  MET_BY_SYSTEM,
  PYPI_TO_DEBIAN,
  TRIXIE_ONLY_DEBIAN,
} from '../../core/adapt/debian-packages';
import { normalizeName } from '../../core/adapt/requirements';

describe('debianToPep440', () => {
  test.each([
    ['2:4.2.23-1+deb13u1', '4.2.23'],
    ['3:3.2.25-0+deb12u7', '3.2.25'],
    ['3.16.0-1', '3.16.0'],
    ['6.0.1+dfsg-2', '6.0.1'],
    ['1:0.21.0-1~bpo12+1', '0.21.0'],
    ['23.0.0-4', '23.0.0'],
    ['5.2.1~rc1-1', '5.2.1rc1'],
    ['1.0.0.dev2-2', '1.0.0.dev2'],
    ['1.2.1+actually1.2.1-1', '1.2.1'],
    ['2025.2', '2025.2'],
    ['', null],
    ['abc-1', null],
    ['1:x.y-1', null],
  ])('%s → %s', (debian, pep440) => {
    expect(debianToPep440(debian)).toBe(pep440);
  });
});

describe('the PyPI → Debian map', () => {
  test('the names the spec fixes', () => {
    const deb = (name: string) => debianMapping(normalizeName(name))?.deb;
    expect(deb('Django')).toBe('python3-django');
    expect(deb('Pillow')).toBe('python3-pil');
    expect(deb('PyYAML')).toBe('python3-yaml');
    expect(deb('python-dotenv')).toBe('python3-dotenv');
    expect(deb('dj-database-url')).toBe('python3-dj-database-url');
    expect(deb('djangorestframework')).toBe('python3-djangorestframework');
    expect(deb('django-environ')).toBe('python3-django-environ');
    expect(deb('django-cors-headers')).toBe('python3-django-cors-headers');
    expect(deb('djangorestframework-simplejwt')).toBe('python3-djangorestframework-simplejwt');
    expect(deb('python-dateutil')).toBe('python3-dateutil');
    expect(deb('PyJWT')).toBe('python3-jwt');
    expect(deb('charset_normalizer')).toBe('python3-charset-normalizer');
    expect(deb('typing_extensions')).toBe('python3-typing-extensions');
    expect(deb('psycopg2-binary')).toBe('python3-psycopg2');
    expect(deb('crispy-bootstrap5')).toBe('python3-crispy-bootstrap5');
    expect(PYPI_TO_DEBIAN.psycopg).toStrictEqual({
      deb: 'python3-psycopg',
      extras: { binary: [], c: [], pool: ['python3-psycopg-pool'] },
    });
    expect(PYPI_TO_DEBIAN.gunicorn).toStrictEqual({ deb: 'python3-gunicorn', companions: ['gunicorn'] });
  });

  test('keys are PEP 503 normalized; names look like Debian binary packages; no key is both mapped and met by the system', () => {
    const all = { ...PYPI_TO_DEBIAN, ...TRIXIE_ONLY_DEBIAN };
    for (const [key, entry] of Object.entries(all)) {
      expect(normalizeName(key)).toBe(key);
      for (const deb of [
        entry.deb,
        ...(entry.companions ?? []),
        ...Object.values(entry.extras ?? {}).flat(),
      ]) {
        expect(deb).toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
      }
      expect(MET_BY_SYSTEM[key]).toBeUndefined();
    }
    expect(Object.keys(PYPI_TO_DEBIAN).filter((key) => key in TRIXIE_ONLY_DEBIAN)).toStrictEqual([]);
    expect(Object.keys(MET_BY_SYSTEM)).toEqual(expect.arrayContaining(['tzdata', 'pip']));
  });
});
