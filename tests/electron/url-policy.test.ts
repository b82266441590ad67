import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isAppUrl, isTrustedSender } from '../../electron/main/url-policy';
import { isDocumentationUrl } from '../../core/explain/doc-pages';

describe('isAppUrl', () => {
  const built = { indexHtml: 'file:///opt/upstream-lab/out/renderer/index.html' };
  const dev = { devServer: 'http://localhost:5173/' };

  it('accepts the built page, with any hash or query', () => {
    expect(isAppUrl('file:///opt/upstream-lab/out/renderer/index.html', built)).toBe(true);
    expect(isAppUrl('file:///opt/upstream-lab/out/renderer/index.html?x=1#/logs', built)).toBe(true);
  });

  it('refuses other files, remote file hosts, other origins and junk', () => {
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('file://evil.example/opt/upstream-lab/out/renderer/index.html', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
  });

  it('accepts only the dev server origin in development', () => {
    expect(isAppUrl('http://localhost:5173/src/App.svelte', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost.evil.example:5173/', dev)).toBe(false);
    expect(isAppUrl('file:///opt/upstream-lab/out/renderer/index.html', dev)).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  const ports = new Set([8080]);

  it('allows the balancer on loopback at an allowlisted port', () => {
    expect(isAllowedExternalUrl('http://127.0.0.1:8080/', ports)).toBe(true);
    expect(isAllowedExternalUrl('http://localhost:8080/stats?x=1', ports)).toBe(true);
  });

  it.each([
    'http://127.0.0.1:9090/',
    'http://127.0.0.1/',
    'https://127.0.0.1:8080/',
    'http://127.0.0.2:8080/',
    'http://user:pw@127.0.0.1:8080/',
    'http://127.0.0.1.evil.example:8080/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url, ports)).toBe(false);
  });
});

describe('isTrustedSender (every IPC message)', () => {
  const built = { indexHtml: 'file:///opt/upstream-lab/out/renderer/index.html' };
  const page = 'file:///opt/upstream-lab/out/renderer/index.html';

  it("answers the app's own top-level page only", () => {
    expect(isTrustedSender({ url: page, parent: null }, built)).toBe(true);
  });

  it('refuses a subframe, another page or origin, and a destroyed frame', () => {
    expect(isTrustedSender({ url: page, parent: { url: page } }, built)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, built)).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, built)).toBe(false);
    expect(isTrustedSender(null, built)).toBe(false);
    expect(isTrustedSender(undefined, built)).toBe(false);
  });
});

describe('isDocumentationUrl (the explanations’ links, to the system browser)', () => {
  it.each([
    'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server',
    'https://docs.docker.com/reference/dockerfile/#from',
  ])('opens %s', (url) => {
    expect(isDocumentationUrl(url)).toBe(true);
  });

  it.each([
    'http://nginx.org/en/docs/',
    'https://nginx.org.evil.example/',
    'https://user@nginx.org/',
    'https://evil.example/',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(isDocumentationUrl(url)).toBe(false);
  });
});
