import type { ProxyConfig } from '../balancer/config';
import { assembleProxyConfig } from './assemble';
import type { BlockItem, Directive } from './ast';
import { duplicate, expectArgs, expectBlock, notAllowedHere } from './directive-rules';
import { ConfigError } from './errors';
import { parseHttpBlock } from './http-block';
import type { Interpretation } from './interpretation';
import { isUnderstood } from './known-directives';

/** The top level of nginx.conf: `events { }`, one `http { }`, and directives with no effect here. */
export function interpretMainContext(
  items: BlockItem[],
  file: string,
  interpretation: Interpretation,
): ProxyConfig {
  let events: Directive | undefined;
  let http: Directive | undefined;
  let config: ProxyConfig = { upstreams: [], servers: [] };
  for (const item of items) {
    if (item.kind === 'lab-comment') {
      throw new ConfigError(item.at, 'upstream-lab comments are only understood inside an upstream block');
    }
    if (item.name === 'events') {
      const block = expectBlock(item);
      expectArgs(item, 0);
      if (events) throw duplicate(item);
      events = item;
      // nginx needs the block, empty or not; only what is in it has nothing to do here.
      for (const inner of block) {
        if (inner.kind === 'lab-comment') {
          throw new ConfigError(
            inner.at,
            'upstream-lab comments are only understood inside an upstream block',
          );
        }
        interpretation.ignore(inner);
      }
    } else if (item.name === 'http') {
      const block = expectBlock(item);
      expectArgs(item, 0);
      if (http) throw duplicate(item);
      http = item;
      config = assembleProxyConfig(parseHttpBlock(block, interpretation), interpretation);
    } else if (isUnderstood(item.name)) {
      throw notAllowedHere(item);
    } else {
      interpretation.ignore(item);
    }
  }
  const start = { file, line: 1, col: 1 };
  if (!events) {
    interpretation.warn(
      start,
      'nginx',
      'no "events" section in configuration (nginx refuses to start without one)',
    );
  }
  if (!http) interpretation.warn(start, 'ignored', 'no "http" block: there is nothing to balance');
  return config;
}
