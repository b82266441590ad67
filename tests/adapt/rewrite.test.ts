import { describe, expect, test } from 'vitest';
import { unifiedDiff } from '../../core/adapt/diff';
import { parseDockerfile } from '../../core/adapt/dockerfile';
import { rewriteForBuild, type BuildRewrite } from '../../core/adapt/rewrite';

const COURSE = `FROM docker.arvancloud.ir/python:3.13

WORKDIR /app

COPY . .

RUN python -m pip install -i https://mirror-pypi.runflare.com/simple --upgrade pip

RUN pip install -i https://mirror-pypi.runflare.com/simple -r requirements.txt

EXPOSE 8000

CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
`;

const rewrite = (text: string, plan: BuildRewrite) => rewriteForBuild(parseDockerfile(text), plan);
const offline = (text: string, plan: Omit<BuildRewrite, 'pip'> = {}) =>
  rewrite(text, { pip: { kind: 'offline' }, ...plan }).text;
const mirror = (text: string, indexUrl = 'https://m.example/simple') =>
  rewrite(text, { pip: { kind: 'mirror', indexUrl } }).text;
const DERIVED = 'upstream-lab/python-derived:abc';

describe("the course's Dockerfile", () => {
  test('offline: FROM replaced, the upgrade a no-op, the install --no-index; every other line byte-identical', () => {
    const { text, changes } = rewrite(COURSE, { from: new Map([[0, DERIVED]]), pip: { kind: 'offline' } });
    expect(text).toBe(
      COURSE.replace('docker.arvancloud.ir/python:3.13', DERIVED)
        .replace('python -m pip install -i https://mirror-pypi.runflare.com/simple --upgrade pip', 'true')
        .replace('pip install -i https://mirror-pypi.runflare.com/simple -r', 'pip install --no-index -r'),
    );
    expect(text.split('\n')[8]).toBe('RUN pip install --no-index -r requirements.txt');
    expect(changes).toStrictEqual([
      { line: 1, reason: `FROM docker.arvancloud.ir/python:3.13 → ${DERIVED}` },
      { line: 7, reason: "upgrading pip needs an index: a no-op offline (the image's own pip is used)" },
      {
        line: 9,
        reason: 'pip install offline: --no-index, not the index https://mirror-pypi.runflare.com/simple',
      },
    ]);
  });

  test('the diff shows only the changed lines', () => {
    const { text } = rewrite(COURSE, { from: new Map([[0, DERIVED]]), pip: { kind: 'offline' } });
    const diff = unifiedDiff('Dockerfile', COURSE, text);
    expect(diff.split('\n').filter((line) => /^[-+]/.test(line))).toStrictEqual([
      '--- a/Dockerfile',
      '+++ b/Dockerfile',
      '-FROM docker.arvancloud.ir/python:3.13',
      `+FROM ${DERIVED}`,
      '-RUN python -m pip install -i https://mirror-pypi.runflare.com/simple --upgrade pip',
      '+RUN true',
      '-RUN pip install -i https://mirror-pypi.runflare.com/simple -r requirements.txt',
      '+RUN pip install --no-index -r requirements.txt',
    ]);
    expect(unifiedDiff('Dockerfile', COURSE, COURSE)).toBe('');
  });

  test('offline with a wheelhouse: --find-links, and the COPY before the install', () => {
    const { text, changes } = rewrite(COURSE, {
      pip: { kind: 'offline', findLinks: '/x' },
      insertBeforeFirstPip: ['COPY .upstream-lab/wheelhouse /x'],
    });
    expect(text).toContain(
      '\nRUN true\n\nCOPY .upstream-lab/wheelhouse /x\nRUN pip install --no-index --find-links /x -r requirements.txt\n',
    );
    expect(changes.find((c) => c.line === 9)?.reason).toMatch(
      /--find-links \/x \(the wheelhouse\).*added before it: COPY/,
    );
  });

  test('mirror: the mirror URL in both RUN lines; plain http gets --trusted-host', () => {
    expect(mirror(COURSE)).toBe(
      COURSE.replaceAll('https://mirror-pypi.runflare.com/simple', 'https://m.example/simple'),
    );
    expect(mirror(COURSE, 'http://10.0.0.5:3141/root/pypi/+simple/')).toContain(
      'RUN pip install -i http://10.0.0.5:3141/root/pypi/+simple/ --trusted-host 10.0.0.5:3141 -r requirements.txt',
    );
  });
});

describe('real shapes', () => {
  test('testdriven.io: apt-get offline, the upgrade a no-op, ENV legacy form untouched', () => {
    const text = [
      '# pull official base image',
      'FROM python:3.11.4-slim-buster',
      'WORKDIR /usr/src/app',
      'ENV PYTHONDONTWRITEBYTECODE 1',
      'ENV PYTHONUNBUFFERED 1',
      'RUN apt-get update && apt-get install -y netcat',
      'RUN pip install --upgrade pip',
      'COPY ./requirements.txt .',
      'RUN pip install -r requirements.txt',
      "RUN sed -i 's/\\r$//g' /usr/src/app/entrypoint.sh",
      'ENTRYPOINT ["/usr/src/app/entrypoint.sh"]',
    ].join('\n');
    const out = rewrite(text, {
      from: new Map([[0, DERIVED]]),
      pip: { kind: 'offline' },
      apt: { offline: true },
    });
    expect(out.text.split('\n')).toStrictEqual([
      '# pull official base image',
      `FROM ${DERIVED}`,
      'WORKDIR /usr/src/app',
      'ENV PYTHONDONTWRITEBYTECODE 1',
      'ENV PYTHONUNBUFFERED 1',
      'RUN true && apt-get install --no-download -y netcat',
      'RUN true',
      'COPY ./requirements.txt .',
      'RUN pip install --no-index -r requirements.txt',
      "RUN sed -i 's/\\r$//g' /usr/src/app/entrypoint.sh",
      'ENTRYPOINT ["/usr/src/app/entrypoint.sh"]',
    ]);
    expect(out.changes.map((c) => c.line)).toStrictEqual([2, 6, 7, 9]);
  });

  test('cookiecutter-django: multi-stage, the builder offline, the final --no-index install left alone', () => {
    const text = [
      'FROM python:3.12-slim-bookworm AS python',
      '',
      'FROM python AS python-build-stage',
      'RUN apt-get update && apt-get install --no-install-recommends -y \\',
      '  # dependencies for building Python packages',
      '  build-essential \\',
      '  libpq-dev',
      'COPY ./requirements .',
      'RUN pip wheel --wheel-dir /usr/src/app/wheels  \\',
      '  -r requirements/production.txt',
      '',
      'FROM python AS python-run-stage',
      'COPY --from=python-build-stage /usr/src/app/wheels  /wheels/',
      'RUN pip install --no-cache-dir --no-index --find-links=/wheels/ /wheels/* \\',
      '  && rm -rf /wheels/',
    ].join('\n');
    const out = rewrite(text, {
      from: new Map([[0, DERIVED]]),
      pip: { kind: 'offline', findLinks: '/tmp/w' },
      apt: { offline: true },
      insertBeforeFirstPip: ['COPY .upstream-lab/wheelhouse /tmp/w'],
    });
    expect(out.text.split('\n')).toStrictEqual([
      `FROM ${DERIVED} AS python`,
      '',
      'FROM python AS python-build-stage',
      'RUN true && apt-get install --no-download --no-install-recommends -y \\',
      '  # dependencies for building Python packages',
      '  build-essential \\',
      '  libpq-dev',
      'COPY ./requirements .',
      'COPY .upstream-lab/wheelhouse /tmp/w',
      'RUN pip wheel --no-index --find-links /tmp/w --wheel-dir /usr/src/app/wheels  \\',
      '  -r requirements/production.txt',
      '',
      'FROM python AS python-run-stage',
      'COPY --from=python-build-stage /usr/src/app/wheels  /wheels/',
      'RUN pip install --no-cache-dir --no-index --find-links=/wheels/ /wheels/* \\',
      '  && rm -rf /wheels/',
    ]);
  });

  test('a FROM written with a build argument becomes the literal image, --platform and AS kept', () => {
    const text =
      'ARG PYTHON_VERSION=3.12\nFROM --platform=linux/amd64 python:${PYTHON_VERSION}-slim AS base\nRUN echo';
    const out = rewrite(text, { from: new Map([[0, DERIVED]]) });
    expect(out.text).toBe(
      `ARG PYTHON_VERSION=3.12\nFROM --platform=linux/amd64 ${DERIVED} AS base\nRUN echo`,
    );
    expect(out.changes).toStrictEqual([
      {
        line: 2,
        reason: `FROM python:\${PYTHON_VERSION}-slim → ${DERIVED}: the image itself replaces the build argument (python:\${PYTHON_VERSION}-slim is python:3.12-slim here)`,
      },
    ]);
  });

  test('FROM ${BASE_IMAGE}: the literal image, the reason says what the argument stood for', () => {
    const text = 'ARG BASE_IMAGE=docker.arvancloud.ir/python:3.13\nFROM ${BASE_IMAGE}\n';
    const out = rewrite(text, {
      from: new Map([[0, 'python:3.13']]),
      buildArgs: { BASE_IMAGE: 'python:3.13' },
    });
    expect(out.text).toBe('ARG BASE_IMAGE=docker.arvancloud.ir/python:3.13\nFROM python:3.13\n');
    expect(out.changes[0]!.reason).toBe(
      'FROM ${BASE_IMAGE} → python:3.13: the image itself replaces the build argument (${BASE_IMAGE} is python:3.13 here)',
    );
  });

  test('a continued RUN keeps its layout', () => {
    const text = 'RUN pip install \\\n  -i https://x/simple \\\n  -r requirements.txt\n';
    expect(offline(text)).toBe('RUN pip install --no-index \\\n  -r requirements.txt\n');
    expect(mirror(text)).toBe(
      'RUN pip install \\\n  -i https://m.example/simple \\\n  -r requirements.txt\n',
    );
    // Options on lines of their own go with their lines.
    const three =
      'RUN pip install \\\n  -i https://x/simple \\\n  --trusted-host x \\\n  -r requirements.txt';
    expect(offline(three)).toBe('RUN pip install --no-index \\\n  -r requirements.txt');
  });

  test('the escape directive with a backtick', () => {
    const text =
      '# escape=`\nFROM python:3.13\nRUN pip install `\n  -i https://x/simple `\n  -r requirements.txt';
    expect(offline(text)).toBe(
      '# escape=`\nFROM python:3.13\nRUN pip install --no-index `\n  -r requirements.txt',
    );
  });

  test('CRLF stays CRLF', () => {
    const text = 'FROM python:3.13\r\nRUN pip install -i https://x/simple -r r.txt\r\nCMD ["x"]\r\n';
    expect(offline(text, { from: new Map([[0, DERIVED]]), insertBeforeFirstPip: ['COPY a b'] })).toBe(
      `FROM ${DERIVED}\r\nCOPY a b\r\nRUN pip install --no-index -r r.txt\r\nCMD ["x"]\r\n`,
    );
  });
});
