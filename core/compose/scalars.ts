/** A validated mapping of the document. */
export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Compose's booleans: YAML's true/false, or (from interpolation) y/yes/true/on and n/no/false/off. */
export function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = value.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(word)) return true;
  if (['n', 'no', 'false', 'off'].includes(word)) return false;
  return undefined;
}

/** A count written as a number or a string of digits. */
export function parseCount(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && /^\d+$/.test(text) && Number.isSafeInteger(Number(text))
    ? Number(text)
    : undefined;
}

/** A scalar as the string Compose gives it (an environment value, a build arg): true → 'true', 1.50 → '1.5'. */
export function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}
