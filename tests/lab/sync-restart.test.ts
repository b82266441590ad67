import { afterAll, expect, test } from 'vitest';
import { BalancedLab } from '../../core/lab/balanced-lab';
import { defaultLabConfig } from '../../core/lab/default-config';
import { DemoRuntime } from '../../core/demo/demo-runtime';
import { freePort } from '../support/target';
import { startTraffic, type Traffic } from '../support/traffic';

/**
 * develop.watch's `sync+restart` (and `restart`): each replica drained, restarted and awaited on
 * its new port in turn, under traffic; none of it fails a request (in-process backends).
 */
let lab: BalancedLab;
let traffic: Traffic | undefined;
afterAll(async () => {
  await traffic?.stop();
  await lab?.down();
});

test('restart in turn: every backend gets a new address, no request fails', async () => {
  const port = await freePort();
  const runtime = new DemoRuntime('syncrestart', 3);
  lab = new BalancedLab({
    runtime,
    config: defaultLabConfig(3, { host: '127.0.0.1', port, defaultServer: false }),
  });
  await lab.listen();
  await runtime.build();
  await runtime.up();
  const before = lab.balancer.upstream(lab.upstream).peers.map((p) => p.addr);
  traffic = startTraffic(`http://127.0.0.1:${port}`, { concurrency: 4, delayMs: 5 });
  await traffic.waitFor(50);
  const restarted = await lab.sync('/nonexistent', [], true);
  expect(restarted).toEqual(['backend1', 'backend2', 'backend3']);
  const after = lab.balancer.upstream(lab.upstream).peers.map((p) => p.addr);
  for (const [i, addr] of after.entries()) expect(addr).not.toBe(before[i]);
  expect(lab.balancer.upstream(lab.upstream).peers.map((p) => p.admin)).toEqual(['up', 'up', 'up']);
  await traffic.waitFor(traffic.stats.ok + 50);
  expect(traffic.stats.failed).toBe(0);
});
