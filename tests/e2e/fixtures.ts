import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { chromiumMissing } from '../support/chromium';
import { startLab, type LabOptions, type LabProcess } from '../support/lab-process';
import { DashboardPage } from './pages/dashboard';

/**
 * One lab per spec file: `upstream-lab up --runtime demo --dashboard ...` as a child process,
 * stopped with SIGINT after the file's last test.
 */
export function useLab(options: LabOptions = {}): () => LabProcess {
  let lab: LabProcess | undefined;
  const docker = options.runtime === 'docker';
  base.beforeAll(async () => {
    // startLab's own budget, and room to fail with its output rather than a bare hook timeout.
    base.setTimeout((options.timeoutMs ?? (docker ? 120_000 : 90_000)) + 30_000);
    lab = await startLab(options);
  });
  base.afterAll(async () => {
    base.setTimeout((options.stopTimeoutMs ?? (docker ? 60_000 : 15_000)) + 15_000);
    await lab?.stop();
  });
  return () => {
    if (!lab) throw new Error('the lab did not start (see beforeAll)');
    return lab;
  };
}

export const test = base.extend<{ problems: string[] }>({
  /** Console errors and page errors: a spec asserts there are none. */
  problems: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await use(problems);
  },
});

test.skip(!!chromiumMissing, chromiumMissing);

export { expect } from '@playwright/test';

/** Opens the dashboard and waits for the lab's first view. */
export async function openDashboard(page: Page, lab: LabProcess): Promise<DashboardPage> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(lab.dashboardUrl);
  const dashboard = new DashboardPage(page);
  await dashboard.waitConnected();
  return dashboard;
}

/** A screenshot kept with the test results (test-results/screenshots/NAME.png). */
export async function keepScreenshot(page: Page, name: string, fullPage = false): Promise<string> {
  const path = `test-results/screenshots/${name}.png`;
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage });
  return path;
}
