import { splitHostPort } from './address';
import { ConfigError } from './errors';
import type { WordToken } from './tokens';
import { checkValueVariables } from './value-variables';

/** `proxy_pass http://HOST[:PORT][/URI]`, before HOST is matched against the upstream blocks. */
export interface ProxyPassTarget {
  /** HOST[:PORT] exactly as written: the upstream name, or the name of an implicit upstream. */
  authority: string;
  host: string;
  port?: number;
  uri?: string;
  at: WordToken['at'];
}

/** `proxy_pass` with variables: the whole URL is evaluated per request. */
export interface ProxyPassUrl {
  url: string;
  at: WordToken['at'];
}

export type ProxyPass = ProxyPassTarget | ProxyPassUrl;

export const hasVariables = (pass: ProxyPass): pass is ProxyPassUrl => 'url' in pass;

export function parseProxyPass(arg: WordToken): ProxyPass {
  const url = arg.value;
  const fail = (message: string): ConfigError => new ConfigError(arg.at, message);
  const scheme = /^[a-z]+:\/\//i.exec(url)?.[0].toLowerCase();
  if (scheme === 'https://') {
    throw fail('https upstreams are not supported by upstream-lab (use "proxy_pass http://...")');
  }
  // nginx checks the prefix of a URL with variables only once it is evaluated (500 at run time).
  if (url.includes('$')) {
    checkValueVariables(arg);
    return { url, at: arg.at };
  }
  if (scheme !== 'http://') throw fail('invalid URL prefix');
  const rest = url.slice(scheme.length);
  if (rest.toLowerCase().startsWith('unix:')) {
    throw fail('unix socket upstreams are not supported by upstream-lab');
  }
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const parsed = splitHostPort(authority);
  if (typeof parsed === 'string') throw fail(`${parsed} in upstream "${authority}"`);
  const target: ProxyPassTarget = { authority, host: parsed.host, at: arg.at };
  if (parsed.port !== undefined) target.port = parsed.port;
  if (slash >= 0) target.uri = rest.slice(slash);
  return target;
}
