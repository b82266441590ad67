import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

// An engine address where nothing listens: Docker is "not running", whatever this machine has.
const lab = useLab({
  lab: 'e2e-engine',
  env: { DOCKER_HOST: 'unix:///tmp/upstream-lab-e2e-no-docker/docker.sock' },
});

test('Docker not reachable: the message says why, and "Use demo backends" starts the demo', async ({
  page,
}) => {
  const dashboard = await openDashboard(page, lab());
  await expect(dashboard.row('backend1')).toBeVisible();

  await dashboard.setup.getByRole('radio', { name: 'Docker' }).check();
  await dashboard.setup.getByRole('button', { name: 'Apply these settings' }).click();

  const alert = dashboard.setup.getByRole('alert').filter({ hasText: 'Docker is not reachable' });
  await expect(alert).toBeVisible({ timeout: 15_000 });
  await expect(alert).toContainText('/tmp/upstream-lab-e2e-no-docker/docker.sock');
  await expect(page.getByRole('banner')).toContainText('error');
  await expect(dashboard.row('backend1')).toHaveCount(0);
  await keepScreenshot(page, 'engine-disconnected');

  await alert.getByRole('button', { name: 'Use demo backends' }).click();
  for (const backend of ['backend1', 'backend2', 'backend3']) {
    await expect(dashboard.state(backend)).toContainText('up', { timeout: 10_000 });
  }
  await expect(page.getByRole('banner')).toContainText('running');
  await expect(dashboard.setup.getByRole('radio', { name: 'Demo backends' })).toBeChecked();
});

test('the demo backends pretend no Docker build: the build view says nothing was built', async ({ page }) => {
  const dashboard = await openDashboard(page, lab());
  const build = page.getByRole('region', { name: 'Build' });
  await expect(build).toContainText('done');
  await expect(build).toContainText('demo backends: built in, nothing to build');
  await expect(build.getByRole('list', { name: 'Build steps' }).getByRole('listitem')).toHaveCount(0);
  await expect(dashboard.backends).toBeVisible();
  await build.screenshot({ path: 'test-results/screenshots/build.png' });
});

test('the lab goes away: the page says so, and commands fail with a notice', async ({ page }) => {
  const dashboard = await openDashboard(page, lab());
  await lab().stop();
  await expect(page.getByTestId('connection-state')).toContainText('disconnected', { timeout: 5000 });
  await expect(page.getByTestId('connection-banner')).toContainText('Disconnected');
  await dashboard.button('Kill', 'backend1').click();
  await expect(page.getByRole('alert').filter({ hasText: 'not connected' })).toBeVisible();
  await keepScreenshot(page, 'disconnected');
});
