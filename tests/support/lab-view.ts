import type { LabView } from '../../core/api/contract';
import type { App } from '../../core/app/app';

/** The App's lab view once `predicate` holds: now, or at the first `lab` event where it does. */
export function waitForView(
  app: App,
  predicate: (view: LabView) => boolean,
  timeoutMs = 10_000,
): Promise<LabView> {
  const now = app.view();
  return predicate(now) ? Promise.resolve(now) : app.events.waitFor('lab', predicate, timeoutMs);
}

/**
 * Starts the App's lab and waits until it runs with `replicas` up, then starts the dashboard's
 * traffic generator at `rate` and waits until it is answered: the steady load the zero-failure
 * tests change things under. Resolves with the balancer's port.
 */
export async function startUnderTraffic(
  app: App,
  { replicas = 3, rate = 200, timeoutMs = 180_000 } = {},
): Promise<number> {
  await app.call('lab.start', {});
  const view = await waitForView(
    app,
    (v) => v.state === 'running' && v.backends.filter((b) => b.state === 'up').length === replicas,
    timeoutMs,
  );
  const answered = await app.call('traffic.start', { rate });
  if (!answered.ok) throw new Error('traffic.start refused');
  await waitForView(app, (v) => v.traffic.ok > rate, 10_000);
  return Number(new URL(view.url!).port);
}
