import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { chromiumMissing } from '../support/chromium';
import { serveDirectory, type StaticServer } from '../support/static-server';

const rendererDir = 'out/renderer';

test.skip(!!chromiumMissing, chromiumMissing);

let server: StaticServer;

test.beforeAll(async () => {
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(`${rendererDir}/index.html is missing: run \`npm run build\` first (npm test does)`);
  }
  server = await serveDirectory(rendererDir);
});

test.afterAll(async () => server?.close());

test('the built renderer shows its heading in a plain browser, without CSP or script errors', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(server.url);

  await expect(page.getByRole('heading', { name: 'Upstream Lab' })).toBeVisible();
  await expect(page.getByText('the desktop API is not available')).toBeVisible();
  expect(await page.evaluate("'api' in window")).toBe(false);
  expect(problems).toEqual([]);
});

test('the strict CSP is in force: an injected inline script does not run', async ({ page }) => {
  await page.goto(server.url);
  const csp = page.locator('meta[http-equiv="Content-Security-Policy"]');
  await expect(csp).toHaveAttribute('content', /^default-src 'none'; script-src 'self'; style-src 'self';/);
  const ran = await page.evaluate(`(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
    return window.inlineRan === true;
  })()`);
  expect(ran).toBe(false);
});
