import type { z } from 'zod';
import { envName } from '../../../core/api/contract';
import { translator, type Translate } from '../../../core/i18n';

const english = translator('en').t;

/** A problem on one line of a text field, numbered from 1 as an editor does. */
export interface LineIssue {
  line: number;
  message: string;
}

/**
 * KEY=VALUE lines into an environment. Blank lines and `#` comments are skipped, as in an env
 * file; the value is everything after the first `=`, taken as written (quotes are kept).
 */
export function parseEnv(
  text: string,
  t: Translate = english,
): { env: Record<string, string>; issues: LineIssue[] } {
  const env: Record<string, string> = {};
  const issues: LineIssue[] = [];
  const setOn = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/\r$/, '').trimStart();
    if (body === '' || body.startsWith('#')) return;
    const eq = body.indexOf('=');
    if (eq === -1) {
      issues.push({ line, message: t('setup:issue.notPair') });
      return;
    }
    const key = body.slice(0, eq);
    const name = envName.safeParse(key);
    if (!name.success) {
      issues.push({ line, message: t('setup:issue.badName', { name: JSON.stringify(key) }) });
      return;
    }
    const earlier = setOn.get(key);
    // A repeated name is refused rather than guessed at: which value was meant?
    if (earlier !== undefined)
      issues.push({ line, message: t('setup:issue.repeated', { name: key, line: earlier }) });
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

/** A refusal of the settings' schema, in the page's language (the schema's own messages are English). */
export function issueText(issue: z.core.$ZodIssue, t: Translate = english): string {
  const field = String(issue.path[0] ?? '');
  switch (issue.code) {
    case 'invalid_format':
      if (issue.format === 'starts_with')
        return t('setup:issue.startsWith', { prefix: (issue as { prefix?: string }).prefix ?? '' });
      if (field === 'lab') return t('setup:issue.labName');
      if (field === 'listen') return t('setup:issue.listen');
      if (field === 'env') return t('setup:issue.envName');
      return t('setup:issue.invalid');
    case 'invalid_key':
      return field === 'env' ? t('setup:issue.envName') : t('setup:issue.invalid');
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return t('setup:issue.maxChars', { max });
      if (issue.origin === 'array') return t('setup:issue.maxItems', { max });
      return t('setup:issue.maxNumber', { max });
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min === 1 ? t('setup:issue.empty') : t('setup:issue.minChars', { min });
      return t('setup:issue.minNumber', { min });
    }
    case 'invalid_type':
      return issue.expected === 'int' ? t('setup:issue.wholeNumber') : t('setup:issue.invalid');
    case 'invalid_value':
      return t('setup:issue.oneOf', { values: issue.values.map((v) => String(v)).join(', ') });
    default:
      return t('setup:issue.invalid');
  }
}
