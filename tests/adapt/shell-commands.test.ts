import { describe, expect, test } from 'vitest';
import { parseDockerfile } from '../../core/adapt/dockerfile';
import { findAptCommands, findPipCommands, pipEnvSettings } from '../../core/adapt/shell-commands';
import { simpleCommands } from '../../core/adapt/shell-words';

const pips = (text: string) =>
  findPipCommands(parseDockerfile(text)).map((c) => ({
    subcommand: c.subcommand,
    indexUrl: c.indexUrl,
    extraIndexUrls: c.extraIndexUrls,
    trustedHosts: c.trustedHosts,
    findLinks: c.findLinks,
    requirementFiles: c.requirementFiles,
    constraintFiles: c.constraintFiles,
    packages: c.packages,
    selfUpgrade: c.selfUpgrade,
  }));
const none = {
  indexUrl: null,
  extraIndexUrls: [],
  trustedHosts: [],
  findLinks: [],
  requirementFiles: [],
  constraintFiles: [],
  packages: [],
  selfUpgrade: false,
};

describe('simpleCommands', () => {
  test('splits on && || ; | & and line breaks outside quotes; redirections are not words', () => {
    const script = `set -ex && echo "a && b" 'c;d' | tee x > /dev/null 2>&1; pip install "django>=4" || true\ncd /app`;
    expect(simpleCommands(script).map((c) => c.words.map((w) => w.value))).toStrictEqual([
      ['set', '-ex'],
      ['echo', 'a && b', 'c;d'],
      ['tee', 'x'],
      ['pip', 'install', 'django>=4'],
      ['true'],
      ['cd', '/app'],
    ]);
  });

  test('compound commands, substitutions and comments', () => {
    const script =
      'if [ -f r.txt ]; then pip install -r r.txt; fi && echo $(pip --version | cut -d" " -f2) # pip install x';
    expect(simpleCommands(script).map((c) => script.slice(c.start, c.end))).toStrictEqual([
      '[ -f r.txt ]',
      'pip install -r r.txt',
      'echo $(pip --version | cut -d" " -f2)',
    ]);
  });
});

describe('findPipCommands', () => {
  test('the course: python -m pip self-upgrade, then pip -i MIRROR -r requirements.txt', () => {
    const text =
      'RUN python -m pip install -i https://mirror-pypi.runflare.com/simple --upgrade pip\n' +
      'RUN pip install -i https://mirror-pypi.runflare.com/simple -r requirements.txt';
    expect(pips(text)).toStrictEqual([
      {
        ...none,
        subcommand: 'install',
        indexUrl: 'https://mirror-pypi.runflare.com/simple',
        packages: ['pip'],
        selfUpgrade: true,
      },
      {
        ...none,
        subcommand: 'install',
        indexUrl: 'https://mirror-pypi.runflare.com/simple',
        requirementFiles: ['requirements.txt'],
      },
    ]);
  });

  test.each([
    'pip install -r r.txt',
    'pip3 install -r r.txt',
    'pip3.13 install -r r.txt',
    '/usr/local/bin/pip install -r r.txt',
    'python -m pip install -r r.txt',
    'python3 -m pip install -r r.txt',
    'python3.13 -u -m pip install -r r.txt',
    'PIP_NO_CACHE_DIR=1 pip install -r r.txt',
    'pip --no-cache-dir --timeout 60 install --requirement=r.txt',
    '/opt/venv/bin/pip install -rr.txt',
  ])('recognizes %s', (command) => {
    expect(pips(`RUN ${command}`)).toMatchObject([{ subcommand: 'install', requirementFiles: ['r.txt'] }]);
  });

  test('every index option form, wheel and download, positional specs', () => {
    const text = [
      'RUN pip install --index-url=https://a/simple --extra-index-url https://b/simple --trusted-host a -f /w -c c.txt -U pip setuptools "wheel>=0.40"',
      'RUN pip wheel -ihttps://c/simple --wheel-dir /usr/src/app/wheels -r requirements/production.txt',
      'RUN pip download --index https://d/simple -d /tmp/x django==5.2.5',
      'RUN pip freeze > requirements.txt && pip --version',
    ].join('\n');
    expect(pips(text)).toStrictEqual([
      {
        ...none,
        subcommand: 'install',
        indexUrl: 'https://a/simple',
        extraIndexUrls: ['https://b/simple'],
        trustedHosts: ['a'],
        findLinks: ['/w'],
        constraintFiles: ['c.txt'],
        packages: ['pip', 'setuptools', 'wheel>=0.40'],
        selfUpgrade: true,
      },
      {
        ...none,
        subcommand: 'wheel',
        indexUrl: 'https://c/simple',
        requirementFiles: ['requirements/production.txt'],
      },
      { ...none, subcommand: 'download', indexUrl: 'https://d/simple', packages: ['django==5.2.5'] },
    ]);
  });

  test('continuations, exec form with and without a shell, heredocs, several commands in one RUN', () => {
    const text = [
      'RUN pip install \\',
      '  -i https://x/simple \\',
      '  -r requirements.txt',
      'RUN ["sh", "-c", "pip install --upgrade pip && pip install -r req.txt"]',
      'RUN ["pip", "install", "-r", "exec.txt"]',
      'RUN <<EOF',
      'set -e',
      'pip install -r heredoc.txt',
      'EOF',
      'RUN python3 <<EOF',
      'print("pip install -r not-a-shell.txt")',
      'EOF',
    ].join('\n');
    const commands = findPipCommands(parseDockerfile(text));
    expect(commands.map((c) => [c.instruction.line, c.requirementFiles, c.selfUpgrade])).toStrictEqual([
      [1, ['requirements.txt'], false],
      [4, [], true],
      [4, ['req.txt'], false],
      [5, ['exec.txt'], false],
      [6, ['heredoc.txt'], false],
    ]);
    expect(commands[0]!.indexUrl).toBe('https://x/simple');
    // The offsets of a shell-form RUN are offsets in args.
    expect(commands[0]!.instruction.args.slice(commands[0]!.start, commands[0]!.end)).toBe(
      'pip install   -i https://x/simple   -r requirements.txt',
    );
  });
});

describe('findAptCommands', () => {
  test('update, install with its packages, others; apt too', () => {
    const df = parseDockerfile(
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-confnew install -y --no-install-recommends netcat gcc \\\n  && apt-get clean && rm -rf /var/lib/apt/lists/*\nRUN apt install -y libpq-dev',
    );
    expect(findAptCommands(df).map((c) => [c.action, c.packages, c.instruction.line])).toStrictEqual([
      ['update', [], 1],
      ['install', ['netcat', 'gcc'], 1],
      ['other', [], 1],
      ['install', ['libpq-dev'], 3],
    ]);
  });
});

describe('pipEnvSettings', () => {
  test('ENV in both forms and ARG', () => {
    const df = parseDockerfile(
      [
        'ENV PIP_INDEX_URL=https://mirror-pypi.runflare.com/simple PIP_DEFAULT_TIMEOUT=100',
        'ENV PIP_TRUSTED_HOST mirror-pypi.runflare.com',
        'ARG PIP_EXTRA_INDEX_URL="https://b/simple"',
        'ENV PYTHONDONTWRITEBYTECODE 1',
        'ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=$WHEELS',
      ].join('\n'),
    );
    expect(pipEnvSettings(df).map((s) => [s.instruction.line, s.name, s.value, s.legacy])).toStrictEqual([
      [1, 'PIP_INDEX_URL', 'https://mirror-pypi.runflare.com/simple', false],
      [2, 'PIP_TRUSTED_HOST', 'mirror-pypi.runflare.com', true],
      [3, 'PIP_EXTRA_INDEX_URL', 'https://b/simple', false],
      [5, 'PIP_NO_INDEX', '1', false],
      [5, 'PIP_FIND_LINKS', '$WHEELS', false],
    ]);
  });
});
