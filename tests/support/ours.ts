import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProxyConfig } from '../../core/balancer/config';
import { listenPort, nginxTarget } from './nginx';
import type { ProxyTarget, RunningProxy } from './target';

/**
 * THE SWITCH. While core/balancer is being written, a balancer that cannot be imported makes the
 * "ours" half of the differential suite print a skip. Set this to true (or run with
 * UPSTREAM_LAB_REQUIRE_OURS=1) once it lands: from then on a missing balancer is a failing test.
 */
export const OURS_REQUIRED: boolean = process.env.UPSTREAM_LAB_REQUIRE_OURS === '1' || false;

/**
 * UPSTREAM_LAB_OURS=nginx runs the "ours" half against a second real nginx: a self-check of the
 * harness (both halves must agree on every deterministic scenario).
 */
const OURS_IS_NGINX = process.env.UPSTREAM_LAB_OURS === 'nginx';

/** The API the differential suite expects from core/ (kept here, typed loosely, until it exists). */
interface ParseModule {
  parseNginxConfig(text: string): { config: ProxyConfig };
}
interface BalancerInstance {
  listen(): Promise<Array<{ host: string; port: number }>>;
  close(): Promise<void>;
}
interface BalancerModule {
  Balancer: new (config: ProxyConfig) => BalancerInstance;
}

// Variables, so that neither tsc nor the bundler insists on the modules existing yet.
const PARSE_MODULE = '../../core/nginx/parse';
const BALANCER_MODULE = '../../core/balancer';
const ENTRY_FILES = ['../../core/nginx/parse.ts', '../../core/balancer/index.ts'];

/**
 * `missing`: the entry files do not exist yet (a skip unless OURS_REQUIRED).
 * `broken`: they exist but do not load or lack the API (always a failure).
 */
export type OursAvailability =
  { state: 'available'; target: ProxyTarget } | { state: 'missing' | 'broken'; reason: string };

let loading: Promise<OursAvailability> | undefined;

/** Imports core/nginx/parse and core/balancer once; says why not if it cannot. */
export function loadOurs(): Promise<OursAvailability> {
  loading ??= (async (): Promise<OursAvailability> => {
    if (OURS_IS_NGINX) return { state: 'available', target: { ...nginxTarget, name: 'nginx (as ours)' } };
    const absent = ENTRY_FILES.filter((file) => !existsSync(fileURLToPath(new URL(file, import.meta.url))));
    if (absent.length > 0) return { state: 'missing', reason: `${absent.join(' and ')} not found` };
    try {
      const parse = (await import(/* @vite-ignore */ PARSE_MODULE)) as Partial<ParseModule>;
      const balancer = (await import(/* @vite-ignore */ BALANCER_MODULE)) as Partial<BalancerModule>;
      if (typeof parse.parseNginxConfig !== 'function')
        throw new Error(`${PARSE_MODULE} has no parseNginxConfig`);
      if (typeof balancer.Balancer !== 'function')
        throw new Error(`${BALANCER_MODULE} has no Balancer class`);
      return { state: 'available', target: oursTarget(parse as ParseModule, balancer as BalancerModule) };
    } catch (err) {
      return { state: 'broken', reason: (err as Error).stack ?? String(err) };
    }
  })();
  return loading;
}

function oursTarget(parse: ParseModule, balancer: BalancerModule): ProxyTarget {
  return {
    name: 'ours',
    async start(configText: string): Promise<RunningProxy> {
      const { config } = parse.parseNginxConfig(configText);
      if (!config) throw new Error('parseNginxConfig returned no config');
      const instance = new balancer.Balancer(config);
      const addresses = await instance.listen();
      const wanted = listenPort(configText);
      const address = addresses.find((a) => a.port === wanted) ?? addresses[0];
      if (!address) {
        await instance.close();
        throw new Error('Balancer.listen() returned no address');
      }
      return {
        url: `http://${address.host}:${address.port}`,
        port: address.port,
        stop: () => instance.close(),
        diagnostics: async () => '',
      };
    },
  };
}
