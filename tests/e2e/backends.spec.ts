// The backends table as a new user meets it (issue 13, items 1 and 9): the ⋯ menu escapes the
// table's scroll box, buttons follow each backend's state, the keyboard reaches everything.
import type { Locator, Page } from '@playwright/test';
import { SHARE_WINDOW_SEC } from '../../core/app/backend-stats';
import { startTraffic, type Traffic } from '../support/traffic';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';
import type { DashboardPage } from './pages/dashboard';

// Engine-aware: a killed backend is out at once, back at once (nginx's own detection: failure-detection.spec.ts).
const lab = useLab({ failureDetection: 'engine' });

test.describe.configure({ mode: 'serial' });

const BACKENDS = ['backend1', 'backend2', 'backend3'];
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

let traffic: Traffic | undefined;
test.afterEach(async () => {
  await traffic?.stop();
  traffic = undefined;
});

async function openAt(page: Page, size: { width: number; height: number }): Promise<DashboardPage> {
  const dashboard = await openDashboard(page, lab());
  await page.setViewportSize(size);
  for (const backend of BACKENDS) await expect(dashboard.state(backend)).toContainText('up');
  return dashboard;
}

/** Inside the viewport, and the element at its centre is itself: nothing clips or covers it. */
async function expectUnclipped(page: Page, item: Locator): Promise<void> {
  await expect(item).toBeVisible();
  const box = await item.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'a bounding box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  const hit = await item.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const at = el.ownerDocument.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return at !== null && (at === el || el.contains(at));
  });
  expect(hit, `${await item.getAttribute('aria-label')} is the element at its centre`).toBe(true);
}

/** Sideways overflow of the table's scroll box, in pixels (0: it fits). */
function sidewaysOverflow(dashboard: DashboardPage): Promise<number> {
  return dashboard.backendsScrollBox.evaluate((el) => el.scrollWidth - el.clientWidth);
}

/** The table fits its box, and each row's actions are on one line (Kill level with ⋯). */
async function expectActionsFit(dashboard: DashboardPage): Promise<void> {
  expect(await sidewaysOverflow(dashboard)).toBeLessThanOrEqual(0);
  for (const backend of BACKENDS) {
    const kill = await dashboard.button('Kill', backend).boundingBox();
    const more = await dashboard.moreActions(backend).boundingBox();
    expect(Math.abs(kill!.y + kill!.height / 2 - (more!.y + more!.height / 2))).toBeLessThan(2);
  }
}

for (const size of SIZES) {
  test(`at ${size.width}×${size.height} every backend's ⋯ menu shows all its items, unclipped; Escape closes it`, async ({
    page,
    problems,
  }) => {
    const dashboard = await openAt(page, size);
    for (const backend of BACKENDS) {
      const button = dashboard.moreActions(backend);
      await button.click();
      await expect(button).toHaveAttribute('aria-expanded', 'true');
      const menu = dashboard.actionMenu(backend);
      await expect(menu).toBeVisible();
      const items = menu.getByRole('button');
      await expect(items).toHaveCount(8);
      for (const name of ['Restart', 'Disconnect', 'Maintenance'])
        await expect(menu.getByRole('button', { name: `${name} ${backend}`, exact: true })).toBeVisible();
      for (const name of ['Latency 300 ms', 'Reset connections', 'Hang', 'Remove toxic'])
        await expect(menu.getByRole('button', { name: `${name} on ${backend}`, exact: true })).toBeVisible();
      await expect(menu.getByRole('button', { name: `Terminal in ${backend}`, exact: true })).toBeVisible();
      for (const item of await items.all()) await expectUnclipped(page, item);
      if (backend === 'backend3') await keepScreenshot(page, `backends-menu-${size.width}`);

      await page.keyboard.press('Escape');
      await expect(menu).toBeHidden();
      await expect(button).toBeFocused();
      await expect(button).toHaveAttribute('aria-expanded', 'false');
    }

    // A click elsewhere closes it too; the ⋯ button itself toggles it.
    await dashboard.moreActions('backend1').click();
    await expect(dashboard.actionMenu('backend1')).toBeVisible();
    await dashboard.backends.getByRole('heading', { name: 'Backends' }).click();
    await expect(dashboard.actionMenu('backend1')).toBeHidden();
    await dashboard.moreActions('backend1').click();
    await dashboard.moreActions('backend1').click();
    await expect(dashboard.actionMenu('backend1')).toBeHidden();
    // Opening another (above: a menu drops over the rows below its button) closes the first.
    await dashboard.moreActions('backend3').click();
    await dashboard.moreActions('backend1').click();
    await expect(dashboard.actionMenu('backend3')).toBeHidden();
    await expect(dashboard.actionMenu('backend1')).toBeVisible();
    await page.keyboard.press('Escape');

    // The table, its Actions column included, fits without a sideways scroll.
    await expectActionsFit(dashboard);
    await dashboard.backends.screenshot({
      path: `test-results/screenshots/backends-table-${size.width}.png`,
    });
    expect(problems).toEqual([]);
  });
}

test('Restart from the ⋯ menu restarts the backend (a new address), and it serves again', async ({
  page,
  problems,
}) => {
  const dashboard = await openAt(page, SIZES[0]!);
  const addr = dashboard.row('backend1').getByTitle('Where the balancer reaches it');
  const before = (await addr.textContent()) ?? '';
  expect(before).toMatch(/^127\.0\.0\.1:\d+$/);
  await dashboard.moreActions('backend1').click();
  await dashboard
    .actionMenu('backend1')
    .getByRole('button', { name: 'Restart backend1', exact: true })
    .click();
  await expect(dashboard.actionMenu('backend1')).toBeHidden();
  await expect(dashboard.moreActions('backend1')).toBeFocused();
  await expect(addr).not.toHaveText(before, { timeout: 10_000 });
  await expect(dashboard.state('backend1')).toContainText('up', { timeout: 10_000 });
  traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 15 });
  await expect.poll(() => traffic!.stats.byBackend['backend1'] ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('buttons follow state: Kill, Stop, Pause disabled on a killed backend, Restore primary only when there is something to restore', async ({
  page,
  problems,
}) => {
  const dashboard = await openAt(page, SIZES[0]!);
  // Nothing to restore on a backend that is up: Restore is not the prominent button.
  for (const backend of BACKENDS) {
    await expect(dashboard.button('Kill', backend)).toBeEnabled();
    await expect(dashboard.button('Restore', backend)).toBeDisabled();
    await expect(dashboard.button('Restore', backend)).not.toHaveClass(/\bprimary\b/);
  }

  traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 15 });
  await dashboard.button('Kill', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('killed', { timeout: 2000 });
  await expect(dashboard.button('Kill', 'backend2')).toBeDisabled();
  await expect(dashboard.button('Stop', 'backend2')).toBeDisabled();
  await expect(dashboard.button('Pause', 'backend2')).toBeDisabled();
  await expect(dashboard.button('Drain', 'backend2')).toBeEnabled();
  await expect(dashboard.button('Restore', 'backend2')).toBeEnabled();
  await expect(dashboard.button('Restore', 'backend2')).toHaveClass(/\bprimary\b/);
  await expect(dashboard.button('Kill', 'backend1')).toBeEnabled();
  await expect(dashboard.button('Restore', 'backend1')).not.toHaveClass(/\bprimary\b/);
  // Even with a fault in the row, the table fits at 1280 px.
  await expectActionsFit(dashboard);
  await dashboard.backends.screenshot({ path: 'test-results/screenshots/backends-killed-1280.png' });

  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: 5000 });
  await expect(dashboard.button('Kill', 'backend2')).toBeEnabled();
  await expect(dashboard.button('Restore', 'backend2')).toBeDisabled();
  await expect(dashboard.button('Restore', 'backend2')).not.toHaveClass(/\bprimary\b/);

  // Pause: Pause disabled, Kill still possible; a drain makes Restore primary too.
  await dashboard.button('Pause', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('paused', { timeout: 2000 });
  await expect(dashboard.button('Pause', 'backend3')).toBeDisabled();
  await expect(dashboard.button('Kill', 'backend3')).toBeEnabled();
  await expect(dashboard.button('Restore', 'backend3')).toHaveClass(/\bprimary\b/);
  await dashboard.button('Restore', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('up', { timeout: 5000 });
  await dashboard.button('Drain', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('draining');
  await expect(dashboard.button('Drain', 'backend3')).toBeDisabled();
  await expect(dashboard.button('Restore', 'backend3')).toHaveClass(/\bprimary\b/);
  await dashboard.button('Restore', 'backend3').click();
  await expect(dashboard.state('backend3')).toContainText('up', { timeout: 5000 });
  await expect(dashboard.button('Restore', 'backend3')).toBeDisabled();
  expect(problems).toEqual([]);
});

test('the header says the share window; auto-restore at 0 reads "off"', async ({ page, problems }) => {
  const dashboard = await openAt(page, SIZES[0]!);
  const share = dashboard.backends.getByRole('columnheader', { name: `Share (${SHARE_WINDOW_SEC} s)` });
  await expect(share).toBeVisible();
  await expect(share).toHaveAttribute('title', new RegExp(`last ${SHARE_WINDOW_SEC} s`));

  const field = page.getByRole('spinbutton', { name: 'Auto-restore after (seconds)' });
  const unit = dashboard.backends.getByTestId('auto-restore-unit');
  await expect(field).toHaveValue('0');
  await expect(unit).toHaveText('off');
  await field.fill('5');
  await expect(unit).toHaveText('s');
  await expect(field.locator('xpath=..')).toContainText('Auto-restore after');
  await field.fill('');
  await expect(unit).toHaveText('off');
  await field.fill('0');
  await expect(unit).toHaveText('off');
  expect(problems).toEqual([]);
});

test('keyboard: the skip link comes first and jumps to the backends; the ⋯ menu works with arrows, Enter, Escape, Tab', async ({
  page,
  problems,
}) => {
  const dashboard = await openAt(page, SIZES[0]!);
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  await expect(dashboard.skipLink).toBeFocused();
  await expectUnclipped(page, dashboard.skipLink);
  await keepScreenshot(page, 'skip-link-1280');
  await page.keyboard.press('Enter');
  await expect(dashboard.backends).toBeFocused();
  await expect(dashboard.backends).toBeInViewport();
  // The next stop is inside the backends, past the sidebar.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('spinbutton', { name: 'Auto-restore after (seconds)' })).toBeFocused();

  const button = dashboard.moreActions('backend2');
  const menu = dashboard.actionMenu('backend2');
  const item = (name: string): Locator => menu.getByRole('button', { name, exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await expect(item('Restart backend2')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(item('Disconnect backend2')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  // Around to the last action that applies ("Remove toxic" does not: there is none).
  await expect(item('Hang on backend2')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();

  // Tab leaves the menu, to what follows the ⋯ button.
  await page.keyboard.press('ArrowDown');
  await expect(item('Restart backend2')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(menu).toBeHidden();
  // The next row begins with its details toggle, then its weight.
  await expect(dashboard.detailsToggle('backend3')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('spinbutton', { name: 'Weight of backend3' })).toBeFocused();
  // And Shift+Tab, to what precedes it.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(button).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+Tab');
  await expect(menu).toBeHidden();
  await expect(dashboard.button('Drain', 'backend2')).toBeFocused();

  // Enter runs the focused action, and focus comes back to the ⋯ button.
  await button.focus();
  await page.keyboard.press('ArrowDown');
  // Past Disconnect, Maintenance and Terminal.
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await expect(item('Latency 300 ms on backend2')).toBeFocused();
  await keepScreenshot(page, 'backends-menu-keyboard-1280');
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  await expect(dashboard.state('backend2')).toContainText('toxic: latency');
  // A toxic is something to restore; Restore removes it.
  await expect(dashboard.button('Restore', 'backend2')).toHaveClass(/\bprimary\b/);
  await dashboard.button('Restore', 'backend2').click();
  await expect(dashboard.state('backend2')).not.toContainText('toxic');
  await expect(dashboard.button('Restore', 'backend2')).toBeDisabled();
  expect(problems).toEqual([]);
});

test('the error cell clears once the backend serves again, or at once when restored', async ({
  page,
  problems,
}) => {
  test.setTimeout(90_000);
  const dashboard = await openAt(page, SIZES[0]!);
  traffic = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 15 });
  const resetOn = async (backend: string): Promise<void> => {
    await dashboard.moreActions(backend).click();
    await dashboard
      .actionMenu(backend)
      .getByRole('button', { name: `Reset connections on ${backend}` })
      .click();
  };

  // Its connections reset: failed attempts, the last one in its row.
  await resetOn('backend2');
  await expect(dashboard.lastError('backend2')).toHaveText(/^\d{3} at \d\d:\d\d:\d\d$/, { timeout: 10_000 });
  await expect(dashboard.lastError('backend1')).toHaveText('');
  await expectActionsFit(dashboard);
  await dashboard.backends.screenshot({ path: 'test-results/screenshots/backends-error-1280.png' });
  // The toxic removed, it serves again once nginx tries it (after fail_timeout): the error goes.
  await dashboard.moreActions('backend2').click();
  await dashboard.actionMenu('backend2').getByRole('button', { name: 'Remove toxic on backend2' }).click();
  await expect(dashboard.lastError('backend2')).toHaveText('', { timeout: 45_000 });
  await expect(dashboard.state('backend2')).toContainText('up', { timeout: 10_000 });

  // Restored: the error goes at once. (Last in the file: nginx keeps it failed for fail_timeout.)
  await resetOn('backend3');
  await expect(dashboard.lastError('backend3')).not.toHaveText('', { timeout: 10_000 });
  await dashboard.button('Restore', 'backend3').click();
  await expect(dashboard.lastError('backend3')).toHaveText('', { timeout: 2000 });
  await expect(dashboard.state('backend3')).not.toContainText('toxic');
  expect(problems).toEqual([]);
});
