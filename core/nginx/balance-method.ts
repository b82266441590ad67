import type { BalanceMethod } from '../balancer/config';
import type { Directive } from './ast';
import { expectArgs, expectSimple, invalidParameter } from './directive-rules';
import { checkValueVariables } from './value-variables';

export const METHOD_DIRECTIVES = new Set(['least_conn', 'ip_hash', 'hash', 'random']);

/** `least_conn;`, `ip_hash;`, `hash KEY [consistent];`, `random [two [least_conn]];` */
export function parseBalanceMethod(directive: Directive): BalanceMethod {
  expectSimple(directive);
  switch (directive.name) {
    case 'least_conn':
      expectArgs(directive, 0);
      return { kind: 'least_conn' };
    case 'ip_hash':
      expectArgs(directive, 0);
      return { kind: 'ip_hash' };
    case 'hash': {
      const [key, flag] = expectArgs(directive, 1, 2);
      if (flag && flag.value !== 'consistent') throw invalidParameter(flag);
      if (key) checkValueVariables(key);
      return { kind: 'hash', key: key?.value ?? '', consistent: flag !== undefined };
    }
    case 'random': {
      const [two, leastConn] = expectArgs(directive, 0, 2);
      if (two && two.value !== 'two') throw invalidParameter(two);
      if (leastConn && leastConn.value !== 'least_conn') throw invalidParameter(leastConn);
      return { kind: 'random', two: two !== undefined, leastConn: leastConn !== undefined };
    }
    default:
      throw new Error(`not a balancing method directive: ${directive.name}`);
  }
}
