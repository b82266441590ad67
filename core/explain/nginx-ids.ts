import { isExplanationId, type ExplanationId } from './doc-pages';

/** Directives whose explanation depends on the block they are in. */
const IN_UPSTREAM = new Set([
  'server',
  'keepalive',
  'keepalive_timeout',
  'least_conn',
  'ip_hash',
  'hash',
  'random',
]);

/** The explanation of a directive written in the block `parent` ('' at the top). */
export function directiveId(name: string, parent: string): ExplanationId | null {
  const id = parent === 'upstream' && IN_UPSTREAM.has(name) ? `nginx.upstream.${name}` : `nginx.${name}`;
  return isExplanationId(id) ? id : null;
}

const SERVER_PARAMETERS = new Set([
  'weight',
  'max_fails',
  'fail_timeout',
  'max_conns',
  'slow_start',
  'backup',
  'down',
]);

/** The explanation of a directive's argument, when it is a parameter with one (`max_fails=3`, `consistent`). */
export function parameterId(
  directive: ExplanationId | null,
  argument: string,
  index: number,
): ExplanationId | null {
  const name = argument.split('=')[0]!;
  switch (directive) {
    case 'nginx.upstream.server':
      return index > 0 && SERVER_PARAMETERS.has(name)
        ? (`nginx.upstream.server.${name}` as ExplanationId)
        : null;
    case 'nginx.upstream.hash':
      return argument === 'consistent' ? 'nginx.upstream.hash.consistent' : null;
    case 'nginx.upstream.random':
      return argument === 'two'
        ? 'nginx.upstream.random.two'
        : argument === 'least_conn'
          ? 'nginx.upstream.least_conn'
          : null;
    case 'nginx.proxy_set_header': {
      const id = `nginx.header.${argument.toLowerCase()}`;
      return index === 0 && isExplanationId(id) ? id : null;
    }
    default:
      return null;
  }
}

/** `$http_host` and `$http_upgrade` have entries; other `$http_*` and `$arg_*` have none. */
export function variableId(name: string): ExplanationId | null {
  const id = `nginx.var.${name.toLowerCase()}`;
  return isExplanationId(id) ? id : null;
}
