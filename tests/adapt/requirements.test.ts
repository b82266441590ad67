import { describe, expect, test } from 'vitest';
import { markerApplies, normalizeName, parseRequirements } from '../../core/adapt/requirements';

const reqs = (text: string) =>
  parseRequirements(text, 'requirements.txt').requirements.map(
    ({ raw: _, line: __, endLine: ___, ...r }) => r,
  );
const plain = { extras: [], specifier: '', marker: null, url: null, editable: false, hashes: [] };

describe('parseRequirements', () => {
  test("the course's requirements", () => {
    const text =
      'Django==5.2.5\ndjangorestframework==3.16.1\npsycopg[binary]>=3.1,<4\nasgiref==3.9.1\nsqlparse==0.5.3\ntzdata==2025.2\n';
    expect(reqs(text)).toStrictEqual([
      { ...plain, name: 'Django', key: 'django', specifier: '==5.2.5' },
      { ...plain, name: 'djangorestframework', key: 'djangorestframework', specifier: '==3.16.1' },
      { ...plain, name: 'psycopg', key: 'psycopg', extras: ['binary'], specifier: '>=3.1,<4' },
      { ...plain, name: 'asgiref', key: 'asgiref', specifier: '==3.9.1' },
      { ...plain, name: 'sqlparse', key: 'sqlparse', specifier: '==0.5.3' },
      { ...plain, name: 'tzdata', key: 'tzdata', specifier: '==2025.2' },
    ]);
  });

  test('specifier forms, spacing normalized; markers; PEP 503 keys', () => {
    expect(
      reqs(
        'Django >= 4.2 , < 5\ndjango-environ~=0.11.0\nDjango_Rest.Framework===1.0\nwhitenoise==6.*\nsix (>=1.16)\nbackports.zoneinfo;python_version<"3.9"\ncelery[redis, msgpack] >=5 ; sys_platform == "linux"',
      ),
    ).toStrictEqual([
      { ...plain, name: 'Django', key: 'django', specifier: '>=4.2,<5' },
      { ...plain, name: 'django-environ', key: 'django-environ', specifier: '~=0.11.0' },
      { ...plain, name: 'Django_Rest.Framework', key: 'django-rest-framework', specifier: '===1.0' },
      { ...plain, name: 'whitenoise', key: 'whitenoise', specifier: '==6.*' },
      { ...plain, name: 'six', key: 'six', specifier: '>=1.16' },
      { ...plain, name: 'backports.zoneinfo', key: 'backports-zoneinfo', marker: 'python_version<"3.9"' },
      {
        ...plain,
        name: 'celery',
        key: 'celery',
        extras: ['redis', 'msgpack'],
        specifier: '>=5',
        marker: 'sys_platform == "linux"',
      },
    ]);
    expect(normalizeName('Django_Rest.Framework')).toBe('django-rest-framework');
    expect(normalizeName('zope..interface')).toBe('zope-interface');
  });

  test('comments, continuations, hashes, CRLF and a byte order mark', () => {
    const text =
      '\uFEFF# production\r\nDjango==5.2.5 \\\r\n    --hash=sha256:aaa \\\r\n    --hash=sha256:bbb  # pinned\r\n\r\ngunicorn==23.0.0 # the server\r\n';
    const file = parseRequirements(text, 'r.txt');
    expect(file.requirements.map((r) => [r.name, r.specifier, r.hashes, r.line, r.endLine])).toStrictEqual([
      ['Django', '==5.2.5', ['sha256:aaa', 'sha256:bbb'], 2, 4],
      ['gunicorn', '==23.0.0', [], 6, 6],
    ]);
    expect(file.requirements[0]!.raw).toBe(
      'Django==5.2.5 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb  # pinned',
    );
  });

  test('includes, constraints and options, with = or a space', () => {
    const file = parseRequirements(
      '-r base.txt\n--requirement=dev.txt\n-c constraints.txt\n-i https://mirror-pypi.runflare.com/simple\n--extra-index-url https://b/simple\n-f ./wheels\n--trusted-host mirror-pypi.runflare.com\n--pre\n--index https://c/simple',
      'requirements/production.txt',
    );
    expect(file.includes).toStrictEqual([
      { kind: 'requirement', file: 'base.txt', line: 1 },
      { kind: 'requirement', file: 'dev.txt', line: 2 },
      { kind: 'constraint', file: 'constraints.txt', line: 3 },
    ]);
    expect(file.options.map((o) => [o.line, o.name, o.value])).toStrictEqual([
      [4, 'index-url', 'https://mirror-pypi.runflare.com/simple'],
      [5, 'extra-index-url', 'https://b/simple'],
      [6, 'find-links', './wheels'],
      [7, 'trusted-host', 'mirror-pypi.runflare.com'],
      [8, 'pre', undefined],
      [9, 'index-url', 'https://c/simple'],
    ]);
  });

  test('editables, paths and URLs', () => {
    expect(
      reqs(
        '-e .\n-e ./libs/shared[dev]\n./libs/x\n-e git+https://github.com/org/app.git@main#egg=app\ndrf-spectacular @ https://example.com/drf_spectacular-0.27.2-py3-none-any.whl ; python_version >= "3.8"\nhttps://example.com/Django-5.2.5.tar.gz\ndist/pkg-1.0-py3-none-any.whl',
      ),
    ).toStrictEqual([
      { ...plain, name: '', key: '', url: '.', editable: true },
      { ...plain, name: '', key: '', extras: ['dev'], url: './libs/shared', editable: true },
      { ...plain, name: '', key: '', url: './libs/x' },
      {
        ...plain,
        name: 'app',
        key: 'app',
        url: 'git+https://github.com/org/app.git@main#egg=app',
        editable: true,
      },
      {
        ...plain,
        name: 'drf-spectacular',
        key: 'drf-spectacular',
        url: 'https://example.com/drf_spectacular-0.27.2-py3-none-any.whl',
        marker: 'python_version >= "3.8"',
      },
      { ...plain, name: 'Django', key: 'django', url: 'https://example.com/Django-5.2.5.tar.gz' },
      { ...plain, name: 'pkg', key: 'pkg', url: 'dist/pkg-1.0-py3-none-any.whl' },
    ]);
  });

  test.each([
    [
      'Django=5.2.5',
      /requirements.txt:2: invalid requirement: Django=5.2.5 \("=" is not an operator: did you mean "=="\?\)/,
    ],
    ['Django==5.2.5 --no-such-flag', /requirements.txt:2: no such option: --no-such-flag/],
    ['-r', /requirements.txt:2: -r option requires an argument/],
    ['django~=3', /requirements.txt:2: invalid requirement: django~=3/],
    ['django; python_version >> "3"', /requirements.txt:2: invalid marker/],
    ['django; foo == "1"', /requirements.txt:2: invalid marker .*unknown variable foo/],
    ['-e django', /requirements.txt:2: django should be a path to a local project or a VCS URL/],
    ['django[', /requirements.txt:2: invalid requirement/],
  ])('refuses what pip refuses: %s', (line, error) => {
    expect(() => parseRequirements(`six\n${line}\n`, 'requirements.txt')).toThrow(error);
  });
});

describe('markerApplies', () => {
  const py313 = { pythonVersion: '3.13' };
  test.each([
    ['python_version < "3.12"', false],
    ['python_version >= "3.8"', true],
    ['python_version ~= "3.10"', true],
    ['python_version ~= "3.12.0"', false],
    ['python_version == "3.13"', true],
    ['python_version == "3.13.*"', true],
    ['"3.12" < python_version', true],
    ['python_full_version >= "3.13.0"', true],
    ['sys_platform == "win32"', false],
    ['sys_platform == "linux" and platform_machine == "x86_64"', true],
    ['platform_system != "Windows"', true],
    ['os_name == "nt" or implementation_name == "cpython"', true],
    ['(python_version < "3.9" or os_name == "nt") and sys_platform == "linux"', false],
    ['platform_python_implementation == "PyPy"', false],
    ['"linux" in sys_platform', true],
    ['"win" not in sys_platform', true],
    ["python_version>'3.6'", true],
    ['extra == "dev"', false],
  ])('%s → %s on Python 3.13', (marker, expected) => {
    expect(markerApplies(marker, py313)).toBe(expected);
  });

  test('another machine and full version', () => {
    expect(
      markerApplies('platform_machine == "aarch64"', { pythonVersion: '3.11', machine: 'aarch64' }),
    ).toBe(true);
    expect(
      markerApplies('python_full_version < "3.11.2"', { pythonVersion: '3.11', pythonFullVersion: '3.11.2' }),
    ).toBe(false);
  });
});
