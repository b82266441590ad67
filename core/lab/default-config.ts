import { readFileSync } from 'node:fs';
import type { ListenConfig, ProxyConfig } from '../balancer/config';
import { parseNginxConfig } from '../nginx';
import { resourcePath } from '../paths';
import { backendName } from './backend-name';

/** The lab's nginx.conf: the course's, with timeouts short enough to watch a paused backend. */
export const LAB_CONFIG_PATH = resourcePath('lab', 'nginx.conf');

/** Where the balancer listens unless the settings or the project's nginx service say otherwise. */
export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** The default lab config for `replicas` backends, listening where asked. */
export function defaultLabConfig(replicas: number, listen: ListenConfig): ProxyConfig {
  const { config } = parseNginxConfig(readFileSync(LAB_CONFIG_PATH, 'utf8'), LAB_CONFIG_PATH);
  const upstream = config.upstreams[0]!;
  const template = upstream.servers[0]!;
  upstream.servers = Array.from({ length: replicas }, (_, i) => ({
    ...template,
    address: `${backendName(i + 1)}:8000`,
  }));
  config.servers[0]!.listen = [listen];
  return config;
}

/** `127.0.0.1:8080`, `8080`, `[::1]:8080` → a listen address. */
export function parseListen(text: string): ListenConfig {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--listen "${text}" is not HOST:PORT (for example 127.0.0.1:8080; port 0 picks a free one)`,
    );
  }
  return { host: match[1] || match[2] || '127.0.0.1', port, defaultServer: false };
}
