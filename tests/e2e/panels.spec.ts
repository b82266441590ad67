// Issue 13, item 10: every panel of the dashboard at 1280×720 and 1920×1080, with a lab that has
// run traffic and had a fault — each visible, none wider than its place, a screenshot of each kept
// under test-results/screenshots/panels-WIDTH/.
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import { startTraffic, type Traffic } from '../support/traffic';

// Engine-aware: a killed backend is out at once, back at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });
let traffic: Traffic | undefined;
test.afterAll(async () => traffic?.stop());

const PANELS = [
  'Lab setup',
  'Traffic',
  'Chaos',
  'Updates',
  'Backends',
  'Request distribution',
  'Timeline',
  'Logs',
  'Project',
  'Build',
] as const;

const SIZES = [
  [1280, 720],
  [1920, 1080],
] as const;

for (const [width, height] of SIZES) {
  test(`every panel at ${width}×${height}: visible, within the page, screenshotted`, async ({
    page,
    problems,
  }) => {
    const dashboard = await openDashboard(page, lab());
    await page.setViewportSize({ width, height });
    if (!traffic) {
      traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 20 });
      await traffic.waitFor(60);
      await dashboard.button('Kill', 'backend3').click();
      await expect(dashboard.state('backend3')).toContainText('killed');
    }
    // The page scrolls down, never sideways.
    const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(sideways).toBeLessThanOrEqual(0);
    await keepScreenshot(page, `panels-${width}/page`);
    await keepScreenshot(page, `panels-${width}/page-full`, true);
    for (const name of PANELS) {
      const panel = page.getByRole('region', { name, exact: true });
      await expect(panel, name).toBeVisible();
      await panel.scrollIntoViewIfNeeded();
      const box = (await panel.boundingBox())!;
      expect(box.x, `${name} starts inside the page`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} ends inside the page`).toBeLessThanOrEqual(width + 1);
      // Its own content does not spill out sideways (a table that scrolls inside its box is fine).
      const spill = await panel.evaluate(
        (el) =>
          (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth -
          (el as unknown as { clientWidth: number }).clientWidth,
      );
      expect(spill, `${name} spills sideways`).toBeLessThanOrEqual(1);
      const file = `test-results/screenshots/panels-${width}/${name.toLowerCase().replace(/ /g, '-')}.png`;
      await panel.screenshot({ path: file });
    }
    expect(problems).toEqual([]);
  });
}
