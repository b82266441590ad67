import { describe, expect, test } from 'vitest';
import { interpolate, InterpolationError, type Lookup } from '../../core/compose';
import { load, loadError, serviceOf, warningsOf } from './support/project';

const VARIABLES: Record<string, string> = { SET: 'value', EMPTY: '' };
const lookup: Lookup = (name) => (Object.hasOwn(VARIABLES, name) ? VARIABLES[name] : undefined);
const expand = (text: string): string => interpolate(text, lookup).value;

describe('interpolate', () => {
  test.each([
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a${SET}b$SET.c', 'avalueb' + 'value.c'],
    ['${UNSET}', ''],
    ['${SET:-d}|${EMPTY:-d}|${UNSET:-d}', 'value|d|d'],
    ['${SET-d}|${EMPTY-d}|${UNSET-d}', 'value||d'],
    ['${SET:+r}|${EMPTY:+r}|${UNSET:+r}', 'r||'],
    ['${SET+r}|${EMPTY+r}|${UNSET+r}', 'r|r|'],
    ['${SET:?oops}|${EMPTY?oops}', 'value|'],
    ['$$SET costs $$5 and $${SET}', '$SET costs $5 and ${SET}'],
    ['${UNSET:-${ALSO_UNSET:-x}}', 'x'],
    ['${UNSET:-${SET}-${EMPTY:-e}}', 'value-e'],
    ['${UNSET:-a$$b}', 'a$b'],
    ['${UNSET:-{x}}', '{x}'],
    ['no variables at all', 'no variables at all'],
  ])('%s → %s', (text, expected) => {
    expect(expand(text)).toBe(expected);
  });

  test('defaults are only expanded when used, as in the shell', () => {
    expect(interpolate('${SET:-${UNSET}}', lookup)).toEqual({ value: 'value', unset: [] });
    expect(expand('${SET:-${NEEDED:?not evaluated}}')).toBe('value');
  });

  test('bare uses of unset variables are reported, defaulted ones are not', () => {
    expect(interpolate('$A ${B} ${C:-c} ${A}', lookup).unset).toEqual(['A', 'B', 'A']);
  });

  test.each([
    ['${EMPTY:?is required}', 'required variable EMPTY is missing a value: is required'],
    ['${UNSET?}', 'required variable UNSET is missing a value'],
    ['${UNSET:?needs ${SET}}', 'required variable UNSET is missing a value: needs value'],
    ['${SET', 'invalid interpolation in "${SET": "${" is not closed by "}"'],
    ['${SET:-x', 'invalid interpolation in "${SET:-x": "${" is not closed by "}"'],
    ['${}', 'invalid interpolation in "${}": "${" must be followed by a variable name'],
    ['${1X}', 'invalid interpolation in "${1X}": "${" must be followed by a variable name'],
    [
      '${SET/a/b}',
      'invalid interpolation in "${SET/a/b}": unsupported "${SET/..." (Compose knows :- - :? ? :+ +)',
    ],
    ['cost: 5$', 'invalid interpolation in "cost: 5$": a lone "$" (write "$$" for a literal "$")'],
    ['echo $1', 'invalid interpolation in "echo $1": a lone "$" (write "$$" for a literal "$")'],
  ])('%s fails: %s', (text, message) => {
    expect(() => expand(text)).toThrow(new InterpolationError(message));
  });
});

describe('interpolation in the compose file', () => {
  test('every string value is interpolated, keys are not; numbers and booleans stay as they are', async () => {
    const project = await load(
      'services:\n  web:\n    image: "${REGISTRY:-docker.io}/app:${TAG}"\n    environment:\n      ${KEY}: $$literal\n      N: 5\n      B: true\n',
      {},
      { env: { TAG: '1.2' } },
    );
    expect(serviceOf(project, 'web').image).toBe('docker.io/app:1.2');
    expect(serviceOf(project, 'web').environment).toEqual({ '${KEY}': '$literal', N: '5', B: 'true' });
  });

  test("an unset variable becomes empty, with Compose's warning at its first use", async () => {
    const project = await load('services:\n  web:\n    image: "app:${TAG}"\n    command: echo $TAG $$TAG\n');
    expect(serviceOf(project, 'web')).toMatchObject({ image: 'app:', command: ['echo', '$TAG'] });
    expect(warningsOf(project)).toEqual([
      'DIR/compose.yaml:3:12: The "TAG" variable is not set. Defaulting to a blank string.',
    ]);
  });

  test('${X:?message} fails at the value that needs it', async () => {
    expect(
      await loadError(
        'services:\n  web:\n    image: nginx\n    environment:\n      - SECRET=${SECRET:?set SECRET in .env}\n',
      ),
    ).toBe('DIR/compose.yaml:5:9: required variable SECRET is missing a value: set SECRET in .env');
  });

  test('a malformed ${ fails at its value', async () => {
    expect(await loadError('services:\n  web:\n    image: "nginx:${TAG"\n')).toBe(
      'DIR/compose.yaml:3:12: invalid interpolation in "nginx:${TAG": "${" is not closed by "}"',
    );
  });

  test('interpolated values are validated: a variable cannot smuggle a wrong type past the schema', async () => {
    const compose =
      'services:\n  web:\n    image: nginx\n    depends_on:\n      db: { condition: service_started, required: "${STRICT:-false}" }\n  db: { image: postgres }\n';
    const project = await load(compose);
    expect(serviceOf(project, 'web').dependsOn).toMatchObject([{ service: 'db', required: false }]);
    expect(await loadError(compose, {}, { env: { STRICT: 'maybe' } })).toBe(
      'DIR/compose.yaml:5:51: services.web.depends_on.db.required: must be true or false',
    );
  });
});
