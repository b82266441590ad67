// The course's repository in the dashboard (`up --project`, real dockerd, offline): what the lab
// made of its compose file before anything started — roles, the database's offline stand-in,
// the migrations, the changes sent in the build context — at 1280×720 and 1920×1080.
import { resolveEndpoint } from '../../core/docker/endpoint';
import { probeEngine } from '../../core/docker/engine';
import { defaultImageTag, labFilter } from '../../core/docker/labels';
import { cleanupLab, testDocker, uniqueLab } from '../support/docker';
import { startLab, type LabProcess } from '../support/lab-process';
import { ensureTestImages } from '../support/offline-images';
import { copyProject } from '../support/projects';
import { expect, keepScreenshot, openDashboard, test } from './fixtures';

const STARTUP_MS = 240_000;
const labName = uniqueLab('e2e-project');
let lab: LabProcess | undefined;
let removeProject: (() => void) | undefined;
let engine = false;

test.describe.configure({ mode: 'serial', timeout: 90_000 });

test.beforeAll(async () => {
  test.setTimeout(STARTUP_MS + 15 * 60_000);
  let missing: string | undefined;
  try {
    await probeEngine(testDocker(), resolveEndpoint(), 3000);
  } catch (error) {
    missing = `Docker is not reachable: ${(error as Error).message}`;
  }
  if (missing && process.env['CI']) throw new Error(`${missing} (required when CI is set)`);
  test.skip(!!missing, missing);
  engine = true;
  await ensureTestImages();
  const copy = copyProject('course-repo');
  removeProject = copy.remove;
  lab = await startLab({ runtime: 'docker', lab: labName, project: copy.dir, timeoutMs: STARTUP_MS });
});

test.afterAll(async () => {
  test.setTimeout(90_000);
  await lab?.stop();
  if (engine) {
    await cleanupLab(labName, [defaultImageTag(labName)]);
    const volumes =
      (await testDocker().listVolumes({ filters: { label: [labFilter(labName)] } })).Volumes ?? [];
    for (const volume of volumes)
      await testDocker()
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
  }
  removeProject?.();
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
]) {
  test(`the Project panel and the build's changes at ${size.width}×${size.height}`, async ({
    page,
    problems,
  }) => {
    if (!lab) throw new Error('the lab did not start (see beforeAll)');
    await openDashboard(page, lab);
    await page.setViewportSize(size);
    const panel = page.getByTestId('project-panel');
    await expect(panel).toBeVisible();
    await expect(page.getByTestId('project-role-nginx')).toContainText(/balancer/i);
    await expect(page.getByTestId('project-role-nginx')).toContainText('nginx/nginx.conf drives it');
    for (const backend of ['backend1', 'backend2', 'backend3'])
      await expect(page.getByTestId(`project-role-${backend}`)).toContainText(/replica/i);
    await expect(page.getByTestId('project-role-db')).toContainText('postgres:16-alpine');
    const db = page.getByTestId('project-service-db');
    await expect(db).toContainText('PostgreSQL 17 (Debian trixie)');
    await expect(db).toContainText(/ready/);
    await expect(page.getByTestId('migrate-state')).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('project-warning').filter({ hasText: 'Django==5.2.5' })).toHaveCount(1);

    const changes = page.getByTestId('build-changes');
    await changes.scrollIntoViewIfNeeded();
    await expect(changes).toContainText('Dockerfile');
    await expect(changes).toContainText('the files on disk are not touched', { ignoreCase: true });
    await expect(changes).toContainText('FROM docker.arvancloud.ir/python:3.13');
    // Nothing wider than the window: no sideways scrolling.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await panel.scrollIntoViewIfNeeded();
    await keepScreenshot(page, `project-panel-${size.width}`);
    await changes.scrollIntoViewIfNeeded();
    await keepScreenshot(page, `build-changes-${size.width}`);
    expect(problems).toEqual([]);
  });
}
