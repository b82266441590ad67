import { normalizedPath } from './variables';
import type { Site } from './site';

/** The server block for a Host header: exact name, then `*.suffix`, then the default (first) one. */
export function pickServer(sites: Site[], hostHeader: string | undefined): Site {
  if (sites.length > 1 && hostHeader) {
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
    const exact = sites.find((s) => s.route.config.serverNames.includes(host));
    if (exact) return exact;
    const wildcard = sites.find((s) =>
      s.route.config.serverNames.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1))),
    );
    if (wildcard) return wildcard;
  }
  return sites[0]!;
}

/** The path nginx matches locations against: the normalised `$uri` (cheap when already clean). */
export function routePath(url: string): string {
  let path = url;
  if (!path.startsWith('/')) {
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = slash === -1 ? '/' : path.slice(slash);
  }
  // nginx ends the path at `?` or at a raw `#` (a fragment a client should not have sent).
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  return /%|\/\.|\/\//.test(path) ? normalizedPath(path) : path;
}
