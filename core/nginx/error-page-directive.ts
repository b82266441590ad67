import type { ErrorPageDirective } from '../balancer/config';
import type { Directive } from './ast';
import { expectArgs, expectSimple, invalidValue, onlyArg } from './directive-rules';
import { ConfigError } from './errors';
import { parseCount } from './units';
import { checkValueVariables } from './value-variables';

/** ngx_http_core_error_page: `error_page CODE ... [=[RESPONSE]] URI`, checked in nginx's order. */
export function parseErrorPage(directive: Directive): ErrorPageDirective {
  const args = expectArgs(directive, 2, Infinity);
  const uri = args[args.length - 1]!;
  const equals = args[args.length - 2]!;
  let response: number | undefined;
  let codeCount = args.length - 1;
  if (equals.value.startsWith('=')) {
    if (args.length === 2) throw invalidValue(equals);
    response = equals.value.length > 1 ? parseCount(equals.value.slice(1)) : 0;
    if (response === undefined) throw invalidValue(equals);
    codeCount--;
  }
  checkValueVariables(uri);
  const codes = args.slice(0, codeCount).map((arg) => {
    const code = parseCount(arg.value);
    if (code === undefined || code === 499) throw invalidValue(arg);
    if (code < 300 || code > 599) {
      throw new ConfigError(arg.at, `value "${arg.value}" must be between 300 and 599`);
    }
    return code;
  });
  return response === undefined ? { codes, uri: uri.value } : { codes, response, uri: uri.value };
}

/** An nginx `on`/`off` flag directive. */
export function parseFlag(directive: Directive): boolean {
  expectSimple(directive);
  const arg = onlyArg(directive);
  if (arg.value === 'on') return true;
  if (arg.value === 'off') return false;
  throw new ConfigError(
    arg.at,
    `invalid value "${arg.value}" in "${directive.name}" directive, it must be "on" or "off"`,
  );
}
