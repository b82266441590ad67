// Page-side code is passed as strings: this file is type-checked without the DOM library.
import { startTraffic, type Traffic } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

/**
 * Issue 14, item 1 as a student sees it: with nginx's own detection (the default) a killed backend
 * is "killed" for Docker at once, while the balancer keeps it in rotation until max_fails requests
 * fail on it; the table and the timeline say both. The setup switches to engine-aware.
 */
const lab = useLab({ lab: 'e2e-detection' });

test.describe.configure({ mode: 'serial' });

let traffic: Traffic | undefined;
test.afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
});

const CONF = `events {}
http {
  upstream backend_pool {
    server backend1:8000 max_fails=3 fail_timeout=20s;
    server backend2:8000 max_fails=3 fail_timeout=20s;
    server backend3:8000 max_fails=3 fail_timeout=20s;
  }
  server {
    listen 8080;
    location / { proxy_pass http://backend_pool; }
  }
}
`;

test.use({ viewport: { width: 1280, height: 720 } });

test('as nginx: Docker says killed, the balancer keeps it until 3 fails, then out for fail_timeout', async ({
  page,
  problems,
}) => {
  const dashboard = await openDashboard(page, lab());
  await expect(page.getByTestId('failure-detection-mode')).toHaveText(/detection\s+as nginx/);
  await dashboard.setup
    .getByLabel('Import nginx.conf')
    .setInputFiles({ name: 'course.conf', mimeType: 'text/plain', buffer: Buffer.from(CONF) });
  await expect(dashboard.setup.getByRole('status').filter({ hasText: 'Imported course.conf' })).toBeVisible();

  // Killed with no traffic: Docker knows, the balancer has not tried it yet.
  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed', { timeout: 2000 });
  const rotation = dashboard.row('backend2').getByTestId('rotation');
  await expect(rotation).toHaveText('balancer: in rotation, 0/3 fails');
  const episode = dashboard.timeline.getByRole('listitem').filter({ hasText: 'backend2' }).first();
  await expect(episode).toContainText('Docker: exited; balancer: still in rotation, 0/3 fails');
  await keepScreenshot(page, 'detection-killed-in-rotation');

  // Traffic: three requests fail on it (each retried on the next server), then it is out.
  traffic = startTraffic(lab().balancerUrl, { concurrency: 1, delayMs: 30 });
  await expect(rotation).toHaveText(/^balancer: out, probe in \d+ s$/, { timeout: 5000 });
  await expect(episode).toContainText('first failed attempt');
  await expect(episode).toContainText('balancer: 3/3 fails within fail_timeout=20s');
  await traffic.waitFor(30);
  expect(traffic.stats.failed).toBe(0);
  await keepScreenshot(page, 'detection-marked-failed', true);

  // Restored: running again, but the balancer waits out fail_timeout, as nginx would.
  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('failed', { timeout: 5000 });
  await expect(rotation).toHaveText(/^balancer: out, probe in \d+ s$/);
  const served = traffic.stats.byBackend['backend2'] ?? 0;
  await traffic.waitFor(30);
  expect(traffic.stats.byBackend['backend2'] ?? 0).toBe(served);
  expect(problems).toEqual([]);
});

test('the setup switches to engine-aware: the header says so, a killed backend is out at once', async ({
  page,
  problems,
}) => {
  const dashboard = await openDashboard(page, lab());
  await dashboard.setup.getByTestId('failure-detection').selectOption('engine');
  await dashboard.setup.getByRole('button', { name: 'Apply these settings' }).click();
  await expect(page.getByTestId('failure-detection-mode')).toHaveText(/detection\s+engine-aware/, {
    timeout: 5000,
  });
  await dashboard.button('Kill', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('killed', { timeout: 2000 });
  await expect(dashboard.row('backend3').getByTestId('rotation')).toHaveText('balancer: out of rotation');
  const episode = dashboard.timeline.getByRole('listitem').filter({ hasText: 'backend3' }).first();
  await expect(episode).toContainText('out of rotation: exited (engine-aware detection)');
  await keepScreenshot(page, 'detection-engine-aware');
  await dashboard.button('Restore', 'backend3').click();
  await dashboard.setup.getByTestId('failure-detection').selectOption('nginx');
  await dashboard.setup.getByRole('button', { name: 'Apply these settings' }).click();
  await expect(page.getByTestId('failure-detection-mode')).toHaveText(/detection\s+as nginx/, {
    timeout: 5000,
  });
  expect(problems).toEqual([]);
});
