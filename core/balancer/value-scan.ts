/** A piece of an nginx value: literal text, a variable, or a regex capture (`$1`..`$9`). */
export type ValuePart =
  { kind: 'text'; text: string } | { kind: 'variable'; name: string } | { kind: 'capture'; index: number };

/** A value nginx's script compiler refuses, with its wording. */
export class ValueSyntaxError extends Error {}

const NAME_CHAR = /[A-Za-z0-9_]/;

/** Splits a value as ngx_http_script_compile does; variable names are lower-cased as nginx keys them. */
export function scanValue(value: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let text = '';
  let i = 0;
  while (i < value.length) {
    if (value[i] !== '$') {
      text += value[i];
      i++;
      continue;
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    const next = value[i + 1] ?? '';
    if (next >= '1' && next <= '9') {
      parts.push({ kind: 'capture', index: Number(next) });
      i += 2;
      continue;
    }
    i++;
    let bracket = value[i] === '{';
    if (bracket) i++;
    let name = '';
    for (; i < value.length; i++) {
      const ch = value[i]!;
      if (ch === '}' && bracket) {
        i++;
        bracket = false;
        break;
      }
      if (!NAME_CHAR.test(ch)) break;
      name += ch;
    }
    if (bracket) throw new ValueSyntaxError(`the closing bracket in "${name}" variable is missing`);
    if (name === '') throw new ValueSyntaxError('invalid variable name');
    parts.push({ kind: 'variable', name: name.toLowerCase() });
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}
