import { describe, expect, it } from 'vitest';
import { NAMESPACES, RESOURCES, translator } from '../../core/i18n';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const variables = (text: string): string[] =>
  [...text.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1] ?? '').sort();

describe('message files', () => {
  it.each(NAMESPACES)('%s: English and Persian have the same keys, none empty, the same variables', (ns) => {
    const en = flatten(RESOURCES.en[ns] as Tree);
    const fa = flatten(RESOURCES.fa[ns] as Tree);
    expect([...fa.keys()].sort(), `keys of ${ns}`).toEqual([...en.keys()].sort());
    for (const [key, text] of en) {
      const persian = fa.get(key) ?? '';
      expect(text.trim(), `en ${ns}:${key}`).not.toBe('');
      expect(persian.trim(), `fa ${ns}:${key}`).not.toBe('');
      expect(variables(persian), `variables of ${ns}:${key}`).toEqual(variables(text));
    }
  });

  // Each language's own name is written in that language, so a reader finds theirs.
  const NAMES_IN_THEIR_LANGUAGE = new Set(['common:language.self.en']);

  it('Persian text is Persian: every message with letters has Persian letters', () => {
    for (const ns of NAMESPACES)
      for (const [key, text] of flatten(RESOURCES.fa[ns] as Tree)) {
        if (NAMES_IN_THEIR_LANGUAGE.has(`${ns}:${key}`)) continue;
        const words = text.replace(/\{\{[^}]*\}\}/g, '').replace(/`[^`]*`/g, '');
        if (/[A-Za-z]{3}/.test(words) && !/[\u0600-\u06FF]/.test(words))
          throw new Error(`fa ${ns}:${key} has no Persian: ${text}`);
      }
  });

  it('writes numbers in the chosen digits and picks plural forms', () => {
    expect(translator('fa', 'persian').number(1234)).toBe('۱۲۳۴');
    expect(translator('fa', 'latn').number(1234)).toBe('1234');
    expect(translator('en', 'persian').number(1234)).toBe('1234');
    // In a message too, counts and values alike; names keep their digits.
    expect(translator('fa', 'persian').t('chaos:next', { seconds: 12 })).toContain('۱۲');
    expect(translator('fa', 'persian').t('logs:matches', { count: 3 })).toContain('۳');
    expect(translator('fa', 'latn').t('logs:matches', { count: 3 })).toContain('3');
    expect(translator('en').t('logs:matches', { count: 1 })).toBe('1 match');
  });
});
