import { expect, test } from 'vitest';
import { validateProxyConfig } from '../../core/nginx/validate';
import { parse } from './support/parse-helpers';

const CONF = `events {}
http {
    upstream pool { server 127.0.0.1:9001; }
    server {
        listen 127.0.0.1:18080;
        location / { proxy_pass http://pool; proxy_set_header X-A $host; add_header X-B $msec; }
        location /r { return 200 "$arg_x"; }
    }
}
`;

test('a config from the UI or the API with an unknown variable is refused as nginx -t refuses it', () => {
  const config = parse(CONF).config;
  expect(validateProxyConfig(config).ok).toBe(true);
  const [proxied, returned] = config.servers[0]!.locations;
  proxied!.addHeaders[0]!.value = '$foo';
  proxied!.proxy!.setHeaders[0]!.value = 'a ${b';
  returned!.return!.body = '$Upstream_Nope';
  const result = validateProxyConfig(config);
  expect(result.ok ? [] : result.issues).toStrictEqual([
    { path: 'servers[0].locations[0].addHeaders[0].value', message: 'unknown "foo" variable' },
    {
      path: 'servers[0].locations[0].proxy.setHeaders[0].value',
      message: 'the closing bracket in "b" variable is missing',
    },
    { path: 'servers[0].locations[1].return.body', message: 'unknown "upstream_nope" variable' },
  ]);
});
