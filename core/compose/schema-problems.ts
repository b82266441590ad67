import type { ErrorObject } from 'ajv';
import type { Diagnostic } from './errors';
import { dotted, type Path, type SourceMap } from './source-map';

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if']);
const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'a boolean',
  null: 'empty',
  object: 'a mapping',
  array: 'a list',
};
const NAME_PATTERN = '^[a-zA-Z0-9._-]+$';

/**
 * ajv's errors as a user would want them, in document order. Of the branches of a `oneOf`, only the
 * one the value was meant for speaks: errors inside the value or about its keys beat "must be of
 * another type"; when no branch took the value at all, their types make one "must be A or B".
 */
export function schemaProblems(errors: ErrorObject[], data: unknown, map: SourceMap): Diagnostic[] {
  const inside = (error: ErrorObject, other: ErrorObject): boolean =>
    other.instancePath.startsWith(`${error.instancePath}/`);
  const at = (error: ErrorObject, other: ErrorObject): boolean => other.instancePath === error.instancePath;
  const kept = errors.filter((error) => {
    if (COMBINATORS.has(error.keyword))
      return !errors.some((other) => other !== error && (at(error, other) || inside(error, other)));
    if (error.keyword !== 'type') return true;
    // Another branch took the value if it complains inside it, or about it in another way than its type.
    return !errors.some(
      (other) =>
        !COMBINATORS.has(other.keyword) &&
        (inside(error, other) || (at(error, other) && other.keyword !== 'type')),
    );
  });
  const problems = new Map<string, Diagnostic>();
  const typesAt = new Map<string, Set<string>>();
  for (const error of kept) {
    const path = pathOf(error.instancePath, data);
    if (error.keyword === 'type') {
      const types = typesAt.get(error.instancePath) ?? new Set<string>();
      for (const type of [error.params.type as string | string[]].flat()) types.add(type);
      typesAt.set(error.instancePath, types);
      problems.set(`type ${error.instancePath}`, { at: map.value(path), message: mustBe(path, [...types]) });
      continue;
    }
    const problem = describe(error, path, map);
    problems.set(`${problem.at.line}:${problem.at.col} ${problem.message}`, problem);
  }
  return [...problems.values()].sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col);
}

function describe(error: ErrorObject, path: Path, map: SourceMap): Diagnostic {
  const where = path.length ? `${dotted(path)}: ` : '';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const parent = (error.parentSchema ?? {}) as { properties?: object; patternProperties?: object };
      const named = Object.keys(parent.patternProperties ?? {}).includes(NAME_PATTERN);
      const message = named
        ? `"${key}" is not a valid name (letters, digits, ".", "_" and "-" only)`
        : `additional property "${key}" is not allowed${path.length ? '' : ' at the top level'}` +
          didYouMean(key, Object.keys(parent.properties ?? {}));
      return { at: map.key([...path, key]), message: where + message };
    }
    case 'required':
      return {
        at: map.value(path),
        message: `${where}missing required key "${String(params.missingProperty)}"`,
      };
    case 'enum':
      return {
        at: map.value(path),
        message: `${where}must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'uniqueItems': {
      const [first, second] = [Number(params.j), Number(params.i)].sort((a, b) => a - b);
      const item = [...path, second ?? 0];
      return {
        at: map.value(item),
        message: `${dotted(item)}: the same as ${dotted([...path, first ?? 0])}`,
      };
    }
    case 'minimum':
    case 'maximum':
      return {
        at: map.value(path),
        message: `${where}must be at ${error.keyword === 'minimum' ? 'least' : 'most'} ${String(params.limit)}`,
      };
    case 'pattern':
      return {
        at: map.value(path),
        message: `${where}${JSON.stringify(error.data)} does not match ${String(params.pattern)}`,
      };
    case 'oneOf':
      return { at: map.value(path), message: `${where}matches more than one of the forms it may take` };
    default:
      return { at: map.value(path), message: `${where}${error.message ?? 'is not valid'}` };
  }
}

function mustBe(path: Path, types: string[]): string {
  const words =
    types.length === 1 && types[0] === 'boolean'
      ? ['true or false']
      : types.map((type) => TYPE_WORDS[type] ?? type);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : (words[0] ?? '');
  return `${path.length ? `${dotted(path)}: ` : 'the file '}must be ${list}`;
}

/** ajv's instancePath as a path; a segment is a number where the data holds a list. */
function pathOf(instancePath: string, data: unknown): Path {
  const path: Array<string | number> = [];
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) ? Number(segment) : undefined;
    path.push(index ?? segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

function didYouMean(key: string, known: string[]): string {
  const close = known.find((candidate) => editDistance(key, candidate) <= Math.min(2, candidate.length / 3));
  return close ? ` (did you mean "${close}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
