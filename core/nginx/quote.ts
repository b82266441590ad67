/** Writes a value so that nginx's tokenizer reads back exactly `value` (see lexer.ts). */
export function quoteArg(value: string): string {
  if (value !== '' && /^[^\s;{}"'\\#]+$/.test(value)) return value;
  const escaped = value
    .replace(/[\\"]/g, '\\$&')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}
