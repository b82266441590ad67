import { describe, expect, test } from 'vitest';
import { ComposeError, parseDotenv } from '../../core/compose';

const parse = (text: string, env: Record<string, string> = {}): Record<string, string> =>
  parseDotenv(text, 'app/.env', (name) => (Object.hasOwn(env, name) ? env[name] : undefined));

function parseError(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ComposeError) return error.message;
    throw error;
  }
  throw new Error('expected a ComposeError');
}

describe('parseDotenv', () => {
  test('KEY=VALUE lines, export, blank lines and comments', () => {
    expect(
      parse('# settings\n\nA=1\n  export B=two\nexport=3\n   # indented comment\nC = spaced \n'),
    ).toEqual({
      A: '1',
      B: 'two',
      export: '3',
      C: 'spaced',
    });
  });

  test('unquoted values are trimmed; " #" in the value starts a comment, "#" alone does not', () => {
    // As in Compose (compose-go), the blanks after "=" are not the value's: `D= #x` is "#x".
    expect(parse('A=  a b  # comment\nB=b#not-a-comment\nC=#x\nD= #x\nE=\n')).toEqual({
      A: 'a b',
      B: 'b#not-a-comment',
      C: '#x',
      D: '#x',
      E: '',
    });
  });

  test("single quotes are literal, but for \\'", () => {
    expect(parse("A='$HOME ${X} \\n # kept'\nB='Let\\'s go!'  # comment\nC=''\n")).toEqual({
      A: '$HOME ${X} \\n # kept',
      B: "Let's go!",
      C: '',
    });
  });

  test('double quotes know \\n \\t \\r \\\\ \\" and \\$, keep other backslashes, and may span lines', () => {
    expect(
      parse(
        'A="a\\nb\\tc\\\\d\\"e\\$HOME\\q"\nB="{\\"hello\\": \\"json\\"}"\nC="line one\nline two" # comment\n',
      ),
    ).toEqual({
      A: 'a\nb\tc\\d"e$HOME\\q',
      B: '{"hello": "json"}',
      C: 'line one\nline two',
    });
  });

  test('unquoted and double-quoted values are interpolated from the environment, then the keys above', () => {
    const env = { HOME: '/home/me', HOST: 'shell-host' };
    expect(
      parse(
        'HOST=file-host\nURL=http://${HOST}:${PORT:-80}/\nDIR="$HOME/app"\nRAW=\'$HOME\'\nUP=${URL}x\n',
        env,
      ),
    ).toEqual({
      HOST: 'file-host',
      URL: 'http://shell-host:80/',
      DIR: '/home/me/app',
      RAW: '$HOME',
      UP: 'http://shell-host:80/x',
    });
  });

  test('CRLF line ends; columns count UTF-16 code units, as everywhere else', () => {
    expect(parse('A=1\r\nB="2"\r\n')).toEqual({ A: '1', B: '2' });
    expect(parseError('EMOJI=🐳 whale\nX: 1\n')).toBe(
      'app/.env:2:2: expected "=" after X, found ":" (a line reads KEY=VALUE)',
    );
    expect(parseError('A="🐳" x\n')).toBe('app/.env:1:8: unexpected "x" after the closing " quote');
  });

  test.each([
    ['A=1\nDEBUG\n', 'app/.env:2:6: expected "=" after DEBUG (a line reads KEY=VALUE)'],
    ['A=1\n\nKEY: VALUE\n', 'app/.env:3:4: expected "=" after KEY, found ":" (a line reads KEY=VALUE)'],
    ['  $X=1\n', 'app/.env:1:3: unexpected character "$" in a variable name'],
    ['A="open\nB=2\n', 'app/.env:1:3: the " quote is not closed'],
    ["A='x' y\n", 'app/.env:1:7: unexpected "y" after the closing \' quote'],
    ['A=ok\nB=${A\n', 'app/.env:2:3: invalid interpolation in "${A": "${" is not closed by "}"'],
    ['A=${NEED:?set it}\n', 'app/.env:1:3: required variable NEED is missing a value: set it'],
  ])('%j fails: %s', (text, message) => {
    expect(parseError(text)).toBe(message);
  });
});
