import { envName } from '../../../core/api/contract';

/** A problem on one line of a text field, numbered from 1 as an editor does. */
export interface LineIssue {
  line: number;
  message: string;
}

/**
 * KEY=VALUE lines into an environment. Blank lines and `#` comments are skipped, as in an env
 * file; the value is everything after the first `=`, taken as written (quotes are kept).
 */
export function parseEnv(text: string): { env: Record<string, string>; issues: LineIssue[] } {
  const env: Record<string, string> = {};
  const issues: LineIssue[] = [];
  const setOn = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/\r$/, '').trimStart();
    if (body === '' || body.startsWith('#')) return;
    const eq = body.indexOf('=');
    if (eq === -1) {
      issues.push({ line, message: 'not KEY=VALUE' });
      return;
    }
    const key = body.slice(0, eq);
    const name = envName.safeParse(key);
    if (!name.success) {
      issues.push({
        line,
        message: `${JSON.stringify(key)}: ${name.error.issues[0]?.message ?? 'not a variable name'}`,
      });
      return;
    }
    const earlier = setOn.get(key);
    // A repeated name is refused rather than guessed at: which value was meant?
    if (earlier !== undefined) issues.push({ line, message: `${key} is already set on line ${earlier}` });
    setOn.set(key, line);
    env[key] = body.slice(eq + 1);
  });
  return { env, issues };
}

export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** One value a line, trimmed; blank lines are skipped. `line` maps a value back to the text. */
export function parseLines(text: string): Array<{ line: number; value: string }> {
  return text
    .split('\n')
    .map((raw, i) => ({ line: i + 1, value: raw.trim() }))
    .filter((l) => l.value !== '');
}
