/** A variable's value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** Variables used bare (`$X`, `${X}`) that were not set, in order; each became ''. */
  unset: string[];
}

/** A malformed template or a `${X:?message}` whose variable is missing. The message is the reason. */
export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

const NAME_START = /[_a-zA-Z]/;
const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;
const OPERATOR = /:?[-?+]/y;

/**
 * Compose's interpolation: `$X`, `${X}`, `${X:-default}`, `${X-default}`, `${X:?err}`, `${X?err}`,
 * `${X:+alt}`, `${X+alt}` and `$$` for a literal `$`. Defaults, messages and alternatives may hold
 * further expansions; they are only expanded when used, as in the shell.
 */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  return { value: expand(text, text, lookup, unset), unset };
}

function expand(text: string, whole: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) return out + text.slice(i);
    out += text.slice(i, dollar);
    const next = text[dollar + 1] ?? '';
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const braced = expandBraced(text, dollar + 2, whole, lookup, unset);
      out += braced.value;
      i = braced.end;
    } else if (NAME_START.test(next)) {
      NAME.lastIndex = dollar + 1;
      const name = NAME.exec(text)?.[0] ?? '';
      out += valueOf(name, lookup, unset);
      i = dollar + 1 + name.length;
    } else {
      throw invalid(whole, 'a lone "$" (write "$$" for a literal "$")');
    }
  }
  return out;
}

/** `start` is just after `${`; returns the expansion and the index after its closing `}`. */
function expandBraced(
  text: string,
  start: number,
  whole: string,
  lookup: Lookup,
  unset: string[],
): { value: string; end: number } {
  NAME.lastIndex = start;
  const name = NAME.exec(text)?.[0];
  if (!name) throw invalid(whole, `"\${" must be followed by a variable name`);
  let i = start + name.length;
  if (text[i] === '}') return { value: valueOf(name, lookup, unset), end: i + 1 };
  OPERATOR.lastIndex = i;
  const operator = OPERATOR.exec(text)?.[0];
  if (!operator) {
    const closed = i < text.length;
    throw invalid(
      whole,
      closed ? `unsupported "\${${name}${text[i]}..." (Compose knows :- - :? ? :+ +)` : unclosed,
    );
  }
  i += operator.length;
  const wordEnd = closingBrace(text, i);
  if (wordEnd < 0) throw invalid(whole, unclosed);
  const word = (): string => expand(text.slice(i, wordEnd), whole, lookup, unset);
  const value = lookup(name);
  const set = value !== undefined && (operator[0] !== ':' || value !== '');
  let result: string;
  switch (operator.at(-1)) {
    case '-':
      result = set ? value : word();
      break;
    case '+':
      result = set ? word() : '';
      break;
    default: {
      if (!set) {
        const message = word();
        throw new InterpolationError(
          `required variable ${name} is missing a value${message ? `: ${message}` : ''}`,
        );
      }
      result = value;
    }
  }
  return { value: result, end: wordEnd + 1 };
}

const unclosed = '"${" is not closed by "}"';

/** The index of the `}` that closes the expansion whose word starts at `from`, skipping nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function valueOf(name: string, lookup: Lookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) unset.push(name);
  return value ?? '';
}

function invalid(whole: string, reason: string): InterpolationError {
  return new InterpolationError(`invalid interpolation in ${JSON.stringify(whole)}: ${reason}`);
}
