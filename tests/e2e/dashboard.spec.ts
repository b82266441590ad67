// Page-side code is passed as strings: this file is type-checked without the DOM library.
import { copyFileSync, readFileSync } from 'node:fs';
import { startTraffic, type Traffic } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import type { DashboardPage } from './pages/dashboard';

// Engine-aware: a killed backend is out at once, back at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });

test.describe.configure({ mode: 'serial' });

let traffic: Traffic | undefined;
test.afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
});

/** About 100 requests/s: enough for every backend each second, few enough log lines. */
const steadyTraffic = (): Traffic => startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 15 });

async function expectSharesAboveZero(dashboard: DashboardPage, backends: string[]): Promise<void> {
  for (const backend of backends) {
    await expect.poll(() => dashboard.share(backend), { timeout: 10_000 }).toBeGreaterThan(0);
  }
}

test('a row per backend, and the chart moves with traffic', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  for (const backend of ['backend1', 'backend2', 'backend3']) {
    await expect(dashboard.row(backend)).toBeVisible();
    await expect(dashboard.state(backend)).toContainText('up');
  }
  await expect(dashboard.row('backend4')).toHaveCount(0);

  traffic = steadyTraffic();
  await expectSharesAboveZero(dashboard, ['backend1', 'backend2', 'backend3']);
  const before = await dashboard.chartCaption.textContent();
  await expect(dashboard.chartCaption).not.toHaveText(before ?? '', { timeout: 5000 });
  // Round robin with equal weights: a third each, give or take.
  for (const backend of ['backend1', 'backend2', 'backend3']) {
    expect(await dashboard.share(backend)).toBeGreaterThan(20);
  }
  // The table counts requests too.
  await expect(dashboard.row('backend1').getByRole('cell').nth(3)).not.toHaveText('0');
  await keepScreenshot(page, 'backends');
  await dashboard.backends.screenshot({ path: 'test-results/screenshots/backend-table.png' });
  await dashboard.chart.screenshot({ path: 'test-results/screenshots/distribution-chart.png' });
  expect(problems).toEqual([]);
});

test('Kill backend2: killed within a second, traffic only to 1 and 3; Restore brings it back', async ({
  page,
  problems,
}) => {
  const dashboard = await openDashboard(page, lab());
  traffic = steadyTraffic();
  await expectSharesAboveZero(dashboard, ['backend1', 'backend2', 'backend3']);

  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed', { timeout: 1000 });
  await expect(dashboard.state('backend1')).toContainText('up');
  await expect(dashboard.state('backend3')).toContainText('up');

  // Ground truth first: after the kill, the responses come from backend1 and backend3 only.
  await traffic.waitFor(50);
  const served = { ...traffic.stats.byBackend };
  await traffic.waitFor(200);
  expect(traffic.stats.byBackend['backend2'] ?? 0).toBe(served['backend2'] ?? 0);
  expect(traffic.stats.byBackend['backend1']!).toBeGreaterThan(served['backend1'] ?? 0);
  expect(traffic.stats.byBackend['backend3']!).toBeGreaterThan(served['backend3'] ?? 0);

  // The chart says the same: nothing for backend2 in the latest seconds, then a 0% share.
  await expect
    .poll(
      async () => {
        const latest = await dashboard.latestSecond();
        return latest['backend2'] === 0 && latest['backend1']! > 0 && latest['backend3']! > 0;
      },
      { timeout: 6000 },
    )
    .toBe(true);
  await expect.poll(() => dashboard.share('backend2'), { timeout: 10_000 }).toBe(0);
  expect(await dashboard.share('backend1')).toBeGreaterThan(35);
  expect(await dashboard.share('backend3')).toBeGreaterThan(35);
  await keepScreenshot(page, 'killed-backend2', true);

  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: 5000 });
  await expect.poll(() => dashboard.share('backend2'), { timeout: 10_000 }).toBeGreaterThan(0);

  // The timeline tells the story, with times relative to the kill.
  const episode = dashboard.timeline.getByRole('listitem').filter({ hasText: 'backend2' }).first();
  await expect(episode).toContainText('killed');
  await expect(episode).toContainText('restored');
  await expect(episode).toContainText(/\+\d+\.\d+ s after kill/);
  await expect(episode).toContainText('first request served', { timeout: 5000 });
  await dashboard.timeline.screenshot({ path: 'test-results/screenshots/timeline.png' });

  // A good picture of a running lab with traffic, for the README.
  await page.waitForTimeout(3000);
  const full = await keepScreenshot(page, 'dashboard-full', true);
  if (process.env['UPDATE_SCREENSHOTS']) copyFileSync(full, 'docs/dashboard.png');
  expect(problems).toEqual([]);
});

test('log search: Ctrl+F, highlights without hiding, next and previous', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  // Lines the lab itself wrote at startup (in the backlog), one per replica at least.
  await expect.poll(() => dashboard.logsShown()).toBeGreaterThan(10);

  await dashboard.logLines.click();
  await page.keyboard.press('Control+f');
  await expect(dashboard.logSearch).toBeFocused();
  await page.keyboard.type('ready at');

  await expect(dashboard.matchCount).toHaveText(/\d+ of \d+/);
  const [first, total] = await dashboard.matchRank();
  expect(total).toBeGreaterThanOrEqual(3);
  const current = dashboard.logLines.locator('.row.current');
  await expect(current).toHaveCount(1);
  await expect(current.locator('mark')).toHaveText('ready at');
  // Highlighted, not filtered: other lines stay.
  expect(await dashboard.logsShown()).toBeGreaterThan(total);

  const currentText = await current.textContent();
  await page.keyboard.press('Enter');
  const next = (first % total) + 1;
  await expect(dashboard.matchCount).toHaveText(new RegExp(`^\\s*${next} of ${total}\\s*$`));
  await expect(current).not.toHaveText(currentText ?? '');

  await page.keyboard.press('Shift+Enter');
  await expect(dashboard.matchCount).toHaveText(new RegExp(`^\\s*${first} of ${total}\\s*$`));
  await expect(current).toHaveText(currentText ?? '');

  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(dashboard.matchCount).toHaveText(new RegExp(`^\\s*${next} of ${total}\\s*$`));
  await page.getByRole('button', { name: 'Previous match' }).click();
  await expect(dashboard.matchCount).toHaveText(new RegExp(`^\\s*${first} of ${total}\\s*$`));

  // "Only matching" turns the search into a filter; Export downloads what is shown, as plain text.
  await dashboard.logs.getByLabel('Only matching').check();
  await expect.poll(() => dashboard.logsShown()).toBe(total);
  await dashboard.logs.screenshot({ path: 'test-results/screenshots/logs.png' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dashboard.logs.getByRole('button', { name: 'Export' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^upstream-lab-logs-.*\.txt$/);
  const exported = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\n');
  expect(exported).toHaveLength(total);
  for (const line of exported) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z lab\s+backend\d+: ready at /);

  // Timestamps off: the time column goes away.
  const times = dashboard.renderedLogRows().locator('.ts');
  await expect(times.first()).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await dashboard.logs.getByLabel('Timestamps').uncheck();
  await expect(times).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a bad nginx.conf import shows FILE:LINE:COL and highlights the line', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  const text = [
    'events {}',
    'http {',
    '    upstream backend_pool {',
    '        server backend1:8000;',
    '    }',
    '    server {',
    '        listen 8080',
    '        location / { proxy_pass http://backend_pool; }',
    '    }',
    '}',
    '',
  ].join('\n');
  await dashboard.setup
    .getByLabel('Import nginx.conf')
    .setInputFiles({ name: 'bad.conf', mimeType: 'text/plain', buffer: Buffer.from(text) });

  const error = dashboard.setup.getByRole('alert').filter({ hasText: 'bad.conf:' });
  await expect(error).toHaveText(/bad\.conf:8:\d+: directive "listen" is not terminated by ";"/);
  const view = dashboard.setup.getByRole('region', { name: 'bad.conf (read-only)' });
  await expect(view).toBeVisible();
  const line = view.locator('[data-line="8"]');
  await expect(line).toHaveClass(/error/);
  await expect(line).toContainText('8');
  await expect(line).toContainText('location / { proxy_pass http://backend_pool; }');
  await expect(view.locator('.line.error')).toHaveCount(1);
  await dashboard.setup.screenshot({ path: 'test-results/screenshots/lab-setup-import-error.png' });

  // A good file is accepted.
  await dashboard.setup.getByLabel('Import nginx.conf').setInputFiles({
    name: 'good.conf',
    mimeType: 'text/plain',
    // Three servers: the import applies to the running lab at once, and scales it to its servers.
    buffer: Buffer.from(
      text
        .replace('listen 8080', 'listen 8080;')
        .replace(
          '        server backend1:8000;',
          '        server backend1:8000;\n        server backend2:8000;\n        server backend3:8000;',
        ),
    ),
  });
  await expect(dashboard.setup.getByRole('status').filter({ hasText: 'Imported good.conf' })).toBeVisible();
  await expect(view).toHaveCount(0);

  // Export writes the lab's config as nginx.conf.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dashboard.setup.getByRole('button', { name: 'Export nginx.conf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('nginx.conf');
  const conf = readFileSync(await download.path(), 'utf8');
  expect(conf).toContain('upstream backend_pool {');
  expect(conf).toMatch(/server backend1:8000 .*;/);
  expect(problems).toEqual([]);
});

test('weight 3 on backend1 gives it about three fifths of the requests, live', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  traffic = steadyTraffic();
  await expectSharesAboveZero(dashboard, ['backend1', 'backend2', 'backend3']);
  const weight = page.getByRole('spinbutton', { name: 'Weight of backend1' });
  await weight.fill('3');
  await weight.press('Enter');
  await expect(weight).toHaveValue('3');
  await expect.poll(() => dashboard.share('backend1'), { timeout: 12_000 }).toBeGreaterThan(50);
  expect(await dashboard.share('backend2')).toBeLessThan(30);
  await weight.fill('1');
  await weight.press('Enter');
  await expect.poll(() => dashboard.share('backend1'), { timeout: 12_000 }).toBeLessThan(40);
  expect(problems).toEqual([]);
});

test('traffic generator: it runs, or says why it cannot', async ({ page }) => {
  const dashboard = await openDashboard(page, lab());
  const panel = page.getByRole('region', { name: 'Traffic' });
  await panel.getByRole('spinbutton', { name: 'Requests/s' }).fill('20');
  await panel.getByRole('button', { name: 'Start traffic' }).click();
  const refused = panel.getByRole('alert');
  const sending = panel.getByText('● sending');
  await expect(refused.or(sending)).toBeVisible();
  if (await refused.isVisible()) {
    await expect(refused).toContainText(/^Traffic: .+/);
  } else {
    await expect(panel.getByRole('definition').nth(1)).not.toHaveText('0');
    await panel.getByRole('button', { name: 'Stop traffic' }).click();
    await expect(sending).toHaveCount(0);
  }
  await expect(dashboard.row('backend1')).toBeVisible();
});

test('a fault with auto-restore undoes itself; a toxic shows on its row until removed', async ({ page }) => {
  const dashboard = await openDashboard(page, lab());
  await page.getByRole('spinbutton', { name: 'Auto-restore after (seconds)' }).fill('2');
  await dashboard.button('Pause', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('paused', { timeout: 1000 });
  await expect(dashboard.state('backend3')).toContainText(/auto-restore in \d s/);
  await expect(dashboard.state('backend3')).toContainText('up', { timeout: 6000 });
  await page.getByRole('spinbutton', { name: 'Auto-restore after (seconds)' }).fill('0');

  await page.getByLabel('More actions for backend1').click();
  await page.getByRole('button', { name: 'Latency 300 ms on backend1' }).click();
  await expect(dashboard.state('backend1')).toContainText('toxic: latency');
  await page.getByLabel('More actions for backend1').click();
  await page.getByRole('button', { name: 'Remove toxic on backend1' }).click();
  await expect(dashboard.state('backend1')).not.toContainText('toxic');
});

test('Rebuild and roll out: each backend replaced in turn under traffic, none failed', async ({
  page,
  problems,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openDashboard(page, lab());
  traffic = steadyTraffic();
  await traffic.waitFor(20);
  await page
    .getByRole('region', { name: 'Updates' })
    .getByRole('button', { name: 'Rebuild and roll out' })
    .click();
  await expect(page.getByRole('banner')).toContainText('running', { timeout: 20_000 });
  const timeline = page.getByRole('region', { name: 'Timeline' });
  for (const backend of ['backend1', 'backend2', 'backend3'])
    await expect(
      timeline.locator(`[data-backend="${backend}"]`).filter({ hasText: 'replaced' }),
    ).not.toHaveCount(0);
  await traffic.waitFor(traffic.stats.ok + 20);
  expect(traffic.stats.failed).toBe(0);
  await page.screenshot({ path: 'test-results/screenshots/rollout-1280.png' });
  expect(problems).toEqual([]);
});

test('Canary at 25%: its version beside the others, coloured in the chart; Promote, none failed', async ({
  page,
  problems,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const dashboard = await openDashboard(page, lab());
  traffic = steadyTraffic();
  await traffic.waitFor(20);
  const updates = page.getByRole('region', { name: 'Updates' });
  await updates.getByLabel('Share (%)').fill('25');
  await updates.getByRole('button', { name: 'Start canary' }).click();
  await expect(updates).toContainText('gets 25% of the requests', { timeout: 20_000 });
  await expect(dashboard.row('backend4')).toBeVisible();
  const versions = updates.getByRole('table', { name: 'Versions side by side' });
  await expect(versions.locator('tbody tr')).toHaveCount(2);
  await expect(versions.locator('tbody tr').nth(1)).toContainText('backend4');
  await page
    .getByRole('group', { name: 'Colour the requests by' })
    .getByRole('button', { name: 'Versions' })
    .click();
  const [older, canary] = (await versions
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-version')))) as [string, string];
  await expect.poll(() => dashboard.share(canary), { timeout: 10_000 }).toBeGreaterThan(10);
  expect(await dashboard.share(canary)).toBeLessThan(40);
  expect(await dashboard.share(older)).toBeGreaterThan(60);
  await keepScreenshot(page, 'canary-1280');
  await updates.screenshot({ path: 'test-results/screenshots/updates-panel.png' });
  await updates.getByRole('button', { name: 'Promote' }).click();
  await expect(updates.getByRole('button', { name: 'Start canary' })).toBeVisible({ timeout: 30_000 });
  await expect(dashboard.row('backend4')).toHaveCount(0);
  await expect(versions.locator('tbody tr')).toHaveCount(1);
  await traffic.waitFor(traffic.stats.ok + 20);
  expect(traffic.stats.failed).toBe(0);
  expect(problems).toEqual([]);
});
