// Page-side code is passed as strings: this file is type-checked without the DOM library.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { WebPreferences } from 'electron';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const electron = findElectronBinary();
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const needsDisplay =
  process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'];

const skipReason =
  'reason' in electron
    ? `Electron binary not installed (npx install-electron --no downloads it): ${electron.reason}`
    : needsDisplay
      ? 'Electron needs a display: run under xvfb-run (apt-get install xvfb)'
      : undefined;
if (skipReason) console.warn(`SKIPPED electron.spec.ts: ${skipReason}`);
test.skip(!!skipReason, skipReason);

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  if (!('path' in electron)) return;
  app = await _electron.launch({
    executablePath: electron.path,
    // Chromium refuses to start as root with its OS sandbox; the renderer sandbox setting is unaffected.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), resolve('.')],
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => app?.close());

test('every window runs isolated, sandboxed and without Node', async () => {
  const preferences = await app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows().map((window) => {
      // Not in electron.d.ts, but it is what Electron's own specs use to read the effective values.
      const contents = window.webContents as unknown as { getLastWebPreferences(): WebPreferences | null };
      return contents.getLastWebPreferences();
    }),
  );
  expect(preferences.length).toBeGreaterThan(0);
  for (const webPreferences of preferences) {
    expect(webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(webPreferences?.webSecurity).not.toBe(false);
  }
  expect(await page.evaluate('[typeof require, typeof process]')).toEqual(['undefined', 'undefined']);
});

test('the page sees one api object with named functions only', async () => {
  expect(await page.evaluate('Object.keys(window.api).sort()')).toEqual(['call', 'on', 'version']);
  expect(await page.evaluate('window.api.version()')).toBe(version);
  await expect(page.getByText(`Version ${version}`)).toBeVisible();
});

test('window.open is denied and navigation away is blocked', async () => {
  const before = page.url();
  expect(await page.evaluate("window.open('https://example.com/') === null")).toBe(true);
  expect(app.windows()).toHaveLength(1);

  await page.evaluate("location.href = 'https://example.com/'");
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
});

test('permission requests are denied', async () => {
  expect(await page.evaluate('Notification.requestPermission()')).toBe('denied');
});
