import type { Endpoint } from './endpoint';

export type EngineErrorCode =
  | 'not-running'
  | 'permission'
  | 'refused'
  | 'unknown-host'
  | 'timeout'
  | 'tls'
  | 'ssh'
  | 'not-docker'
  | 'bad-host'
  | 'bad-context'
  | 'unknown';

/** A failure to reach the engine, worded for the person who has to fix it. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** How to start an engine on each platform. */
export function startHint(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'Start Docker Desktop (`open -a Docker`), or `colima start`, or `podman machine start`.';
    case 'win32':
      return 'Start Docker Desktop from the Start menu (or `podman machine start` for Podman).';
    default:
      return (
        'Start it: `sudo systemctl start docker` (or run `sudo dockerd &`); rootless Docker: ' +
        '`systemctl --user start docker`; Podman: `systemctl --user start podman.socket`. ' +
        'Docker Desktop: start it from the applications menu.'
      );
  }
}

const elsewhereHint =
  'If the engine runs elsewhere, set DOCKER_HOST (e.g. the endpoint shown by `docker context ls`) ' +
  'or choose a context with `docker context use NAME`.';

interface SystemError {
  code?: string;
  errno?: number;
  syscall?: string;
  statusCode?: number;
  level?: string;
  name?: string;
  message?: string;
}

/** Explains why talking to `endpoint` failed and what to do about it. */
export function explainEngineError(
  error: unknown,
  endpoint: Endpoint,
  platform: NodeJS.Platform = process.platform,
): EngineError {
  if (error instanceof EngineError) return error;
  const e = (error ?? {}) as SystemError;
  const where = `the Docker engine at ${endpoint.url} (from ${endpoint.source})`;

  const searched =
    endpoint.searched && endpoint.searched.length > 1
      ? ` Also looked for: ${endpoint.searched.slice(1).join(', ')}.`
      : '';
  const make = (code: EngineErrorCode, text: string) => new EngineError(code, text, { cause: error });

  if (
    (endpoint.address.kind === 'unix' || endpoint.address.kind === 'npipe') &&
    (e.code === 'ENOENT' || e.code === 'ECONNREFUSED')
  ) {
    const a = endpoint.address;
    const what =
      e.code === 'ENOENT'
        ? `no ${a.kind === 'npipe' ? 'pipe' : 'socket'} at ${a.path}`
        : `the socket ${a.path} exists but nothing answers on it`;
    return make(
      'not-running',
      `Cannot connect to ${where}: the engine is not running (${what}).${searched} ${startHint(platform)} ${elsewhereHint}`,
    );
  }
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    const a = endpoint.address;
    const path = a.kind === 'unix' || a.kind === 'npipe' ? a.path : endpoint.url;
    const fix =
      platform === 'linux'
        ? 'Add yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`). Rootless Docker or Podman avoid the group altogether.'
        : 'Check that your user may open it (Docker Desktop: restart it; Windows: your account must be in the docker-users group).';
    return make('permission', `Permission denied on ${path} (${where}). ${fix}`);
  }
  if (e.code === 'ECONNREFUSED') {
    return make(
      'refused',
      `Cannot connect to ${where}: connection refused, nothing listens there. Check the host and port, ` +
        `and that the engine is started with a TCP listener (dockerd -H tcp://...). ${elsewhereHint}`,
    );
  }
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    return make(
      'unknown-host',
      `Cannot connect to ${where}: the host name does not resolve. ${elsewhereHint}`,
    );
  }
  if (
    e.code === 'ETIMEDOUT' ||
    e.code === 'ABORT_ERR' ||
    e.name === 'AbortError' ||
    e.name === 'TimeoutError'
  ) {
    return make(
      'timeout',
      `No answer from ${where} in time: the engine is busy, paused or unreachable. ${elsewhereHint}`,
    );
  }
  if (
    e.code === 'EHOSTUNREACH' ||
    e.code === 'ENETUNREACH' ||
    e.code === 'ECONNRESET' ||
    e.code === 'EPIPE'
  ) {
    return make('refused', `Cannot connect to ${where}: ${e.code}. ${elsewhereHint}`);
  }
  if (e.code?.startsWith('ERR_TLS') || e.code?.includes('CERT') || e.code === 'EPROTO') {
    return make(
      'tls',
      `TLS handshake with ${where} failed (${e.code}): check ca.pem, cert.pem and key.pem in ` +
        `${endpoint.tlsDir ?? 'DOCKER_CERT_PATH'}, and DOCKER_TLS_VERIFY.`,
    );
  }
  if (endpoint.address.kind === 'ssh' && (e.level || /ssh|handshake|authentication/i.test(e.message ?? ''))) {
    return make(
      'ssh',
      `SSH to ${where} failed: ${e.message}. Check that \`ssh ${endpoint.url.slice(6)} docker version\` works ` +
        '(keys loaded in ssh-agent, SSH_AUTH_SOCK set).',
    );
  }
  if (typeof e.statusCode === 'number' || e.code === 'HPE_INVALID_CONSTANT' || e.code?.startsWith('HPE_')) {
    return make(
      'not-docker',
      `${endpoint.url} (from ${endpoint.source}) answered, but not as a Docker engine: ${e.message}. ${elsewhereHint}`,
    );
  }
  return make('unknown', `Cannot connect to ${where}: ${e.message ?? String(error)}. ${elsewhereHint}`);
}
