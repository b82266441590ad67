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
