// Issue 13, item 7: the report a student exports from the dashboard covers the run — every traffic
// run, every fault — its totals agree with its rows, and its tables fit their cards at 1280 and
// 1920 px wide.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import { startTraffic } from '../support/traffic';

// Engine-aware: a killed backend is out at once, back at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });

async function exportHtmlReport(page: Page): Promise<string> {
  const dashboard = await openDashboard(page, lab());
  await dashboard.setup.getByLabel('Other export format').selectOption({ label: 'Report (HTML)' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dashboard.setup.getByRole('button', { name: 'Export', exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/-report\.html$/);
  return readFileSync(await download.path(), 'utf8');
}

const number = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

test('the exported report: every run and fault, totals agree with rows, tables fit', async ({ page }) => {
  const dashboard = await openDashboard(page, lab());
  // Two runs of the dashboard's traffic generator, a kill and a toxic between them.
  const panel = page.getByRole('region', { name: 'Traffic' });
  const ok = panel.getByLabel('Traffic figures').locator('div').filter({ hasText: /^ok/ }).locator('dd');
  await panel.getByRole('button', { name: 'Start traffic' }).click();
  await expect(ok).not.toHaveText('0', { timeout: 5000 });
  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed');
  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: 10_000 });
  await panel.getByRole('button', { name: 'Stop traffic' }).click();
  // Requests from outside the dashboard's generator count in the lab's totals too.
  const outside = startTraffic(lab().balancerUrl, { concurrency: 1, delayMs: 20 });
  await outside.waitFor(20);
  await outside.stop();
  await panel.getByRole('button', { name: 'Start traffic' }).click();
  await page.waitForTimeout(1500);
  await panel.getByRole('button', { name: 'Stop traffic' }).click();

  const report = await exportHtmlReport(page);
  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    const view = await page.context().newPage();
    await view.setViewportSize({ width, height });
    await view.setContent(report);
    // The tiles' served count = the backend rows' total = the status table's minus failed and cut off.
    const tile = (label: string) => view.locator('.tile').filter({ hasText: label }).locator('.value');
    const served = number(await tile('requests served').textContent());
    const backendTotal = view.locator('section', { hasText: 'Backends' }).locator('tfoot td').nth(1);
    expect(number(await backendTotal.textContent())).toBe(served);
    expect(served).toBeGreaterThan(0);
    const responses = view.locator('section', { has: view.getByRole('heading', { name: 'Responses' }) });
    const all = number(await responses.locator('tfoot td').nth(1).textContent());
    const failed = number(await tile('requests failed').textContent());
    const cutOffTile = tile('cut off');
    const cutOff = (await cutOffTile.count()) > 0 ? number(await cutOffTile.textContent()) : 0;
    expect(all).toBe(served + failed + cutOff);
    await expect(view.getByText('All 2 runs')).toBeVisible();
    await expect(tile('traffic runs')).toHaveText('2');
    await expect(tile('fault injected')).toHaveText('1');
    // Every table fits its card: no sideways scroll, nothing past the card's edge.
    // (A string: this file is type-checked without the DOM library.)
    const overflow = await view.evaluate<string[]>(`
      [...document.querySelectorAll('section.card')].flatMap((card) => {
        const edge = card.getBoundingClientRect().right;
        return [...card.querySelectorAll('table, .table-box')]
          .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > edge + 1)
          .map((el) => card.querySelector('h2').textContent + ': ' + el.tagName + ' ' + el.scrollWidth + '>' + el.clientWidth);
      })`);
    expect(overflow).toEqual([]);
    await keepScreenshot(view, `report-${width}x${height}`, true);
    await view.close();
  }
});
