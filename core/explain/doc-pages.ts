/** Where an explanation's subject is documented: the page's name as its site titles it, and the URL. */
export interface DocPage {
  page: string;
  url: string;
}

const NGINX = 'https://nginx.org/en/docs';
const nginx = (module: string, anchor: string, path = `http/${module}.html`): DocPage => ({
  page: module,
  url: `${NGINX}/${path}#${anchor}`,
});
const core = (anchor: string): DocPage => nginx('ngx_core_module', anchor, 'ngx_core_module.html');
const http = (anchor: string): DocPage => nginx('ngx_http_core_module', anchor);
const upstream = (anchor: string): DocPage => nginx('ngx_http_upstream_module', anchor);
const proxy = (anchor: string): DocPage => nginx('ngx_http_proxy_module', anchor);
const log = (anchor: string): DocPage => nginx('ngx_http_log_module', anchor);
const mdn = (header: string): DocPage => ({
  page: `MDN: ${header}`,
  url: `https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/${header}`,
});
const docker = (anchor: string): DocPage => ({
  page: 'Dockerfile reference',
  url: `https://docs.docker.com/reference/dockerfile/#${anchor}`,
});
const django = (anchor: string, path = 'ref/django-admin/'): DocPage => ({
  page: 'Django: django-admin and manage.py',
  url: `https://docs.djangoproject.com/en/stable/${path}#${anchor}`,
});

const UPSTREAM_SERVER = upstream('server');

/** Every explanation's id and its documentation page; the texts are in messages/<language>.json. */
export const DOC_PAGES = {
  'nginx.events': core('events'),
  'nginx.worker_processes': core('worker_processes'),
  'nginx.worker_connections': core('worker_connections'),
  'nginx.include': core('include'),
  'nginx.error_log': core('error_log'),
  'nginx.http': http('http'),
  'nginx.server': http('server'),
  'nginx.listen': http('listen'),
  'nginx.server_name': http('server_name'),
  'nginx.location': http('location'),
  'nginx.keepalive_timeout': http('keepalive_timeout'),
  'nginx.resolver': http('resolver'),
  'nginx.upstream': upstream('upstream'),
  'nginx.upstream.server': UPSTREAM_SERVER,
  'nginx.upstream.server.weight': UPSTREAM_SERVER,
  'nginx.upstream.server.max_fails': UPSTREAM_SERVER,
  'nginx.upstream.server.fail_timeout': UPSTREAM_SERVER,
  'nginx.upstream.server.backup': UPSTREAM_SERVER,
  'nginx.upstream.server.down': UPSTREAM_SERVER,
  'nginx.upstream.server.max_conns': UPSTREAM_SERVER,
  'nginx.upstream.server.slow_start': UPSTREAM_SERVER,
  'nginx.upstream.least_conn': upstream('least_conn'),
  'nginx.upstream.ip_hash': upstream('ip_hash'),
  'nginx.upstream.hash': upstream('hash'),
  'nginx.upstream.hash.consistent': upstream('hash'),
  'nginx.upstream.random': upstream('random'),
  'nginx.upstream.random.two': upstream('random'),
  'nginx.upstream.keepalive': upstream('keepalive'),
  'nginx.upstream.keepalive_timeout': upstream('keepalive_timeout'),
  'nginx.proxy_pass': proxy('proxy_pass'),
  'nginx.proxy_set_header': proxy('proxy_set_header'),
  'nginx.proxy_http_version': proxy('proxy_http_version'),
  'nginx.proxy_connect_timeout': proxy('proxy_connect_timeout'),
  'nginx.proxy_read_timeout': proxy('proxy_read_timeout'),
  'nginx.proxy_send_timeout': proxy('proxy_send_timeout'),
  'nginx.proxy_next_upstream': proxy('proxy_next_upstream'),
  'nginx.proxy_next_upstream_tries': proxy('proxy_next_upstream_tries'),
  'nginx.proxy_next_upstream_timeout': proxy('proxy_next_upstream_timeout'),
  'nginx.access_log': log('access_log'),
  'nginx.log_format': log('log_format'),
  'nginx.return': nginx('ngx_http_rewrite_module', 'return'),
  'nginx.add_header': nginx('ngx_http_headers_module', 'add_header'),

  'nginx.var.host': http('var_host'),
  'nginx.var.http_host': http('var_http_'),
  'nginx.var.http_upgrade': http('var_http_'),
  'nginx.var.remote_addr': http('var_remote_addr'),
  'nginx.var.scheme': http('var_scheme'),
  'nginx.var.request_uri': http('var_request_uri'),
  'nginx.var.uri': http('var_uri'),
  'nginx.var.args': http('var_args'),
  'nginx.var.server_port': http('var_server_port'),
  'nginx.var.server_name': http('var_server_name'),
  'nginx.var.request_time': http('var_request_time'),
  'nginx.var.proxy_add_x_forwarded_for': proxy('var_proxy_add_x_forwarded_for'),
  'nginx.var.upstream_addr': upstream('var_upstream_addr'),
  'nginx.var.upstream_status': upstream('var_upstream_status'),
  'nginx.var.upstream_response_time': upstream('var_upstream_response_time'),

  'nginx.header.host': proxy('proxy_set_header'),
  'nginx.header.x-real-ip': nginx('ngx_http_realip_module', 'real_ip_header'),
  'nginx.header.x-forwarded-for': mdn('X-Forwarded-For'),
  'nginx.header.x-forwarded-proto': mdn('X-Forwarded-Proto'),
  'nginx.header.x-forwarded-host': mdn('X-Forwarded-Host'),
  'nginx.header.upgrade': { page: 'WebSocket proxying', url: `${NGINX}/http/websocket.html` },
  'nginx.header.connection': { page: 'WebSocket proxying', url: `${NGINX}/http/websocket.html` },

  'docker.FROM': docker('from'),
  'docker.FROM.as': docker('from'),
  'docker.WORKDIR': docker('workdir'),
  'docker.COPY': docker('copy'),
  'docker.COPY.from': docker('copy---from'),
  'docker.COPY.chown': docker('copy---chown---chmod'),
  'docker.ADD': docker('add'),
  'docker.RUN': docker('run'),
  'docker.ENV': docker('env'),
  'docker.ARG': docker('arg'),
  'docker.EXPOSE': docker('expose'),
  'docker.CMD': docker('cmd'),
  'docker.ENTRYPOINT': docker('entrypoint'),
  'docker.USER': docker('user'),
  'docker.LABEL': docker('label'),
  'docker.VOLUME': docker('volume'),
  'docker.HEALTHCHECK': docker('healthcheck'),
  'docker.SHELL': docker('shell'),
  'docker.STOPSIGNAL': docker('stopsignal'),
  'docker.ONBUILD': docker('onbuild'),

  'django.pip_install': { page: 'pip install', url: 'https://pip.pypa.io/en/stable/cli/pip_install/' },
  'django.pip_index': {
    page: 'pip install',
    url: 'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-i',
  },
  'django.pip_upgrade': {
    page: 'pip install',
    url: 'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-U',
  },
  'django.runserver': django('runserver'),
  'django.listen_all': django('runserver'),
  'django.gunicorn': {
    page: 'Gunicorn: Running Gunicorn',
    url: 'https://docs.gunicorn.org/en/stable/run.html',
  },
  'django.collectstatic': {
    page: 'Django: The staticfiles app',
    url: 'https://docs.djangoproject.com/en/stable/ref/contrib/staticfiles/#collectstatic',
  },
  'django.migrate': django('migrate'),
} as const satisfies Record<string, DocPage>;

export type ExplanationId = keyof typeof DOC_PAGES;

export function isExplanationId(id: string): id is ExplanationId {
  return Object.hasOwn(DOC_PAGES, id);
}

/** The sites the documentation links go to: the desktop app hands these (https only) to the system browser. */
export const DOC_HOSTS: ReadonlySet<string> = new Set(
  Object.values(DOC_PAGES).map((doc: DocPage) => new URL(doc.url).hostname),
);

export function isDocumentationUrl(url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  return (
    target.protocol === 'https:' && !target.username && !target.password && DOC_HOSTS.has(target.hostname)
  );
}
