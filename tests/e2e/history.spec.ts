// Issue 13, item 4: a reloaded page starts with the app's history — the timeline and the chart's
// recent seconds — instead of empty panels; toxics are in the timeline; crowded marks share a label.
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import { startTraffic, type Traffic } from '../support/traffic';

// Engine-aware: a killed backend is out at once, back at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });
let traffic: Traffic | undefined;
test.afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
});

test('after a reload the timeline and the chart are there at once', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 15 });
  await traffic.waitFor(50);
  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed');
  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 3000));

  await page.reload();
  await dashboard.waitConnected();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.locator('[data-backend="backend2"]').filter({ hasText: 'kill' }).first()).toBeVisible(
    {
      timeout: 2000,
    },
  );
  // Seconds from before the reload, not a chart starting empty.
  await expect(dashboard.chartCaption).toContainText(/\((?:[5-9]|\d{2,}) samples\)/, { timeout: 2000 });
  await expect(dashboard.chart).not.toContainText('No requests yet');
  await keepScreenshot(page, 'history-after-reload');
  expect(problems).toEqual([]);
});
