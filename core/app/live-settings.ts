import { settingsMethodText, type BackendParams, type LabSettings } from '../api/contract';
import { paramsFor } from './lab-config';

/** Settings the balancer alone owns: changed with a reload (and a scale), the replicas kept. */
const LIVE = new Set<keyof LabSettings>([
  'replicas',
  'listen',
  'method',
  'hashKey',
  'hashConsistent',
  'randomTwo',
  'failureDetection',
  'defaults',
  'backends',
]);

/** Settings that change what the replicas run (image, environment, command...): named when they differ. */
export function restartNeededFor(before: LabSettings, after: LabSettings): string[] {
  return (Object.keys(after) as Array<keyof LabSettings>).filter(
    (key) => !LIVE.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}

const PARAM_NAMES: Record<keyof BackendParams, string> = {
  weight: 'weight',
  maxFails: 'max_fails',
  failTimeoutSec: 'fail_timeout',
  backup: 'backup',
};

/** What a live change does, one phrase per fact: `method round_robin → least_conn`, `backend2 weight 1 → 3`. */
export function describeLiveChanges(before: LabSettings, after: LabSettings, backends: string[]): string[] {
  const changes: string[] = [];
  const [methodWas, methodNow] = [settingsMethodText(before), settingsMethodText(after)];
  if (before.method !== after.method || methodWas !== methodNow)
    changes.push(`method ${methodWas} → ${methodNow}`);
  if (before.failureDetection !== after.failureDetection)
    changes.push(`failure detection ${before.failureDetection} → ${after.failureDetection}`);
  if (before.replicas !== after.replicas) changes.push(`replicas ${before.replicas} → ${after.replicas}`);
  if (before.listen !== after.listen && after.listen) changes.push(`listen ${after.listen}`);
  for (const backend of backends) {
    const was = paramsFor(before, backend);
    const now = paramsFor(after, backend);
    for (const key of Object.keys(PARAM_NAMES) as Array<keyof BackendParams>)
      if (was[key] !== now[key]) changes.push(`${backend} ${PARAM_NAMES[key]} ${was[key]} → ${now[key]}`);
  }
  return changes;
}
