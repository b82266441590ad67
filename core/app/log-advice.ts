/** What a replica's log line says the user should do, once per kind (a notice, not a log line). */
export interface Advice {
  key: 'csrf' | 'allowed-hosts';
  message: string;
}

export interface AdviceContext {
  /** `http://127.0.0.1:8080`: where the browser reaches the balancer. */
  url: string | null;
  /** Environment variables the Django settings read. */
  envNames: string[];
}

/**
 * Django's two refusals that the balancer, not the app, provokes. Behind nginx (or us) on a port
 * other than 80 with `proxy_set_header Host $host;`, Django ≥ 4.0 sees `Host: 127.0.0.1` while the
 * browser's Origin is `http://127.0.0.1:8080` — another origin, so every form POST is refused.
 */
export function adviceFor(line: string, context: AdviceContext): Advice | null {
  if (/Origin checking failed|CSRF verification failed|Referer checking failed/.test(line)) {
    const origin = context.url ?? 'http://HOST:PORT';
    const csrfVar = context.envNames.find((name) => /CSRF/.test(name));
    const env = csrfVar
      ? `start with --env ${csrfVar}=${origin} (the settings read ${csrfVar})`
      : `set CSRF_TRUSTED_ORIGINS = ['${origin}'] in the settings (they read no CSRF variable from the environment)`;
    return {
      key: 'csrf',
      message:
        `Django refused a form POST (CSRF): the browser's Origin is ${origin}, but the balancer sends ` +
        '`Host $host`, which has no port, so Django sees another origin — real nginx does the same on a port ' +
        `other than 80. Fix it either way: use \`proxy_set_header Host $http_host;\` in the nginx.conf, or ${env}.`,
    };
  }
  const host = /Invalid HTTP_HOST header: '([^']+)'/.exec(line)?.[1];
  if (host) {
    const hostsVar = context.envNames.find((name) => /ALLOWED_HOSTS/.test(name));
    const bare = host.replace(/:\d+$/, '');
    return {
      key: 'allowed-hosts',
      message:
        `Django refuses requests for ${host}: it is not in ALLOWED_HOSTS. ` +
        (hostsVar
          ? `Start with --env ${hostsVar}=${bare} (the settings read ${hostsVar}; how they split it, e.g. by commas, is theirs).`
          : `Add '${bare}' to ALLOWED_HOSTS in the settings.`),
    };
  }
  return null;
}
