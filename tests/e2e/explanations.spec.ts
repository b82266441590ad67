// Page-side code is passed as strings: this file is type-checked without the DOM library.
import { readFileSync } from 'node:fs';
import type { ExplanationText } from '../../core/explain/messages';
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

const messages = (language: string): Record<string, ExplanationText> =>
  JSON.parse(readFileSync(`core/i18n/messages/${language}/explain.json`, 'utf8')) as Record<
    string,
    ExplanationText
  >;
const en = messages('en');
const fa = messages('fa');

const lab = useLab();
test.describe.configure({ mode: 'serial' });

/** The course's nginx.conf, as the students write it (tests/explain/fixtures, from the course's text). */
const COURSE_CONF = readFileSync('tests/explain/fixtures/nginx.conf', 'utf8');

test('the imported course nginx.conf: explanations beside it, in English and Persian', async ({
  page,
  problems,
}) => {
  const dashboard = await openDashboard(page, lab());
  await page.setViewportSize({ width: 1280, height: 720 });
  await dashboard.setup
    .getByLabel('Import nginx.conf')
    .setInputFiles({ name: 'nginx.conf', mimeType: 'text/plain', buffer: Buffer.from(COURSE_CONF) });
  await expect(dashboard.setup.getByRole('status').filter({ hasText: 'Imported nginx.conf' })).toBeVisible();

  const project = page.getByTestId('project-panel');
  await expect(project.getByRole('tab', { name: 'nginx.conf' })).toHaveAttribute('aria-selected', 'true');
  const conf = project.getByRole('region', { name: 'nginx.conf (read-only)' });
  await conf.scrollIntoViewIfNeeded();
  const panel = project.getByTestId('explanation');

  // max_fails, by the mouse.
  const maxFails = conf.locator('[data-explain="nginx.upstream.server.max_fails"]').first();
  await expect(maxFails).toHaveText('max_fails=3');
  await maxFails.click();
  await expect(panel).toBeVisible();
  await expect(panel).toBeFocused();
  await expect(panel.getByRole('heading')).toHaveText('max_fails=3');
  await expect(panel).toContainText(en['nginx.upstream.server.max_fails']!.summary);
  const doc = panel.getByRole('link', { name: 'ngx_http_upstream_module' });
  await expect(doc).toHaveAttribute(
    'href',
    'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server',
  );
  await expect(doc).toHaveAttribute('target', '_blank');
  await expect(doc).toHaveAttribute('rel', /noopener/);
  // Beside the text: the panel does not cover the line it explains.
  const line = (await maxFails.boundingBox())!;
  const box = (await panel.boundingBox())!;
  expect(box.x >= line.x + line.width || box.y >= line.y + line.height || box.y + box.height <= line.y).toBe(
    true,
  );
  await keepScreenshot(page, 'explanation-max-fails-en');

  // Escape closes it, and the keyboard is back on the word.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(maxFails).toBeFocused();

  // proxy_set_header and $remote_addr, by the keyboard: the arrows walk the explained words.
  const setHeader = conf.locator('[data-explain="nginx.proxy_set_header"]').nth(1);
  const remoteAddr = conf.locator('[data-explain="nginx.var.remote_addr"]');
  await setHeader.focus();
  await page.keyboard.press('Enter');
  await expect(panel).toContainText(en['nginx.proxy_set_header']!.summary);
  await page.keyboard.press('Escape');
  await expect(setHeader).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(remoteAddr).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(panel.getByRole('heading')).toHaveText('$remote_addr');
  await expect(panel).toContainText(en['nginx.var.remote_addr']!.summary);

  // Persian: right to left, the code inside it left to right.
  await panel.getByRole('button', { name: 'فارسی' }).click();
  const body = panel.getByTestId('explanation-body');
  await expect(body).toHaveAttribute('dir', 'rtl');
  await expect(body).toHaveAttribute('lang', 'fa');
  await expect(body).toContainText(fa['nginx.var.remote_addr']!.summary);
  await expect(panel.getByRole('button', { name: 'فارسی' })).toHaveAttribute('aria-pressed', 'true');
  await expect(panel.getByRole('heading').locator('code')).toHaveAttribute('dir', 'ltr');
  await keepScreenshot(page, 'explanation-remote-addr-fa');

  // The language stays for the next word.
  await page.keyboard.press('Escape');
  await expect(remoteAddr).toBeFocused();
  await maxFails.click();
  await expect(panel.getByTestId('explanation-body')).toContainText(
    fa['nginx.upstream.server.max_fails']!.summary,
  );
  await keepScreenshot(page, 'explanation-max-fails-fa');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(maxFails).toBeFocused();
  await setHeader.click();
  await expect(body.locator('code', { hasText: 'Host: $proxy_host' })).toHaveAttribute('dir', 'ltr');
  await keepScreenshot(page, 'explanation-proxy-set-header-fa');
  expect(problems).toEqual([]);
});

test("the bundled project's Dockerfile, as Read project finds it", async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  await page.setViewportSize({ width: 1280, height: 720 });
  await dashboard.setup.getByRole('radio', { name: 'Docker' }).check();
  await dashboard.setup.getByRole('button', { name: 'Read project' }).click();
  const project = page.getByTestId('project-panel');
  await project.getByRole('tab', { name: 'Dockerfile' }).click();
  const file = project.getByRole('region', { name: /Dockerfile \(read-only\)/ });
  await file.scrollIntoViewIfNeeded();
  await file.locator('[data-explain="docker.EXPOSE"]').click();
  const panel = project.getByTestId('explanation');
  await expect(panel.getByRole('link', { name: 'Dockerfile reference' })).toHaveAttribute(
    'href',
    'https://docs.docker.com/reference/dockerfile/#expose',
  );
  await file.locator('[data-explain="django.runserver"]').click();
  await expect(panel).toContainText(en['django.runserver']!.summary);
  await keepScreenshot(page, 'explanation-dockerfile-runserver');
  await page.keyboard.press('Escape');
  await expect(file.locator('[data-explain="django.runserver"]')).toBeFocused();
  expect(problems).toEqual([]);
});
