import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHost, resolveEndpoint } from '../../core/docker/endpoint';
import { dockerOptions } from '../../core/docker/engine';
import { EngineError, explainEngineError } from '../../core/docker/engine-errors';

const home = mkdtempSync(join(tmpdir(), 'ul-endpoint-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const nothingExists = () => false;

describe('parseHost', () => {
  it('reads every scheme DOCKER_HOST can have', () => {
    expect(parseHost('unix:///run/user/1000/docker.sock')).toEqual({
      kind: 'unix',
      path: '/run/user/1000/docker.sock',
    });
    expect(parseHost('unix://')).toEqual({ kind: 'unix', path: '/var/run/docker.sock' });
    expect(parseHost('npipe:////./pipe/docker_engine')).toEqual({
      kind: 'npipe',
      path: '//./pipe/docker_engine',
    });
    expect(parseHost('tcp://10.0.0.5:2375')).toEqual({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      tls: false,
    });
    expect(parseHost('tcp://docker.example:2376')).toMatchObject({ port: 2376, tls: true });
    expect(parseHost('ssh://deploy@build-box:2222')).toEqual({
      kind: 'ssh',
      host: 'build-box',
      port: 2222,
      user: 'deploy',
    });
    expect(parseHost('tcp://[::1]:2375')).toMatchObject({ host: '::1', port: 2375 });
  });

  it('takes a value without a scheme as tcp, and a bare path as a socket', () => {
    expect(parseHost('localhost:2375')).toEqual({ kind: 'tcp', host: 'localhost', port: 2375, tls: false });
    expect(parseHost('127.0.0.1')).toMatchObject({ kind: 'tcp', port: 2375 });
    expect(parseHost('/var/run/docker.sock')).toEqual({ kind: 'unix', path: '/var/run/docker.sock' });
  });

  it('rejects what is not an engine address, saying what would be', () => {
    expect(() => parseHost('ftp://x')).toThrow(/not an engine address.*unix:\/\//);
    expect(() => parseHost('tcp://')).toThrow(EngineError);
  });
});

describe('resolveEndpoint', () => {
  it('prefers DOCKER_HOST', () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' },
      home,
      exists: nothingExists,
    });
    expect(endpoint).toMatchObject({ url: 'tcp://127.0.0.1:2375', source: 'DOCKER_HOST', tlsVerify: false });
  });

  it('turns TLS on with DOCKER_TLS_VERIFY and reads certificates from DOCKER_CERT_PATH', () => {
    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      home,
    });
    expect(endpoint).toMatchObject({ address: { tls: true }, tlsDir: '/certs', tlsVerify: true });
    expect(dockerOptions(endpoint)).toMatchObject({ protocol: 'https', host: '127.0.0.1', port: 2375 });
  });

  it('follows the current Docker context from config.json', () => {
    const config = join(home, 'ctx');
    const id = createHash('sha256').update('colima').digest('hex');
    mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'colima' }));
    writeFileSync(
      join(config, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({
        Name: 'colima',
        Metadata: {},
        Endpoints: { docker: { Host: 'unix:///Users/me/.colima/default/docker.sock', SkipTLSVerify: false } },
      }),
    );
    const endpoint = resolveEndpoint({ env: { DOCKER_CONFIG: config }, home, exists: nothingExists });
    expect(endpoint).toMatchObject({
      url: 'unix:///Users/me/.colima/default/docker.sock',
      source: 'context "colima"',
    });
    // DOCKER_CONTEXT overrides config.json; "default" means the platform default.
    expect(
      resolveEndpoint({
        env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'default' },
        home,
        exists: nothingExists,
      }).source,
    ).toBe('default socket');
  });

  it('says how to fix a context that does not exist or has no endpoint', () => {
    const config = join(home, 'bad');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: config }, home })).toThrow(
      /context "gone" does not exist.*docker context use/,
    );
    writeFileSync(join(config, 'config.json'), '{not json');
    expect(() => resolveEndpoint({ env: { DOCKER_CONFIG: config }, home })).toThrow(EngineError);
  });

  it('falls back to Podman’s Docker-compatible socket when no Docker socket exists', () => {
    const podman = '/run/user/1000/podman/podman.sock';
    const endpoint = resolveEndpoint({
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      home,
      platform: 'linux',
      exists: (path) => path === podman,
    });
    expect(endpoint).toMatchObject({ url: `unix://${podman}`, source: 'Podman socket' });
    const none = resolveEndpoint({ env: {}, home, platform: 'linux', exists: nothingExists });
    expect(none.url).toBe('unix:///var/run/docker.sock');
    expect(none.searched).toContain('/run/podman/podman.sock');
  });

  it('uses the named pipe on Windows', () => {
    const endpoint = resolveEndpoint({ env: {}, home, platform: 'win32', exists: nothingExists });
    expect(endpoint.url).toBe('npipe:////./pipe/docker_engine');
    expect(dockerOptions(endpoint)).toMatchObject({ socketPath: '//./pipe/docker_engine', host: undefined });
  });
});

describe('explainEngineError', () => {
  const socket = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///var/run/docker.sock' }, home });
  const pipe = resolveEndpoint({ env: { DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, home });

  it('reads permission denied as a docker group problem', () => {
    const error = explainEngineError(
      Object.assign(new Error('connect EACCES'), { code: 'EACCES' }),
      socket,
      'linux',
    );
    expect(error.code).toBe('permission');
    expect(error.message).toMatch(/usermod -aG docker/);
  });

  it('reads a missing Windows pipe as Docker not running', () => {
    const error = explainEngineError(
      Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }),
      pipe,
      'win32',
    );
    expect(error.code).toBe('not-running');
    expect(error.message).toMatch(/not running.*Docker Desktop/);
  });

  it('tells macOS users how to start an engine', () => {
    const error = explainEngineError(Object.assign(new Error('x'), { code: 'ENOENT' }), socket, 'darwin');
    expect(error.message).toMatch(/colima start/);
  });

  it('recognises a server that is not Docker', () => {
    const error = explainEngineError(
      Object.assign(new Error('(HTTP code 404) unexpected'), { statusCode: 404 }),
      socket,
    );
    expect(error.code).toBe('not-docker');
  });
});
