import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { currentContextName, dockerConfigDir, readContext } from './context';
import { EngineError } from './engine-errors';

export type HostAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'npipe'; path: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean }
  | { kind: 'ssh'; host: string; port: number; user?: string };

export interface Endpoint {
  /** Normalised, as the Docker CLI prints it: unix:///var/run/docker.sock, tcp://host:2375, ... */
  url: string;
  address: HostAddress;
  /** Where it came from, for messages: `DOCKER_HOST`, `context "colima"`, `default socket`, ... */
  source: string;
  /** Folder with ca.pem, cert.pem and key.pem for TLS over TCP. */
  tlsDir?: string;
  tlsVerify: boolean;
  /** Other sockets that were looked for when none was configured. */
  searched?: string[];
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
}

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
export const DEFAULT_NPIPE = '//./pipe/docker_engine';

/**
 * Finds the engine the way the Docker CLI does: DOCKER_HOST, then the current context
 * (DOCKER_CONTEXT or config.json), then the platform's default socket. When that socket is
 * missing, the usual places of Docker Desktop, rootless Docker, Colima, Rancher Desktop and
 * Podman's Docker-compatible socket are tried as well.
 */
export function resolveEndpoint(options: ResolveOptions = {}): Endpoint {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;

  const fromEnv = env.DOCKER_HOST?.trim();
  if (fromEnv) {
    let address = parseHost(fromEnv, platform);
    // As with the Docker CLI, any DOCKER_TLS_VERIFY value turns TLS on.
    if (address.kind === 'tcp' && env.DOCKER_TLS_VERIFY) address = { ...address, tls: true };
    const tls = address.kind === 'tcp' && address.tls;
    return {
      url: formatHost(address),
      address,
      source: 'DOCKER_HOST',
      tlsVerify: Boolean(env.DOCKER_TLS_VERIFY),
      ...(tls ? { tlsDir: env.DOCKER_CERT_PATH || join(home, '.docker') } : {}),
    };
  }

  const configDir = dockerConfigDir(env, home);
  const contextName = currentContextName(env, configDir);
  if (contextName) {
    const context = readContext(contextName, configDir);
    let address = parseHost(context.host, platform);
    if (address.kind === 'tcp' && context.tlsDir) address = { ...address, tls: true };
    return {
      url: formatHost(address),
      address,
      source: `context "${contextName}"`,
      tlsVerify: !context.skipTlsVerify && context.tlsDir !== undefined,
      ...(context.tlsDir ? { tlsDir: context.tlsDir } : {}),
    };
  }

  const candidates = defaultCandidates(env, home, platform);
  const found = candidates.find((candidate) => exists(candidate.path)) ?? candidates[0]!;
  const address =
    platform === 'win32'
      ? ({ kind: 'npipe', path: found.path } as const)
      : ({ kind: 'unix', path: found.path } as const);
  return {
    url: formatHost(address),
    address,
    source: found.source,
    tlsVerify: false,
    searched: candidates.map((candidate) => candidate.path),
  };
}

interface Candidate {
  path: string;
  source: string;
}

function defaultCandidates(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): Candidate[] {
  if (platform === 'win32') {
    return [
      { path: DEFAULT_NPIPE, source: 'default pipe' },
      { path: '//./pipe/podman-machine-default', source: 'Podman machine pipe' },
    ];
  }
  const runtime = env.XDG_RUNTIME_DIR;
  const list: Candidate[] = [
    { path: DEFAULT_UNIX_SOCKET, source: 'default socket' },
    { path: join(home, '.docker', 'run', 'docker.sock'), source: 'Docker Desktop socket' },
    { path: join(home, '.docker', 'desktop', 'docker.sock'), source: 'Docker Desktop socket' },
  ];
  if (runtime) list.push({ path: join(runtime, 'docker.sock'), source: 'rootless Docker socket' });
  if (platform === 'darwin') {
    list.push(
      { path: join(home, '.colima', 'default', 'docker.sock'), source: 'Colima socket' },
      { path: join(home, '.rd', 'docker.sock'), source: 'Rancher Desktop socket' },
    );
  }
  if (runtime) list.push({ path: join(runtime, 'podman', 'podman.sock'), source: 'Podman socket' });
  list.push({ path: '/run/podman/podman.sock', source: 'Podman socket' });
  return list;
}

/**
 * Parses a DOCKER_HOST value: unix://, npipe://, tcp://, ssh://, http(s)://, a bare socket path,
 * or `host:port` without a scheme (taken as tcp://, as lazydocker users expect).
 */
export function parseHost(value: string, platform: NodeJS.Platform = process.platform): HostAddress {
  const raw = value.trim();
  if (raw.startsWith('/') && !raw.startsWith('//')) return { kind: 'unix', path: raw };
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? 'tcp';
  const rest = schemeMatch ? raw.slice(schemeMatch[0].length) : raw;

  switch (scheme) {
    case 'unix':
      return { kind: 'unix', path: rest || DEFAULT_UNIX_SOCKET };
    case 'npipe':
      return { kind: 'npipe', path: rest ? rest.replace(/\\/g, '/') : DEFAULT_NPIPE };
    case 'tcp':
    case 'http':
    case 'https':
    case 'ssh': {
      let url: URL;
      try {
        url = new URL(`${scheme === 'ssh' ? 'ssh' : 'http'}://${rest}`);
      } catch {
        throw badHost(value);
      }
      if (!url.hostname) throw badHost(value);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (scheme === 'ssh') {
        return {
          kind: 'ssh',
          host,
          port: url.port ? Number(url.port) : 22,
          ...(url.username ? { user: url.username } : {}),
        };
      }
      const port = url.port ? Number(url.port) : scheme === 'https' ? 2376 : 2375;
      return { kind: 'tcp', host, port, tls: scheme === 'https' || port === 2376 };
    }
    default:
      throw badHost(value, platform);
  }
}

export function formatHost(address: HostAddress): string {
  switch (address.kind) {
    case 'unix':
      return `unix://${address.path}`;
    case 'npipe':
      return `npipe://${address.path}`;
    case 'tcp':
      return `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
    case 'ssh':
      return `ssh://${address.user ? `${address.user}@` : ''}${address.host}${address.port === 22 ? '' : `:${address.port}`}`;
  }
}

function badHost(value: string, platform: NodeJS.Platform = process.platform): EngineError {
  const example = platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
  return new EngineError(
    'bad-host',
    `DOCKER_HOST="${value}" is not an engine address. Use ${example}, tcp://HOST:2375 or ssh://USER@HOST, ` +
      'or unset DOCKER_HOST to use the current Docker context.',
  );
}
