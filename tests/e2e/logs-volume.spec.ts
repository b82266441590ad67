// Page-side code is passed as strings: this file is type-checked without the DOM library.
import { startTraffic } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

const lab = useLab({ lab: 'e2e-volume' });

/** Each proxied request writes two lines: the balancer's access log and the backend's own. */
const REQUESTS = 50_000;
const LINES = 2 * REQUESTS;

test('100,000 log lines: the page stays responsive and the DOM stays small', async ({ page, problems }) => {
  test.setTimeout(180_000);
  const dashboard = await openDashboard(page, lab());
  // Long tasks (> 50 ms on the main thread) while the lines stream in.
  await page.evaluate(`(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  })()`);

  const traffic = startTraffic(lab().balancerUrl, { concurrency: 32, limit: REQUESTS });
  const clicks: number[] = [];
  const wrap = dashboard.logs.getByLabel('Wrap');
  try {
    // While the flood is on: clicks are handled at once, the DOM holds only what is visible.
    while (traffic.stats.ok + traffic.stats.failed < REQUESTS) {
      const started = Date.now();
      await wrap.click();
      await expect(wrap).toBeChecked({ checked: clicks.length % 2 === 0, timeout: 2000 });
      clicks.push(Date.now() - started);
      expect(await dashboard.renderedLogRows().count()).toBeLessThan(200);
      await page.waitForTimeout(500);
    }
  } finally {
    await traffic.stop();
  }
  expect(traffic.stats.failed).toBe(0);
  await expect.poll(() => dashboard.logsReceived(), { timeout: 30_000 }).toBeGreaterThanOrEqual(LINES);

  const received = await dashboard.logsReceived();
  const shown = await dashboard.logsShown();
  expect(shown).toBeLessThanOrEqual(100_000);
  expect(shown).toBeGreaterThan(90_000);
  const rows = await dashboard.renderedLogRows().count();
  expect(rows).toBeGreaterThan(10);
  expect(rows).toBeLessThan(200);

  // Searching all of it is quick, and so is scrolling to the top of 100,000 lines.
  // The demo backends' own lines (HTTP/1.0 from the balancer), about half of what is held.
  const searched = Date.now();
  await dashboard.logSearch.fill('HTTP/1.0');
  await expect(dashboard.matchCount).toHaveText(/of [\d,]+/, { timeout: 3000 });
  const searchMs = Date.now() - searched;
  expect((await dashboard.matchRank())[1]).toBeGreaterThan(40_000);
  await dashboard.logLines.evaluate('(el) => { el.scrollTop = 0; }');
  await expect(dashboard.logLines.locator('.row:not(.probe)').first()).toBeVisible();
  expect(await dashboard.renderedLogRows().count()).toBeLessThan(200);

  const longTasks = (await page.evaluate('window.__longTasks')) as number[];
  const slowest = Math.max(0, ...longTasks);
  console.log(
    `${received} lines received, ${shown} held, ${rows} rows in the DOM; ` +
      `clicks answered in ${Math.max(...clicks)} ms at most (${clicks.length} tries); ` +
      `${longTasks.length} long tasks, the longest ${Math.round(slowest)} ms; search answered in ${searchMs} ms`,
  );
  expect(Math.max(...clicks)).toBeLessThan(1000);
  expect(slowest).toBeLessThan(1000);
  await keepScreenshot(page, 'logs-100k');
  expect(problems).toEqual([]);
});
