import { unknownVariableIn } from '../balancer/variables';
import { ValueSyntaxError } from '../balancer/value-scan';
import { ConfigError } from './errors';
import type { WordToken } from './tokens';

/**
 * An argument nginx compiles as a value with variables (proxy_set_header, add_header, return,
 * hash): refused as nginx refuses it, at the argument. nginx itself names no line for an unknown
 * variable (it finds them once the whole file is read); we point at the argument.
 */
export function checkValueVariables(token: WordToken): void {
  if (!token.value.includes('$')) return;
  let unknown: string | undefined;
  try {
    unknown = unknownVariableIn(token.value);
  } catch (error) {
    if (error instanceof ValueSyntaxError) throw new ConfigError(token.at, error.message);
    throw error;
  }
  if (unknown !== undefined) throw new ConfigError(token.at, `unknown "${unknown}" variable`);
}
