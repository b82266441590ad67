// Issue 13, item 2: each backend's figures as HAProxy's stats page has them, in a details row
// under its line of the Backends table — on the demo runtime (no containers) at 1280×720 and
// 1920×1080. The Docker runtime's container facts and sparklines: docker-dashboard.spec.ts.
import type { Page } from '@playwright/test';
import { startTraffic } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import type { DashboardPage } from './pages/dashboard';

// Engine-aware: a restored backend serves at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });
test.describe.configure({ mode: 'serial' });

const BACKENDS = ['backend1', 'backend2', 'backend3'];
const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

const number = (text: string | null): number => Number((text ?? '').replace(/[^\d.]/g, ''));

async function openAt(page: Page, width: number, height: number): Promise<DashboardPage> {
  const dashboard = await openDashboard(page, lab());
  await page.setViewportSize({ width, height });
  for (const backend of BACKENDS) await expect(dashboard.state(backend)).toContainText('up');
  return dashboard;
}

/** The Requests column of a backend's row (state, weight, active, requests, ...). */
async function requestsOf(dashboard: DashboardPage, backend: string): Promise<number> {
  return number(await dashboard.row(backend).getByRole('cell').nth(3).textContent());
}

async function classesOf(dashboard: DashboardPage, backend: string): Promise<number[]> {
  const details = dashboard.details(backend);
  return Promise.all(
    CLASSES.map(async (c) => number(await details.getByTestId(`status-${c}`).textContent())),
  );
}

/** Each row's actions on one line (Kill level with ⋯): the details do not widen the table. */
async function expectActionsOnOneLine(dashboard: DashboardPage): Promise<void> {
  for (const backend of BACKENDS) {
    const kill = (await dashboard.button('Kill', backend).boundingBox())!;
    const more = (await dashboard.moreActions(backend).boundingBox())!;
    expect(Math.abs(kill.y + kill.height / 2 - (more.y + more.height / 2)), backend).toBeLessThan(2);
  }
}

const sideways = (dashboard: DashboardPage): Promise<number> =>
  dashboard.backendsScrollBox.evaluate((el) => el.scrollWidth - el.clientWidth);

test('at 1280×720: the details row opens below its backend; the classes add up to its requests; bytes, check; no sideways scroll', async ({
  page,
  problems,
}) => {
  const dashboard = await openAt(page, 1280, 720);
  const traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 10 });
  await traffic.waitFor(90);
  await traffic.stop();

  for (const backend of BACKENDS) {
    const toggle = dashboard.detailsToggle(backend);
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(dashboard.details(backend)).toBeVisible();
  }
  for (const backend of BACKENDS) {
    const details = dashboard.details(backend);
    // Each request a backend served is one of its 2xx...5xx answers (no fault: no errors, no retries).
    await expect
      .poll(async () => {
        const classes = await classesOf(dashboard, backend);
        return classes.reduce((a, b) => a + b, 0) - (await requestsOf(dashboard, backend));
      })
      .toBe(0);
    expect(await requestsOf(dashboard, backend)).toBeGreaterThan(0);
    await expect(details.getByTestId('status-errors')).toHaveText('0');
    await expect(details.getByTestId('bytes-in')).toHaveText(/^\d+(\.\d+)? (B|KB|MB)$/);
    expect(number(await details.getByTestId('bytes-in').textContent())).toBeGreaterThan(0);
    expect(number(await details.getByTestId('bytes-out').textContent())).toBeGreaterThan(0);
    await expect(details.getByTestId('retries')).toHaveText('0');
    await expect(details.getByTestId('check')).toHaveText('no check');
    await expect(details.getByTestId('downtime')).toHaveText('0 s');
    await expect(details.getByTestId('last-change')).toHaveText(/^\d\d:\d\d:\d\d$/);
    await expect(details.getByTestId('no-container')).toHaveText('no container');
  }
  // The row under its own backend's line, the next backend's line under it.
  const row1 = (await dashboard.row('backend1').boundingBox())!;
  const details1 = (await dashboard.details('backend1').boundingBox())!;
  const row2 = (await dashboard.row('backend2').boundingBox())!;
  expect(details1.y).toBeGreaterThanOrEqual(row1.y + row1.height - 1);
  expect(row2.y).toBeGreaterThanOrEqual(details1.y + details1.height - 1);

  expect(await sideways(dashboard)).toBeLessThanOrEqual(0);
  await expectActionsOnOneLine(dashboard);
  expect(
    await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
  ).toBeLessThanOrEqual(0);
  await dashboard.backends.screenshot({ path: 'test-results/screenshots/backend-details-1280.png' });
  await keepScreenshot(page, 'backend-details-1280-page');

  await dashboard.detailsToggle('backend2').click();
  await expect(dashboard.details('backend2')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('at 1920×1080, after connection resets and a kill under traffic: the errors and retries of the faulty one, the redispatches of the others, its downtime', async ({
  page,
  problems,
}) => {
  const dashboard = await openAt(page, 1920, 1080);
  const traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 10 });
  await traffic.waitFor(30);
  // Resets: attempts with no response, passed on to the next backend.
  await dashboard.moreActions('backend3').click();
  await page.getByRole('button', { name: 'Reset connections on backend3' }).click();
  await traffic.waitFor(60);
  await dashboard.moreActions('backend3').click();
  await page.getByRole('button', { name: 'Remove toxic on backend3' }).click();
  await dashboard.button('Kill', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('killed');
  await traffic.waitFor(30);
  await traffic.stop();

  for (const backend of BACKENDS) await dashboard.detailsToggle(backend).click();
  const killed = dashboard.details('backend3');
  await expect
    .poll(async () => number(await killed.getByTestId('status-errors').textContent()))
    .toBeGreaterThan(0);
  expect(number(await killed.getByTestId('retries').textContent())).toBeGreaterThan(0);
  await expect
    .poll(async () => number(await killed.getByTestId('downtime').textContent()))
    .toBeGreaterThan(0);
  const redispatched = await Promise.all(
    ['backend1', 'backend2'].map(async (b) =>
      number(await dashboard.details(b).getByTestId('redispatches').textContent()),
    ),
  );
  expect(redispatched[0]! + redispatched[1]!).toBeGreaterThan(0);
  // What it answered before the kill still adds up to its requests; the refused attempts are errors.
  expect((await classesOf(dashboard, 'backend3')).reduce((a, b) => a + b, 0)).toBe(
    await requestsOf(dashboard, 'backend3'),
  );

  expect(await sideways(dashboard)).toBeLessThanOrEqual(0);
  await expectActionsOnOneLine(dashboard);
  await dashboard.backends.screenshot({ path: 'test-results/screenshots/backend-details-1920.png' });
  await keepScreenshot(page, 'backend-details-1920-page');

  await dashboard.button('Restore', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('up', { timeout: 15_000 });
  expect(problems).toEqual([]);
});
