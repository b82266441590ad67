import { Balancer } from '../../core/balancer';
import { parseNginxConfig } from '../../core/nginx';
import { listenPort, nginxTarget } from './nginx';
import type { ProxyTarget, RunningProxy } from './target';

/** Our balancer as a differential target: core/nginx parses the config, core/balancer runs it. */
const oursTarget: ProxyTarget = {
  name: 'ours',
  async start(configText: string): Promise<RunningProxy> {
    const { config } = parseNginxConfig(configText, 'differential.conf');
    const balancer = new Balancer(config);
    const addresses = await balancer.listen();
    const wanted = listenPort(configText);
    const address = addresses.find((a) => a.port === wanted) ?? addresses[0];
    if (!address) {
      await balancer.close();
      throw new Error('Balancer.listen() returned no address');
    }
    return {
      url: `http://${address.host}:${address.port}`,
      port: address.port,
      stop: () => balancer.close(),
      diagnostics: async () => '',
    };
  },
};

/**
 * UPSTREAM_LAB_OURS=nginx runs the "ours" half against a second real nginx: a self-check of the
 * harness (both halves must agree on every deterministic scenario).
 */
export const ours: ProxyTarget =
  process.env.UPSTREAM_LAB_OURS === 'nginx' ? { ...nginxTarget, name: 'nginx (as ours)' } : oursTarget;
