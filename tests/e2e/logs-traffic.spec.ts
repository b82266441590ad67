// Issue 13, items 5 and 6 in the browser: log lines coloured by level, the traffic panel's
// figures adding up, its graphs, and a reloaded page showing the running generator's settings.
import { request as httpRequest } from 'node:http';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

const lab = useLab();
test.describe.configure({ mode: 'serial' });

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** Page-side: this file is type-checked without the DOM library. */
const colourOf = (el: unknown): string =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color;

/** The figures as shown, read at once. */
async function figures(page: import('@playwright/test').Page): Promise<Record<string, number>> {
  const pairs = await page
    .getByLabel('Traffic figures')
    .locator('div')
    .evaluateAll((divs) =>
      divs.map((d) => [d.querySelector('dt')?.textContent ?? '', d.querySelector('dd')?.textContent ?? '']),
    );
  return Object.fromEntries(pairs.map(([k, v]) => [k, Number((v ?? '').replace(/[^\d.]/g, '')) || 0]));
}

test('the traffic panel adds up, graphs its run, and survives a reload', async ({ page, problems }) => {
  await openDashboard(page, lab());
  const panel = page.getByRole('region', { name: 'Traffic' });
  await panel.getByLabel('Requests/s').fill('80');
  await panel.getByRole('button', { name: 'Start traffic' }).click();
  await expect(panel.getByRole('img', { name: /Requests per second, last/ })).toBeVisible({
    timeout: 10_000,
  });
  await expect(panel.getByLabel('Latency histogram').locator('li')).not.toHaveCount(0);
  const live = await figures(page);
  expect(live['sent']).toBe(live['ok']! + live['failed']! + live['in flight']!);

  await page.reload();
  await expect(page.getByTestId('connection-state')).toContainText('connected');
  // The form shows what runs, not its defaults.
  await expect(page.getByRole('region', { name: 'Traffic' }).getByLabel('Requests/s')).toHaveValue('80');
  await keepScreenshot(page, 'traffic-running-1280');
  await page
    .getByRole('region', { name: 'Traffic' })
    .screenshot({ path: 'test-results/screenshots/traffic-panel.png' });

  await page.getByRole('region', { name: 'Traffic' }).getByRole('button', { name: 'Stop traffic' }).click();
  await expect(
    page.getByRole('region', { name: 'Traffic' }).getByRole('button', { name: 'Start traffic' }),
  ).toBeEnabled();
  await expect.poll(async () => (await figures(page))['req/s']).toBe(0);
  const ended = await figures(page);
  expect(ended['sent']).toBe(ended['ok']! + ended['failed']! + ended['cut off']!);
  expect(ended['in flight']).toBe(0);
  expect(problems).toEqual([]);
});

test('log lines are coloured by what they say: a 500 red, a 404 amber, a 200 plain', async ({
  page,
  problems,
}) => {
  await openDashboard(page, lab());
  const base = lab().balancerUrl;
  expect(await get(`${base}/status/500`)).toBe(500);
  expect(await get(`${base}/status/404`)).toBe(404);
  expect(await get(`${base}/`)).toBe(200);
  const logs = page.getByRole('region', { name: 'Logs' });
  const access = (pattern: string) =>
    logs.locator('[data-source="access"]').filter({ hasText: pattern }).last();
  await expect(access('"GET /status/500 HTTP/1.1" 500')).toHaveAttribute('data-level', 'error');
  await expect(access('"GET /status/404 HTTP/1.1" 404')).toHaveAttribute('data-level', 'warning');
  await expect(access('"GET / HTTP/1.1" 200')).toHaveAttribute('data-level', 'info');
  const red = await access('"GET /status/500 HTTP/1.1" 500').locator('.text').evaluate(colourOf);
  const plain = await access('"GET / HTTP/1.1" 200').locator('.text').evaluate(colourOf);
  expect(red).not.toBe(plain);
  expect(problems).toEqual([]);
});
