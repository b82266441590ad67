import { describe, expect, test } from 'vitest';
import {
  editDockerfile,
  imageRegistry,
  parseDockerfile,
  pythonVersionOf,
  stagesOf,
  withoutRegistry,
} from '../../core/adapt/dockerfile';

const brief = (text: string) =>
  parseDockerfile(text).instructions.map((i) => ({
    keyword: i.keyword,
    args: i.args,
    line: i.line,
    endLine: i.endLine,
  }));

describe('parseDockerfile', () => {
  test('keywords upper-cased, comments and blank lines skipped, 1-based lines', () => {
    expect(brief('# a comment\nfrom python:3.13\n\n  run echo hi\n#x\nCMD ["a"]')).toStrictEqual([
      { keyword: 'FROM', args: 'python:3.13', line: 2, endLine: 2 },
      { keyword: 'RUN', args: 'echo hi', line: 4, endLine: 4 },
      { keyword: 'CMD', args: '["a"]', line: 6, endLine: 6 },
    ]);
  });

  test('continuations join as Docker joins them: trailing spaces after the escape, comment and empty lines inside', () => {
    const text =
      'RUN pip install \\  \n# a comment\n    -i https://x/simple \\\n\n   # indented comment\n  -r requirements.txt\nEXPOSE 8000';
    const [run, expose] = parseDockerfile(text).instructions;
    expect(run).toMatchObject({
      args: 'pip install     -i https://x/simple   -r requirements.txt',
      line: 1,
      endLine: 6,
    });
    expect(run!.raw).toBe(text.split('\nEXPOSE')[0]);
    expect(expose).toMatchObject({ keyword: 'EXPOSE', line: 7 });
  });

  test('every character of args maps back to raw', () => {
    const [run] = parseDockerfile('RUN apt-get update && \\\n    apt-get install -y netcat').instructions;
    expect(run!.args.split('').every((ch, i) => run!.raw[run!.argsAt[i]!] === ch)).toBe(true);
  });

  test('CRLF line endings and a byte order mark', () => {
    const df = parseDockerfile('\uFEFFFROM python:3.13\r\nRUN pip install \\\r\n  -r req.txt\r\n');
    expect(df.instructions.map((i) => [i.keyword, i.args, i.line, i.endLine])).toStrictEqual([
      ['FROM', 'python:3.13', 1, 1],
      ['RUN', 'pip install   -r req.txt', 2, 3],
    ]);
    expect(df.instructions[1]!.raw).toBe('RUN pip install \\\r\n  -r req.txt');
  });

  test('the escape directive: a backtick continues lines and a backslash is plain', () => {
    const df = parseDockerfile('# escape=`\nFROM python:3.13\nRUN pip install `\n  -r C:\\app\\req.txt');
    expect(df.escape).toBe('`');
    expect(df.directives).toStrictEqual({ escape: '`' });
    expect(df.instructions[1]).toMatchObject({ args: 'pip install   -r C:\\app\\req.txt', endLine: 4 });
  });

  test('directives only at the very top: after a blank line or a comment they are comments', () => {
    expect(parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM x').directives).toStrictEqual({
      syntax: 'docker/dockerfile:1',
      escape: '`',
    });
    expect(parseDockerfile('\n# escape=`\nFROM x').escape).toBe('\\');
    expect(parseDockerfile('# hello\n# escape=`\nFROM x').escape).toBe('\\');
    expect(() => parseDockerfile('# escape=x\nFROM x')).toThrow(/invalid escape token/);
  });

  test('a heredoc is one instruction up to its terminator', () => {
    const text =
      'FROM python:3.13\nRUN <<EOF\npip install -r requirements.txt\necho done\nEOF\nRUN <<-"END" cat > /x\n\thello\n\tEND\nCMD ["x"]';
    const [, run, cat, cmd] = parseDockerfile(text).instructions;
    expect(run).toMatchObject({ args: '<<EOF', line: 2, endLine: 5 });
    expect(run!.heredocs).toStrictEqual([
      { name: 'EOF', chomp: false, content: 'pip install -r requirements.txt\necho done\n', start: 10 },
    ]);
    expect(run!.raw).toBe('RUN <<EOF\npip install -r requirements.txt\necho done\nEOF');
    expect(cat).toMatchObject({ line: 6, endLine: 8 });
    expect(cat!.heredocs[0]).toMatchObject({ name: 'END', chomp: true });
    expect(cmd).toMatchObject({ keyword: 'CMD', line: 9 });
    expect(() => parseDockerfile('RUN <<EOF\necho')).toThrow(/unterminated heredoc <<EOF/);
  });

  test('flags and the exec form', () => {
    const [from, run, cmd, shell] = parseDockerfile(
      'FROM --platform=linux/amd64 python:3.13 AS base\nRUN --mount=type=cache,target=/root/.cache ["pip", "install", "x"]\nCMD ["python", "manage.py"]\nCMD python manage.py',
    ).instructions;
    expect(from).toMatchObject({ flags: ['--platform=linux/amd64'], json: null });
    expect(run).toMatchObject({
      flags: ['--mount=type=cache,target=/root/.cache'],
      json: ['pip', 'install', 'x'],
    });
    expect(cmd!.json).toStrictEqual(['python', 'manage.py']);
    expect(shell!.json).toBeNull();
  });
});

describe('stagesOf', () => {
  test('aliases, platforms, parent stages by name or index', () => {
    const df = parseDockerfile(
      'FROM --platform=$BUILDPLATFORM python:3.12-slim-bookworm AS Python\nFROM python AS build\nRUN x\nFROM 0\nFROM scratch',
    );
    expect(stagesOf(df).map(({ from: _, ...stage }) => stage)).toStrictEqual([
      {
        index: 0,
        imageWritten: 'python:3.12-slim-bookworm',
        image: 'python:3.12-slim-bookworm',
        alias: 'python',
        platform: '$BUILDPLATFORM',
      },
      { index: 1, imageWritten: 'python', image: 'python', alias: 'build', parentStage: 0 },
      { index: 2, imageWritten: '0', image: '0', parentStage: 0 },
      { index: 3, imageWritten: 'scratch', image: 'scratch' },
    ]);
  });

  test('global ARGs with defaults, overridden by build args; every expansion form', () => {
    const df = parseDockerfile(
      [
        'ARG PYTHON_VERSION=3.12',
        'ARG VARIANT="slim"',
        'ARG REGISTRY',
        'ARG BASE_IMAGE=python:${PYTHON_VERSION}-$VARIANT',
        'FROM python:${PYTHON_VERSION}-slim',
        'FROM ${BASE_IMAGE}',
        'FROM ${REGISTRY:-docker.io}/python:3.13',
        'FROM x${VARIANT:+-${VARIANT}}',
        'ARG LATE=1',
        'FROM python:${LATE}',
      ].join('\n'),
    );
    expect(stagesOf(df).map((s) => s.image)).toStrictEqual([
      'python:3.12-slim',
      'python:3.12-slim',
      'docker.io/python:3.13',
      'x-slim',
      'python:',
    ]);
    // A later ARG's default sees the overridden value, as in BuildKit.
    expect(
      stagesOf(df, { PYTHON_VERSION: '3.13', REGISTRY: 'docker.arvancloud.ir' }).map((s) => s.image),
    ).toStrictEqual([
      'python:3.13-slim',
      'python:3.13-slim',
      'docker.arvancloud.ir/python:3.13',
      'x-slim',
      'python:',
    ]);
    expect(stagesOf(df)[1]!.imageWritten).toBe('${BASE_IMAGE}');
  });
});

describe('editDockerfile', () => {
  const text = 'FROM python:3.13\r\n\r\n# install\r\nRUN pip install \\\r\n  -r req.txt\r\nCMD ["x"]';
  const df = parseDockerfile(text);

  test('replaces, inserts and deletes instructions; every other byte stays', () => {
    const out = editDockerfile(df, {
      replace: new Map([
        [1, 'FROM other'],
        [4, 'RUN a\nRUN b'],
        [6, ''],
      ]),
      insertBefore: new Map([[4, ['COPY w /w']]]),
    });
    expect(out).toBe('FROM other\r\n\r\n# install\r\nCOPY w /w\r\nRUN a\r\nRUN b\r\n');
  });

  test('no edits, no change; an unknown line is an error', () => {
    expect(editDockerfile(df, {})).toBe(text);
    expect(() => editDockerfile(df, { replace: new Map([[2, 'X']]) })).toThrow(/Dockerfile:2/);
  });
});

describe('image names', () => {
  test.each([
    ['python:3.13', null, 'python:3.13'],
    ['docker.arvancloud.ir/python:3.13', 'docker.arvancloud.ir', 'python:3.13'],
    ['docker.io/library/python:3.13', 'docker.io', 'python:3.13'],
    ['localhost/app', 'localhost', 'app'],
    ['registry:5000/team/app:1', 'registry:5000', 'team/app:1'],
    ['library/python:3.13', null, 'python:3.13'],
    ['upstream-lab/python-derived:abc', null, 'upstream-lab/python-derived:abc'],
  ])('%s: registry %s, without it %s', (image, registry, bare) => {
    expect(imageRegistry(image)).toBe(registry);
    expect(withoutRegistry(image)).toBe(bare);
  });

  test.each([
    ['python:3.13', '3.13'],
    ['python:3.12.2-slim-bookworm', '3.12'],
    ['docker.arvancloud.ir/python:3.11-alpine', '3.11'],
    ['library/python:3.13', '3.13'],
    ['python:3.13-slim@sha256:abcd', '3.13'],
    ['python:3', '3'],
    ['python:3-slim', '3'],
    ['python', null],
    ['python:latest', null],
    ['python:slim', null],
    ['node:20', null],
    ['mycorp/python:3.13', null],
  ])('pythonVersionOf(%s) = %s', (image, version) => {
    expect(pythonVersionOf(image)).toBe(version);
  });
});
