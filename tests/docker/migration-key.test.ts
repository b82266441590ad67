import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationKey } from '../../core/docker/migration-key';
import { ensureLabVolume, removeLabVolumes } from '../../core/docker/volumes';
import type { ProjectPlan, ReplicaPlan, ServicePlan } from '../../core/project/plan';
import { MigrationMemory } from '../../core/state/migration-memory';
import { dockerReachable, testDocker, uniqueLab } from '../support/docker';
import { ensureTestImages, TEST_BASE_IMAGE } from '../support/offline-images';
import { requires } from '../support/prerequisites';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');

const replica = (extra: Partial<ReplicaPlan> = {}): ReplicaPlan =>
  ({ name: 'backend1', env: { DB_HOST: 'db' }, ...extra }) as ReplicaPlan;
const db = (volumes: ServicePlan['volumes']): ServicePlan =>
  ({ name: 'db', image: TEST_BASE_IMAGE, env: { POSTGRES_DB: 'app' }, volumes }) as unknown as ServicePlan;
const plan = (r: ReplicaPlan, services: ServicePlan[]): ProjectPlan =>
  ({ replicas: [r, r], services }) as unknown as ProjectPlan;
const pgdata = [
  { type: 'volume' as const, source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false },
];

describe.runIf(docker)('which database migrate ran against (real dockerd)', () => {
  const d = testDocker();
  const lab = uniqueLab('migkey');
  const dir = mkdtempSync(join(tmpdir(), 'ul-migrated-'));
  afterAll(async () => {
    await removeLabVolumes(d, lab);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'the same image, environment and volume give the same key; a recreated volume a new one',
    async () => {
      await ensureTestImages();
      await ensureLabVolume(d, lab, 'pgdata');
      const images = new Map([['db', TEST_BASE_IMAGE]]);
      const key = await migrationKey(d, lab, plan(replica(), [db(pgdata)]), TEST_BASE_IMAGE, images);
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(await migrationKey(d, lab, plan(replica(), [db(pgdata)]), TEST_BASE_IMAGE, images)).toBe(key);
      // Another database name in the replicas' environment: another database.
      const otherEnv = await migrationKey(
        d,
        lab,
        plan(replica({ env: { DB_HOST: 'db2' } }), [db(pgdata)]),
        TEST_BASE_IMAGE,
        images,
      );
      expect(otherEnv).not.toBe(key);

      const memory = new MigrationMemory(dir);
      await memory.remember(lab, key!);
      expect(await memory.has(lab, key!)).toBe(true);

      // `down --volumes`, then up: a new volume, so the migrations run again.
      await removeLabVolumes(d, lab);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await ensureLabVolume(d, lab, 'pgdata');
      const fresh = await migrationKey(d, lab, plan(replica(), [db(pgdata)]), TEST_BASE_IMAGE, images);
      expect(fresh).not.toBe(key);
      expect(await memory.has(lab, fresh!)).toBe(false);
    },
    20 * 60_000,
  );

  it('no key (migrate every time) for a database without a named volume, or replicas running code from disk', async () => {
    const images = new Map([['db', TEST_BASE_IMAGE]]);
    expect(await migrationKey(d, lab, plan(replica(), [db([])]), TEST_BASE_IMAGE, images)).toBeNull();
    const bind = replica({ volumes: [{ type: 'bind', source: '/src', target: '/app', readOnly: false }] });
    expect(await migrationKey(d, lab, plan(bind, [db(pgdata)]), TEST_BASE_IMAGE, images)).toBeNull();
    expect(await migrationKey(d, lab, plan(replica(), []), TEST_BASE_IMAGE, images)).toBeNull();
  });
});
