// The dashboard against the Docker runtime: `upstream-lab up --runtime docker` builds the sample
// Django image (offline, from the Python base made of Debian packages), runs three replicas, and the page drives real faults:
// Kill is a SIGKILL of a container, Pause freezes it. Ctrl-C removes the containers.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { resolveEndpoint } from '../../core/docker/endpoint';
import { probeEngine } from '../../core/docker/engine';
import { containerName, defaultImageTag, LABEL_LAB, labFilter, networkName } from '../../core/docker/labels';
import { cleanupLab, testDocker, uniqueLab } from '../support/docker';
import { ensureTestImages, TEST_BASE_IMAGE } from '../support/offline-images';
import { startLab, type LabProcess } from '../support/lab-process';
import { startTraffic, type Traffic, type TrafficStats } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test } from './fixtures';
import type { DashboardPage } from './pages/dashboard';

const BACKENDS = ['backend1', 'backend2', 'backend3'];
/** Build (cached layers) and three containers on two busy cores. */
const STARTUP_MS = 120_000;
/** A replica back from a fault: container start or unpause, then Django's runserver answering. */
const BACK_UP_MS = 30_000;

/** Why the Docker runtime cannot run here, or undefined when it can. */
async function dockerMissing(): Promise<string | undefined> {
  const endpoint = resolveEndpoint();
  try {
    await probeEngine(testDocker(), endpoint, 3000);
  } catch (error) {
    return `Docker is not reachable: ${(error as Error).message}`;
  }
  return undefined;
}

const labName = uniqueLab('e2e-dash');
/** A lab an earlier run left behind (one stopped container, no owner): offered for removal. */
const leftLab = uniqueLab('e2e-left');
/** Where the CLI saves its lab: not the user's config folder. */
let home: string | undefined;
let lab: LabProcess | undefined;
/** Docker was there: afterAll cleans up even when the lab failed to start. */
let engine = false;
let traffic: Traffic | undefined;

const running = (): LabProcess => {
  if (!lab) throw new Error('the lab did not start (see beforeAll)');
  return lab;
};

test.describe.configure({ mode: 'serial', timeout: 90_000 });

test.beforeAll(async () => {
  // Minutes more only when the offline images must be built first.
  test.setTimeout(STARTUP_MS + 15 * 60_000);
  const missing = await dockerMissing();
  if (missing && process.env['CI']) throw new Error(`${missing} (required when CI is set)`);
  if (missing) console.warn(`SKIPPED the Docker dashboard tests: ${missing}`);
  test.skip(!!missing, missing);
  engine = true;
  // The offline images (npm test's vitest run has built them; alone, this builds them once).
  await ensureTestImages();
  home = mkdtempSync(join(tmpdir(), 'upstream-lab-e2e-docker-'));
  await testDocker().createContainer({
    name: `${leftLab}-backend1`,
    Image: TEST_BASE_IMAGE,
    Cmd: ['true'],
    Labels: { [LABEL_LAB]: leftLab },
  });
  lab = await startLab({
    runtime: 'docker',
    lab: labName,
    replicas: 3,
    timeoutMs: STARTUP_MS,
    // Faults routed around at Docker's event; nginx's own detection: tests/docker/nginx-detection.test.ts.
    failureDetection: 'engine',
    env: { UPSTREAM_LAB_HOME: home },
  });
});

test.afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await lab?.stop();
  // Whatever a failed run left: containers, network, the lab's image tag.
  if (engine) await cleanupLab(labName, [defaultImageTag(labName)]);
  if (engine) await cleanupLab(leftLab);
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A steady trickle: several workers, so a request stuck on a paused container does not stop the loop. */
const steadyTraffic = (): Traffic => startTraffic(running().balancerUrl, { concurrency: 6, delayMs: 40 });

async function allUp(dashboard: DashboardPage, timeout = STARTUP_MS): Promise<void> {
  for (const backend of BACKENDS) {
    await expect(dashboard.state(backend)).toContainText('up', { timeout });
  }
}

async function sharesAboveZero(dashboard: DashboardPage, backends: string[]): Promise<void> {
  for (const backend of backends) {
    await expect.poll(() => dashboard.share(backend), { timeout: 15_000 }).toBeGreaterThan(0);
  }
}

/**
 * Ground truth from the responses: over the next `count` responses, `silent` serves none and
 * every other backend serves some.
 */
async function servedOnlyBy(load: Traffic, silent: string, count = 150): Promise<void> {
  const before: TrafficStats['byBackend'] = { ...load.stats.byBackend };
  await load.waitFor(count);
  expect(load.stats.byBackend[silent] ?? 0, `${silent} served after it went down`).toBe(before[silent] ?? 0);
  for (const backend of BACKENDS.filter((b) => b !== silent)) {
    expect(load.stats.byBackend[backend] ?? 0, `${backend} kept serving`).toBeGreaterThan(
      before[backend] ?? 0,
    );
  }
}

async function serves(load: Traffic, backend: string): Promise<void> {
  const before = load.stats.byBackend[backend] ?? 0;
  await expect
    .poll(() => load.stats.byBackend[backend] ?? 0, { timeout: 15_000, message: `${backend} serves again` })
    .toBeGreaterThan(before);
}

const inspect = (backend: string) =>
  testDocker()
    .getContainer(containerName(labName, Number(backend.slice('backend'.length))))
    .inspect();

async function open(page: Page): Promise<DashboardPage> {
  const dashboard = await openDashboard(page, running());
  await expect(page.getByRole('banner')).toContainText('docker');
  return dashboard;
}

test('three Django replicas come up, and traffic spreads over them', async ({ page, problems }) => {
  const dashboard = await open(page);
  await allUp(dashboard);
  await expect(dashboard.row('backend4')).toHaveCount(0);
  for (const backend of BACKENDS) {
    // Each row says where the balancer reaches its container: the port Docker published.
    await expect(dashboard.row(backend)).toContainText(/127\.0\.0\.1:\d+/);
    expect((await inspect(backend)).State.Running).toBe(true);
  }

  traffic = steadyTraffic();
  await sharesAboveZero(dashboard, BACKENDS);
  await traffic.waitFor(60);
  for (const backend of BACKENDS) expect(traffic.stats.byBackend[backend] ?? 0).toBeGreaterThan(0);
  expect(traffic.stats.failed).toBe(0);
  await keepScreenshot(page, 'docker-backends', true);
  expect(problems).toEqual([]);
});

test('Kill backend2 is a SIGKILL: "killed" within a second, no failed request; Restore brings it back', async ({
  page,
  problems,
}) => {
  const dashboard = await open(page);
  await allUp(dashboard, BACK_UP_MS);
  traffic = steadyTraffic();
  await sharesAboveZero(dashboard, BACKENDS);

  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed', { timeout: 1000 });
  const killed = await inspect('backend2');
  expect(killed.State.Running).toBe(false);
  expect(killed.State.ExitCode).toBe(137);
  await expect(dashboard.state('backend1')).toContainText('up');
  await expect(dashboard.state('backend3')).toContainText('up');

  // A request that was on its way to backend2 is retried on the next one (GET is idempotent).
  await traffic.waitFor(20);
  await servedOnlyBy(traffic, 'backend2');
  await expect.poll(() => dashboard.share('backend2'), { timeout: 15_000 }).toBe(0);
  await keepScreenshot(page, 'docker-killed-backend2', true);

  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: BACK_UP_MS });
  expect((await inspect('backend2')).State.Running).toBe(true);
  await serves(traffic, 'backend2');
  await expect.poll(() => dashboard.share('backend2'), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(traffic.stats.failed, 'failed GETs in the load loop').toBe(0);
  await keepScreenshot(page, 'docker-restored-backend2', true);
  expect(problems).toEqual([]);
});

test('Pause backend3 freezes its container: "paused", routed around; Restore unpauses it', async ({
  page,
  problems,
}) => {
  const dashboard = await open(page);
  await allUp(dashboard, BACK_UP_MS);
  traffic = steadyTraffic();
  await sharesAboveZero(dashboard, BACKENDS);

  await dashboard.button('Pause', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('paused', { timeout: 2000 });
  expect((await inspect('backend3')).State.Paused).toBe(true);

  await traffic.waitFor(20);
  await servedOnlyBy(traffic, 'backend3');
  await keepScreenshot(page, 'docker-paused-backend3', true);

  await dashboard.button('Restore', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('up', { timeout: BACK_UP_MS });
  expect((await inspect('backend3')).State.Paused).toBe(false);
  await serves(traffic, 'backend3');
  // Requests caught inside the frozen container finish once it thaws: none failed.
  expect(traffic.stats.failed, 'failed GETs in the load loop').toBe(0);
  expect(problems).toEqual([]);
});

for (const [width, height] of [
  [1280, 720],
  [1920, 1080],
] as const) {
  test(`at ${width}×${height} the details rows show each container as docker inspect has it, and its CPU and memory sparklines`, async ({
    page,
    problems,
  }) => {
    const dashboard = await open(page);
    await page.setViewportSize({ width, height });
    await allUp(dashboard);
    traffic = steadyTraffic();
    await traffic.waitFor(60);
    for (const backend of BACKENDS) {
      await dashboard.detailsToggle(backend).click();
      const details = dashboard.details(backend);
      const info = await inspect(backend);
      await expect(details.getByTestId('container-id')).toHaveText(info.Id.slice(0, 12));
      await expect(details.getByTestId('container-image')).toContainText(defaultImageTag(labName));
      await expect(details.getByTestId('container-image')).toContainText(
        info.Image.replace('sha256:', '').slice(0, 12),
      );
      // A line of a few samples each: the engine's stats stream, a sample a second.
      for (const what of ['CPU', 'Memory']) {
        const spark = details.getByRole('img', {
          name: new RegExp(`^${what} of ${backend}, last minute: \\d`),
        });
        await expect(spark).toBeVisible({ timeout: 15_000 });
        await expect
          .poll(
            async () => ((await spark.locator('polyline').getAttribute('points')) ?? '').split(' ').length,
            {
              timeout: 15_000,
            },
          )
          .toBeGreaterThanOrEqual(3);
      }
      await expect(
        details.getByRole('img', {
          name: new RegExp(`^Memory of ${backend}, last minute: [\\d.]+ (KB|MB|GB)$`),
        }),
      ).toBeVisible();
      await expect(details.getByTestId('check')).toHaveText('no check');
    }
    const sideways = await dashboard.backendsScrollBox.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(sideways).toBeLessThanOrEqual(0);
    // The details do not widen the table: each row's actions stay on one line (Kill level with ⋯).
    for (const backend of BACKENDS) {
      const kill = (await dashboard.button('Kill', backend).boundingBox())!;
      const more = (await dashboard.moreActions(backend).boundingBox())!;
      expect(Math.abs(kill.y + kill.height / 2 - (more.y + more.height / 2))).toBeLessThan(2);
    }
    await dashboard.backends.screenshot({ path: `test-results/screenshots/docker-details-${width}.png` });
    for (const backend of BACKENDS) await dashboard.detailsToggle(backend).click();
    expect(problems).toEqual([]);
  });
}

test('a leftover lab is removed only once confirmed, in a dialog that names what goes', async ({
  page,
  problems,
}) => {
  await open(page);
  const filters = { label: [labFilter(leftLab)] };
  const remove = page.getByRole('button', { name: `Remove lab ${leftLab}…` });
  await expect(remove).toBeVisible({ timeout: 15_000 });
  await remove.click();
  const dialog = page.getByRole('dialog', { name: `Remove lab ${leftLab}?` });
  await expect(dialog).toContainText('This removes 1 container (0 running)');
  await expect(dialog).toContainText('It has no volumes.');
  await keepScreenshot(page, 'docker-remove-leftover-dialog');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  // Cancelled: nothing removed.
  expect(await testDocker().listContainers({ all: true, filters })).toHaveLength(1);

  await remove.click();
  await dialog.getByRole('button', { name: 'Remove 1 container' }).click();
  await expect(remove).toBeHidden({ timeout: 30_000 });
  expect(await testDocker().listContainers({ all: true, filters })).toEqual([]);
  // The running lab was not touched.
  expect(
    await testDocker().listContainers({ all: true, filters: { label: [labFilter(labName)] } }),
  ).toHaveLength(3);
  expect(problems).toEqual([]);
});

test("Ctrl-C (SIGINT) stops the CLI and removes the lab's containers", async ({ page }) => {
  await open(page);
  const docker = testDocker();
  const filters = { label: [labFilter(labName)] };
  expect(await docker.listContainers({ all: true, filters })).toHaveLength(3);

  const exit = await running().stop();
  expect(exit.forced, 'the CLI needed SIGKILL').toBe(false);
  expect(exit.code, running().output()).toBe(0);
  expect(running().output()).toContain("stopping: removing the lab's containers");
  // `docker ps -a --filter label=upstream-lab.lab=<lab>`: nothing left, nor the lab's network.
  expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  const networks = await docker.listNetworks({ filters });
  expect(networks.map((n) => n.Name)).not.toContain(networkName(labName));
  await expect(page.getByTestId('connection-state')).toContainText('disconnected', { timeout: 5000 });
  await keepScreenshot(page, 'docker-after-sigint');
});
