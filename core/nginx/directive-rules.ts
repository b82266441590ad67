import type { Directive } from './ast';
import { ConfigError } from './errors';
import type { WordToken } from './tokens';

/** The argument-count and block-shape checks nginx runs before a directive's handler. */
export function expectArgs(directive: Directive, min: number, max = min): WordToken[] {
  if (directive.args.length < min || directive.args.length > max) {
    throw new ConfigError(directive.at, `invalid number of arguments in "${directive.name}" directive`);
  }
  return directive.args;
}

export function expectSimple(directive: Directive): void {
  if (directive.block) {
    throw new ConfigError(directive.end, `directive "${directive.name}" is not terminated by ";"`);
  }
}

export function expectBlock(directive: Directive): NonNullable<Directive['block']> {
  if (!directive.block) {
    throw new ConfigError(directive.end, `directive "${directive.name}" has no opening "{"`);
  }
  return directive.block;
}

export function notAllowedHere(directive: Directive): ConfigError {
  return new ConfigError(directive.at, `"${directive.name}" directive is not allowed here`);
}

export function duplicate(directive: Directive): ConfigError {
  return new ConfigError(directive.at, `"${directive.name}" directive is duplicate`);
}

export function invalidParameter(arg: WordToken): ConfigError {
  return new ConfigError(arg.at, `invalid parameter "${arg.value}"`);
}

export function invalidValue(arg: WordToken): ConfigError {
  return new ConfigError(arg.at, `invalid value "${arg.value}"`);
}

/** First argument of a directive known to have exactly one. */
export function onlyArg(directive: Directive): WordToken {
  const [arg] = expectArgs(directive, 1);
  if (!arg) throw new Error('unreachable: expectArgs checked the count');
  return arg;
}
