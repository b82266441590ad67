import type { BalanceMethod } from '../config';
import { consistentHash } from './consistent-hash';
import { hash } from './hash';
import { ipHash } from './ip-hash';
import { leastConn } from './least-conn';
import { random, randomTwo } from './random';
import { roundRobin } from './round-robin';
import type { Picker } from './types';

export function pickerFor(method: BalanceMethod): Picker {
  switch (method.kind) {
    case 'round_robin':
      return roundRobin;
    case 'least_conn':
      return leastConn;
    case 'ip_hash':
      return ipHash;
    case 'hash':
      return method.consistent ? consistentHash : hash;
    case 'random':
      return method.two ? randomTwo : random;
  }
}

export type { Groups, Picker } from './types';
