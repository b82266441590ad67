import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineError } from './engine-errors';

const configFile = z.object({ currentContext: z.string().optional() });
const contextMeta = z.object({
  Name: z.string(),
  Endpoints: z.object({
    docker: z.object({ Host: z.string().min(1), SkipTLSVerify: z.boolean().optional() }),
  }),
});

export interface DockerContext {
  name: string;
  host: string;
  skipTlsVerify: boolean;
  /** Holds ca.pem, cert.pem, key.pem when the context was created with TLS material. */
  tlsDir?: string;
}

/** The Docker CLI's config folder: $DOCKER_CONFIG or ~/.docker. */
export const dockerConfigDir = (env: NodeJS.ProcessEnv, home: string): string =>
  env.DOCKER_CONFIG || join(home, '.docker');

/** $DOCKER_CONTEXT, else `currentContext` from config.json; undefined means the default context. */
export function currentContextName(env: NodeJS.ProcessEnv, configDir: string): string | undefined {
  const fromEnv = env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return fromEnv === 'default' ? undefined : fromEnv;
  const path = join(configDir, 'config.json');
  if (!existsSync(path)) return undefined;
  const parsed = configFile.safeParse(readJson(path));
  if (!parsed.success)
    throw new EngineError('bad-context', `${path} is not a Docker CLI config: ${parsed.error.message}`);
  const name = parsed.data.currentContext?.trim();
  return name && name !== 'default' ? name : undefined;
}

/** Reads contexts/meta/<sha256(name)>/meta.json as `docker context use` wrote it. */
export function readContext(name: string, configDir: string): DockerContext {
  const id = createHash('sha256').update(name).digest('hex');
  const path = join(configDir, 'contexts', 'meta', id, 'meta.json');
  if (!existsSync(path)) {
    throw new EngineError(
      'bad-context',
      `The Docker context "${name}" does not exist (no ${path}). ` +
        'List contexts with `docker context ls` and pick one with `docker context use NAME`, ' +
        'or go back to the default with `docker context use default`.',
    );
  }
  const parsed = contextMeta.safeParse(readJson(path));
  if (!parsed.success) {
    throw new EngineError('bad-context', `The Docker context "${name}" has no Docker endpoint in ${path}.`);
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  return {
    name,
    host: parsed.data.Endpoints.docker.Host,
    skipTlsVerify: parsed.data.Endpoints.docker.SkipTLSVerify ?? false,
    ...(existsSync(tlsDir) ? { tlsDir } : {}),
  };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EngineError('bad-context', `Cannot read ${path}: ${(error as Error).message}`);
  }
}
