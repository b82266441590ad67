import type { LocationConfig } from '../balancer/config';
import type { Directive } from './ast';
import { expectArgs, expectSimple } from './directive-rules';
import { ConfigError } from './errors';
import { parseCount } from './units';
import { checkValueVariables } from './value-variables';

/**
 * `return CODE [TEXT]`, `return CODE URL` (301, 302, 303, 307, 308: body is the Location) or
 * `return URL` (302).
 */
export function parseReturn(directive: Directive): NonNullable<LocationConfig['return']> {
  expectSimple(directive);
  const [code, text] = expectArgs(directive, 1, 2);
  if (!code) throw new Error('unreachable: expectArgs checked the count');
  const status = parseCount(code.value);
  if (status === undefined || status > 999) {
    if (text || !/^(https?:\/\/|\$scheme)/.test(code.value)) {
      throw new ConfigError(code.at, `invalid return code "${code.value}"`);
    }
    checkValueVariables(code);
    return { status: 302, body: code.value };
  }
  if (!text) return { status };
  checkValueVariables(text);
  return { status, body: text.value };
}
