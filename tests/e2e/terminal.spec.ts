// A terminal into a replica (issue 13, item 2): the backend's ⋯ menu opens a shell in its
// container, drawn by xterm under the dashboard's strict CSP; the demo runtime says it has none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { resolveEndpoint } from '../../core/docker/endpoint';
import { probeEngine } from '../../core/docker/engine';
import { containerName, defaultImageTag } from '../../core/docker/labels';
import { cleanupLab, testDocker, uniqueLab } from '../support/docker';
import { startLab, type LabProcess } from '../support/lab-process';
import { ensureTestImages } from '../support/offline-images';
import { expect, keepScreenshot, openDashboard, test } from './fixtures';
import type { DashboardPage } from './pages/dashboard';

test.describe.configure({ mode: 'serial', timeout: 90_000 });

/** The panel, its title and the rows xterm draws. */
function terminalOf(page: Page): {
  panel: Locator;
  title: Locator;
  rows: Locator;
  status: Locator;
  refused: Locator;
} {
  const panel = page.getByRole('dialog', { name: /^backend\d+ — / });
  return {
    panel,
    title: panel.getByRole('heading'),
    rows: panel.locator('.xterm-rows'),
    status: panel.getByTestId('terminal-status'),
    /** Why it did not open, in place of the screen. */
    refused: panel.getByRole('alert'),
  };
}

async function openTerminal(dashboard: DashboardPage, backend: string): Promise<void> {
  await dashboard.moreActions(backend).click();
  await dashboard
    .actionMenu(backend)
    .getByRole('button', { name: `Terminal in ${backend}` })
    .click();
}

/** Columns and rows as the shell's TTY has them (`stty size` prints `ROWS COLS`). */
async function ttySize(page: Page, rows: Locator, marker: string): Promise<{ rows: number; cols: number }> {
  await page.keyboard.type(`echo ${marker}-$(stty size | tr ' ' x)`);
  await page.keyboard.press('Enter');
  const pattern = new RegExp(`${marker}-(\\d+)x(\\d+)`);
  await expect(rows).toContainText(pattern);
  const [, r, c] = pattern.exec((await rows.textContent()) ?? '')!;
  return { rows: Number(r), cols: Number(c) };
}

test.describe('on the demo runtime', () => {
  let lab: LabProcess | undefined;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    lab = await startLab({ lab: uniqueLab('e2e-term-demo') });
  });
  test.afterAll(async () => {
    test.setTimeout(30_000);
    await lab?.stop();
  });

  test('Terminal says the demo backends have no container, and closes', async ({ page, problems }) => {
    const dashboard = await openDashboard(page, lab!);
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect(dashboard.state('backend1')).toContainText('up');
    await openTerminal(dashboard, 'backend1');
    const { panel, refused } = terminalOf(page);
    await expect(refused).toHaveText(
      'the demo backends have no container to open a terminal in: start the lab on Docker',
    );
    await expect(panel.getByRole('heading')).toHaveText('backend1 — no terminal');
    await keepScreenshot(page, 'terminal-demo-refused');
    await panel.getByRole('button', { name: 'Close the terminal in backend1' }).click();
    await expect(panel).toBeHidden();
    // The keyboard is back where it was: the row's ⋯ button.
    await expect(dashboard.moreActions('backend1')).toBeFocused();
    expect(problems).toEqual([]);
  });
});

test.describe('on Docker', () => {
  const labName = uniqueLab('e2e-term');
  let lab: LabProcess | undefined;
  let home: string | undefined;
  let engine = false;

  test.beforeAll(async () => {
    test.setTimeout(20 * 60_000);
    const missing = await probeEngine(testDocker(), resolveEndpoint(), 3000).then(
      () => undefined,
      (error: Error) => `Docker is not reachable: ${error.message}`,
    );
    if (missing && process.env['CI']) throw new Error(`${missing} (required when CI is set)`);
    test.skip(!!missing, missing);
    engine = true;
    await ensureTestImages();
    home = mkdtempSync(join(tmpdir(), 'upstream-lab-e2e-terminal-'));
    lab = await startLab({
      runtime: 'docker',
      lab: labName,
      replicas: 2,
      timeoutMs: 150_000,
      env: { UPSTREAM_LAB_HOME: home },
    });
  });

  test.afterAll(async () => {
    test.setTimeout(120_000);
    await lab?.stop();
    if (engine) await cleanupLab(labName, [defaultImageTag(labName)]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('Terminal opens a shell in backend2: typed commands run there, Escape stays in it, it follows the window', async ({
    page,
    problems,
  }) => {
    const dashboard = await openDashboard(page, lab!);
    await page.setViewportSize({ width: 1280, height: 720 });
    for (const backend of ['backend1', 'backend2'])
      await expect(dashboard.state(backend)).toContainText('up', { timeout: 60_000 });
    await openTerminal(dashboard, 'backend2');

    const { panel, title, rows } = terminalOf(page);
    const container = (await testDocker().getContainer(containerName(labName, 2)).inspect()).Id.slice(0, 12);
    await expect(title).toHaveText(`backend2 — /bin/bash in ${container}`);
    await expect(rows).toContainText('root@');
    // The keyboard is in the terminal at once.
    await expect(panel.locator('textarea.xterm-helper-textarea')).toBeFocused();

    await page.keyboard.type('echo hi-$((40+2)) from $REPLICA_NAME');
    await page.keyboard.press('Enter');
    await expect(rows).toContainText('hi-42 from backend2');

    // Drawn with its theme under the page's CSP: the styles xterm makes are in force.
    const colours = {
      text: await rows.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).color),
      back: await panel
        .locator('.xterm-scrollable-element')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor),
    };
    expect(colours).toEqual({ text: 'rgb(226, 232, 240)', back: 'rgb(15, 23, 42)' });

    // Escape is the shell's (readline's meta prefix), not the panel's.
    await page.keyboard.press('Escape');
    await expect(panel).toBeVisible();
    await page.keyboard.press('Control+C');

    const wide = await ttySize(page, rows, 'size1');
    expect(wide.cols).toBeGreaterThan(100);
    expect(wide.rows).toBeGreaterThan(10);
    await keepScreenshot(page, 'terminal-docker-backend2');

    await page.setViewportSize({ width: 900, height: 720 });
    await expect
      .poll(async () => (await ttySize(page, rows, `size${Date.now()}`)).cols)
      .toBeLessThan(wide.cols);
    await page.setViewportSize({ width: 1280, height: 720 });

    // F6 leaves the terminal for its buttons; Close ends the shell.
    await page.keyboard.press('F6');
    const close = panel.getByRole('button', { name: 'Close the terminal in backend2' });
    await expect(close).toBeFocused();
    await close.press('Enter');
    await expect(panel).toBeHidden();
    await expect(dashboard.moreActions('backend2')).toBeFocused();
    expect(problems).toEqual([]);
  });

  test('a killed replica ends its terminal, with the reason, and Reopen says why it cannot', async ({
    page,
    problems,
  }) => {
    const dashboard = await openDashboard(page, lab!);
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect(dashboard.state('backend1')).toContainText('up', { timeout: 60_000 });
    await openTerminal(dashboard, 'backend1');
    const { panel, rows, status, refused } = terminalOf(page);
    await expect(rows).toContainText('root@');

    await dashboard.button('Kill', 'backend1').click();
    await expect(status).toHaveText(/^the shell /);
    await expect(rows).toContainText('[the shell');
    await panel.getByRole('button', { name: 'Reopen' }).click();
    await expect(refused).toHaveText(
      'backend1 is not running (its container is exited): Restore it to open a terminal',
    );
    await keepScreenshot(page, 'terminal-docker-killed');
    await panel.getByRole('button', { name: 'Close the terminal in backend1' }).click();
    await dashboard.button('Restore', 'backend1').click();
    await expect(dashboard.state('backend1')).toContainText('up', { timeout: 60_000 });
    expect(problems).toEqual([]);
  });
});
