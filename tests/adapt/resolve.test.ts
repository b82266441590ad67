import { describe, expect, test } from 'vitest';
import { parseRequirements } from '../../core/adapt/requirements';
import {
  parseDistFilename,
  relaxedPins,
  resolveOffline,
  rewriteRequirements,
  unmetAdvice,
  type OfflineTarget,
  type Resolution,
} from '../../core/adapt/resolve';

const COURSE =
  'Django==5.2.5\ndjangorestframework==3.16.1\npsycopg[binary]>=3.1,<4\nasgiref==3.9.1\nsqlparse==0.5.3\ntzdata==2025.2\n';
const TRIXIE_DEBS = {
  'python3-django': '3:4.2.23-1',
  'python3-djangorestframework': '3.16.0-1',
  'python3-psycopg': '3.2.9-1',
  'python3-asgiref': '3.8.1-1',
  'python3-sqlparse': '0.5.3-1',
  tzdata: '2025b-4',
  gunicorn: '23.0.0-4',
  'python3-gunicorn': '23.0.0-4',
};
const trixie = (wheels: string[] = []): OfflineTarget => ({
  python: '3.13',
  machine: 'x86_64',
  debs: TRIXIE_DEBS,
  wheels: wheels.map((file) => parseDistFilename(file)!),
});
const resolve = (text: string, target = trixie(), file = 'requirements.txt') =>
  resolveOffline([parseRequirements(text, file)], target);
const brief = (resolutions: Resolution[]) =>
  resolutions.map((r) => {
    if (r.via === 'debian')
      return [r.req.name, 'debian', r.deb, r.version, r.relaxed ? 'relaxed' : 'satisfied'];
    if (r.via === 'wheelhouse') return [r.req.name, 'wheelhouse', r.wheel.file];
    if (r.via === 'unmet') return [r.req.name, 'unmet', r.reason];
    return [r.req.name || r.req.url, r.via, r.note];
  });

describe("the course's requirements on trixie", () => {
  const resolutions = resolve(COURSE);

  test('Django and DRF relaxed, psycopg and sqlparse satisfied, tzdata by the system', () => {
    expect(brief(resolutions)).toStrictEqual([
      ['Django', 'debian', 'python3-django', '4.2.23', 'relaxed'],
      ['djangorestframework', 'debian', 'python3-djangorestframework', '3.16.0', 'relaxed'],
      ['psycopg', 'debian', 'python3-psycopg', '3.2.9', 'satisfied'],
      ['asgiref', 'debian', 'python3-asgiref', '3.8.1', 'relaxed'],
      ['sqlparse', 'debian', 'python3-sqlparse', '0.5.3', 'satisfied'],
      ['tzdata', 'system', "Debian's tzdata package, which zoneinfo reads"],
    ]);
  });

  test('one warning per relaxed pin', () => {
    expect(relaxedPins(resolutions)).toStrictEqual([
      'requirements.txt:1: Django==5.2.5 → 4.2.23 from Debian (python3-django); pins relaxed offline',
      'requirements.txt:2: djangorestframework==3.16.1 → 3.16.0 from Debian (python3-djangorestframework); pins relaxed offline',
      'requirements.txt:4: asgiref==3.9.1 → 3.8.1 from Debian (python3-asgiref); pins relaxed offline',
    ]);
  });

  test('the rewritten file asks pip for nothing: only comments', () => {
    const file = parseRequirements(COURSE, 'requirements.txt');
    const rewritten = rewriteRequirements(file, COURSE, resolutions);
    expect(parseRequirements(rewritten, 'requirements.txt').requirements).toStrictEqual([]);
    expect(rewritten.split('\n')).toStrictEqual([
      '# Upstream Lab, offline build: pip installs only what is left in this file. Changed:',
      "#   Django==5.2.5: Debian's python3-django 4.2.23 (pin relaxed)",
      "#   djangorestframework==3.16.1: Debian's python3-djangorestframework 3.16.0 (pin relaxed)",
      "#   psycopg[binary]>=3.1,<4: Debian's python3-psycopg 3.2.9",
      "#   asgiref==3.9.1: Debian's python3-asgiref 3.8.1 (pin relaxed)",
      "#   sqlparse==0.5.3: Debian's python3-sqlparse 0.5.3",
      "#   tzdata==2025.2: the system (Debian's tzdata package, which zoneinfo reads)",
      '',
    ]);
  });

  test('drf-spectacular: unmet without a wheelhouse, from the wheelhouse with one', () => {
    const text = `${COURSE}drf-spectacular==0.27.2\n`;
    const unmet = resolve(text).at(-1)!;
    expect(brief([unmet])).toStrictEqual([
      [
        'drf-spectacular',
        'unmet',
        'no Debian package is known to provide drf-spectacular; there is no wheelhouse',
      ],
    ]);
    expect(unmetAdvice(unmet as Extract<Resolution, { via: 'unmet' }>)).toBe(
      "On a machine online, run `pip download 'drf-spectacular==0.27.2' -d wheels` (there with Python 3.13 on Linux x86_64, " +
        'like the image; elsewhere add `--python-version 3.13 --platform manylinux2014_x86_64 --only-binary=:all:`) ' +
        'and build with --wheelhouse wheels; or give a PyPI mirror this machine reaches (--pip-index URL); ' +
        'or, if the project does not need it, remove line 7 of requirements.txt.',
    );

    const withWheel = resolve(text, trixie(['drf_spectacular-0.27.2-py3-none-any.whl']));
    expect(brief(withWheel).at(-1)).toStrictEqual([
      'drf-spectacular',
      'wheelhouse',
      'drf_spectacular-0.27.2-py3-none-any.whl',
    ]);
    const rewritten = rewriteRequirements(parseRequirements(text, 'requirements.txt'), text, withWheel);
    expect(parseRequirements(rewritten, 'requirements.txt').requirements.map((r) => r.raw)).toStrictEqual([
      'drf-spectacular==0.27.2',
    ]);
  });
});

describe('resolveOffline', () => {
  test('a satisfying Debian package first, then a satisfying wheel, then the relaxed Debian package', () => {
    const target = trixie(['Django-5.2.5-py3-none-any.whl', 'django-4.2.0.tar.gz']);
    expect(brief(resolve('Django>=4.2\nDjango==5.2.5\nDjango==4.2.0\nDjango<4', target))).toStrictEqual([
      ['Django', 'debian', 'python3-django', '4.2.23', 'satisfied'],
      ['Django', 'wheelhouse', 'Django-5.2.5-py3-none-any.whl'],
      ['Django', 'wheelhouse', 'django-4.2.0.tar.gz'],
      ['Django', 'debian', 'python3-django', '4.2.23', 'relaxed'],
    ]);
  });

  test('unmet names what is on offer', () => {
    const target = trixie([
      'drf_spectacular-0.26.0-py3-none-any.whl',
      'drf_spectacular-0.27.2-cp312-cp312-manylinux_2_17_x86_64.whl',
      'six-1.16.0-py2.py3-none-any.whl',
    ]);
    expect(
      resolve('drf-spectacular==0.27.2\nenvirons', target).map((r) => (r.via === 'unmet' ? r.reason : r.via)),
    ).toStrictEqual([
      'no Debian package is known to provide drf-spectacular; the wheelhouse has only drf_spectacular-0.26.0-py3-none-any.whl (0.26.0, not ==0.27.2), drf_spectacular-0.27.2-cp312-cp312-manylinux_2_17_x86_64.whl (not for Python 3.13 on x86_64)',
      'no Debian package is known to provide environs; the wheelhouse has no environs',
    ]);
    expect(brief(resolve('whitenoise==6.8', trixie()))).toStrictEqual([
      [
        'whitenoise',
        'unmet',
        "python3-whitenoise is not among the offline base's packages; there is no wheelhouse",
      ],
    ]);
  });

  test('extras: met by the package, by packages of their own, or not at all', () => {
    const debs = { ...TRIXIE_DEBS, 'python3-psycopg-pool': '3.2.6-1' };
    const resolutions = resolve('psycopg[binary,pool]\ndjango[argon2]\ngunicorn', { ...trixie(), debs });
    expect(
      resolutions.map((r) => (r.via === 'debian' ? r.debs : r.via === 'unmet' ? r.reason : r.via)),
    ).toStrictEqual([
      ['python3-psycopg', 'python3-psycopg-pool'],
      "the extra [argon2] needs python3-argon2, not among the offline base's packages; there is no wheelhouse",
      ['python3-gunicorn', 'gunicorn'],
    ]);
    expect(
      brief(resolve('celery[sqs]', { ...trixie(), debs: { 'python3-celery': '5.5.2-1' } }))[0]![2],
    ).toMatch(/^python3-celery does not cover the extra \[sqs\]/);
  });

  test('markers, local paths, URLs, the system', () => {
    const BACKEND = 'offline, its build backend must be in the image or the wheelhouse';
    const text = [
      'backports.zoneinfo==0.2.1; python_version < "3.9"',
      'pywin32; sys_platform == "win32"',
      '-e .',
      './libs/x',
      'pip==25.0',
      'mylib @ https://example.com/mylib-1.0-py3-none-any.whl',
      'git+https://github.com/org/app.git#egg=app',
    ].join('\n');
    expect(brief(resolve(text, trixie(['mylib-1.0-py3-none-any.whl'])))).toStrictEqual([
      ['backports.zoneinfo', 'skipped', 'its marker is false for Python 3.13'],
      ['pywin32', 'skipped', 'its marker is false for Python 3.13'],
      ['.', 'local', `pip builds . from the build context (${BACKEND})`],
      ['./libs/x', 'local', `pip builds ./libs/x from the build context (${BACKEND})`],
      ['pip', 'system', "the image's own pip (python3-pip)"],
      ['mylib', 'wheelhouse', 'mylib-1.0-py3-none-any.whl'],
      [
        'app',
        'unmet',
        'pip cannot fetch the URL git+https://github.com/org/app.git#egg=app offline; the wheelhouse has no app',
      ],
    ]);
  });

  test('-c constraint files pin the matching requirement and are not installed themselves', () => {
    const production = parseRequirements(
      '-r base.txt\n-c constraints.txt\ngunicorn\n',
      'requirements/production.txt',
    );
    const base = parseRequirements('Django>=4.2\nsqlparse\n', 'requirements/base.txt');
    const constraints = parseRequirements('django==5.2.5\nsqlparse==0.5.3\n', 'requirements/constraints.txt');
    const resolutions = resolveOffline([production, base, constraints], trixie());
    expect(brief(resolutions)).toStrictEqual([
      ['gunicorn', 'debian', 'python3-gunicorn', '23.0.0', 'satisfied'],
      ['Django', 'debian', 'python3-django', '4.2.23', 'relaxed'],
      ['sqlparse', 'debian', 'python3-sqlparse', '0.5.3', 'satisfied'],
    ]);
    expect(relaxedPins(resolutions)).toStrictEqual([
      'requirements/base.txt:1: Django>=4.2 (constrained to >=4.2,==5.2.5) → 4.2.23 from Debian (python3-django); pins relaxed offline',
    ]);
    // The -r and -c lines stay; the constraints on what Debian meets go.
    const rewritten = rewriteRequirements(
      production,
      '-r base.txt\n-c constraints.txt\ngunicorn\n',
      resolutions,
    );
    expect(rewritten.split('\n').filter((line) => !line.startsWith('#'))).toStrictEqual([
      '-r base.txt',
      '-c constraints.txt',
      '',
    ]);
    const pins = rewriteRequirements(constraints, 'django==5.2.5\nsqlparse==0.5.3\n', resolutions);
    expect(pins).toContain(
      "#   django==5.2.5: a pin dropped, met by Debian's python3-django 4.2.23 (pin relaxed)",
    );
    expect(parseRequirements(pins, 'c.txt').requirements).toStrictEqual([]);
  });
});

describe('rewriteRequirements', () => {
  test('a URL met by the wheelhouse is asked for by name: pip would fetch the URL even with --no-index', () => {
    const text =
      'drf-spectacular @ https://x/drf_spectacular-0.27.2-py3-none-any.whl ; python_version >= "3.8"\n';
    const file = parseRequirements(text, 'requirements.txt');
    const target = trixie([
      'drf_spectacular-0.26.0-py3-none-any.whl',
      'drf_spectacular-0.27.2-py3-none-any.whl',
    ]);
    const resolutions = resolveOffline([file], target);
    expect(brief(resolutions)).toStrictEqual([
      ['drf-spectacular', 'wheelhouse', 'drf_spectacular-0.27.2-py3-none-any.whl'],
    ]);
    expect(rewriteRequirements(file, text, resolutions).split('\n').slice(1)).toStrictEqual([
      "#   drf-spectacular @ https://x/drf_spectacular-0.27.2-py3-none-any.whl: asked for by name, the wheelhouse's drf_spectacular-0.27.2-py3-none-any.whl (pip cannot fetch a URL offline)",
      'drf_spectacular==0.27.2 ; python_version >= "3.8"',
      '',
    ]);
  });

  test('index options go, comments and CRLF stay, continuation lines go with their requirement', () => {
    const text =
      '-i https://mirror-pypi.runflare.com/simple\r\n--trusted-host mirror-pypi.runflare.com\r\n# web\r\nDjango==5.2.5 \\\r\n  --hash=sha256:aaa\r\n-f ./wheels\r\ndrf-spectacular==0.27.2\r\n';
    const file = parseRequirements(text, 'requirements.txt');
    const resolutions = resolveOffline([file], trixie(['drf_spectacular-0.27.2-py3-none-any.whl']));
    expect(rewriteRequirements(file, text, resolutions).split('\r\n')).toStrictEqual([
      '# Upstream Lab, offline build: pip installs only what is left in this file. Changed:',
      "#   Django==5.2.5: Debian's python3-django 4.2.23 (pin relaxed)",
      '#   -i https://mirror-pypi.runflare.com/simple: dropped, there is no index offline',
      '#   --trusted-host mirror-pypi.runflare.com: dropped, there is no index offline',
      '# web',
      '-f ./wheels',
      'drf-spectacular==0.27.2',
      '',
    ]);
  });

  test('unchanged when pip still needs every line', () => {
    const text = 'drf-spectacular==0.27.2\n';
    const file = parseRequirements(text, 'requirements.txt');
    const resolutions = resolveOffline([file], trixie(['drf_spectacular-0.27.2-py3-none-any.whl']));
    expect(rewriteRequirements(file, text, resolutions)).toBe(text);
  });
});
