/**
 * The proxies the balancer bench measures, each started in front of the same upstreams with the
 * same job (round robin over three servers, keep-alive to them or not), one process each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startNginx } from '../../tests/support/nginx';
import { waitForPort } from '../../tests/support/target';

export interface Scenario {
  name: string;
  keepalive: boolean;
}

export interface Running {
  stop(): Promise<void>;
}

export interface Contender {
  /** As it reads in the tables: the mode is part of the name. */
  label: string;
  key: 'nginx' | 'haproxy' | 'caddy' | 'ours-log' | 'ours-quiet';
  start(port: number, upstreams: number[], scenario: Scenario): Promise<Running>;
}

/** The seed's conf (its upstream parameters and proxy_set_header lines), keep-alive added when asked. */
export function nginxConf(port: number, upstreams: number[], scenario: Scenario): string {
  return `events {}
http {
    upstream backend_pool {
${upstreams.map((p) => `        server 127.0.0.1:${p} max_fails=3 fail_timeout=30s weight=1;`).join('\n')}
        ${scenario.keepalive ? 'keepalive 32;' : ''}
    }
    server {
        listen 127.0.0.1:${port};
        server_name localhost;
        location / {
            proxy_pass http://backend_pool;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $server_name;
            ${scenario.keepalive ? 'proxy_http_version 1.1; proxy_set_header Connection "";' : ''}
        }
    }
}
`;
}

async function processIn(
  dir: string,
  command: string,
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = process.env,
  /** Read what it prints (and throw it away), as a terminal would. */
  drain = false,
): Promise<Running> {
  const child: ChildProcess = spawn(command, args, {
    stdio: ['ignore', drain ? 'pipe' : 'ignore', 'pipe'],
    env,
  });
  child.stdout?.resume();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${command} did not listen on ${port}: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const BIN = resolve(import.meta.dirname, '../../bin/upstream-lab.mjs');

function ours(quiet: boolean): Contender['start'] {
  return async (port, upstreams, scenario) => {
    const dir = await mkdtemp(join(tmpdir(), 'ul-bench-ours-'));
    await writeFile(join(dir, 'nginx.conf'), nginxConf(port, upstreams, scenario));
    const args = [BIN, 'proxy', '--config', join(dir, 'nginx.conf'), ...(quiet ? ['--quiet'] : [])];
    return processIn(dir, process.execPath, args, port, process.env, true);
  };
}

export const CONTENDERS: Contender[] = [
  {
    label: 'nginx 1.22 (1 worker, access log off)',
    key: 'nginx',
    start: async (port, upstreams, scenario) => startNginx(nginxConf(port, upstreams, scenario)),
  },
  {
    label: 'HAProxy (nbthread 1, no log)',
    key: 'haproxy',
    start: async (port, upstreams, scenario) => {
      const dir = await mkdtemp(join(tmpdir(), 'ul-bench-haproxy-'));
      const cfg = `global
    nbthread 1
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend front
    bind 127.0.0.1:${port}
    default_backend pool
backend pool
    balance roundrobin
    ${scenario.keepalive ? 'http-reuse always' : 'option http-server-close'}
    http-request set-header X-Real-IP %[src]
    option forwardfor
${upstreams.map((p, i) => `    server s${i + 1} 127.0.0.1:${p}`).join('\n')}
`;
      await writeFile(join(dir, 'haproxy.cfg'), cfg);
      return processIn(dir, 'haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], port);
    },
  },
  {
    label: 'Caddy (GOMAXPROCS=1, no log)',
    key: 'caddy',
    start: async (port, upstreams, scenario) => {
      const dir = await mkdtemp(join(tmpdir(), 'ul-bench-caddy-'));
      const file = `{
    admin off
    auto_https off
}
http://127.0.0.1:${port} {
    reverse_proxy ${upstreams.map((p) => `127.0.0.1:${p}`).join(' ')} {
        lb_policy round_robin
        header_up X-Real-IP {remote_host}
        ${scenario.keepalive ? '' : 'transport http {\n            keepalive off\n        }'}
    }
}
`;
      await writeFile(join(dir, 'Caddyfile'), file);
      const env = { ...process.env, GOMAXPROCS: '1', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
      return processIn(
        dir,
        'caddy',
        ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
        port,
        env,
      );
    },
  },
  { label: 'upstream-lab proxy (access log on, as in a lab)', key: 'ours-log', start: ours(false) },
  { label: 'upstream-lab proxy --quiet (no access log, no records)', key: 'ours-quiet', start: ours(true) },
];
