// Page-side code is passed as strings: this file is type-checked without the DOM library.
import type { Page } from '@playwright/test';
import { messages } from '../support/messages';
import { startTraffic, type Traffic } from '../support/traffic';
import { expect, keepScreenshot, test, useLab } from './fixtures';

const [app, backends, chart, chaos, logs, timeline, traffic] = [
  'app',
  'backends',
  'chart',
  'chaos',
  'logs',
  'timeline',
  'traffic',
].map((ns) => messages('fa', ns));
const enApp = messages('en', 'app');

/**
 * Issue 14, item 5: the dashboard in Persian, right to left, in its shipped font, with Persian
 * digits as an option; English by the switch; the choice kept across a reload. Expected texts come
 * from the message files, so a string left in a component (not in the files) fails here.
 */
const lab = useLab({ lab: 'e2e-i18n', failureDetection: 'engine' });

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 720 } });

let load: Traffic | undefined;
test.afterEach(async () => {
  await load?.stop();
  load = undefined;
});

/** The dashboard's address in a language (`?lang=` is what `--lang` adds). */
const inLanguage = (language: 'fa' | 'en'): string => {
  const url = new URL(lab().dashboardUrl);
  url.searchParams.set('lang', language);
  return url.href;
};

const connected = (page: Page, text: string) =>
  expect(page.getByTestId('connection-state')).toContainText(text, { timeout: 15_000 });

/** Latin words in an element's visible text, outside code, logs and other left-to-right islands. */
async function latinWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const root = document.querySelector(${JSON.stringify(selector)});
    if (!root) return ['(no ' + ${JSON.stringify(selector)} + ')'];
    const words = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('code, pre, bdi, [dir="ltr"], option, .sr-only, .detail') || !el.checkVisibility()) continue;
      for (const w of node.textContent.match(/[A-Za-z][A-Za-z_-]{2,}\\d*/g) ?? []) words.push(w);
    }
    return words;
  })()`);
}

/** Each panel, screenshot in both languages (test-results/screenshots/{fa,en}-NAME.png). */
const PANELS = [
  ['header', 'header.topbar'],
  ['backends', '#backends'],
  ['chart-timeline', 'main.main > .pair'],
  ['logs', 'section[aria-labelledby="logs-title"]'],
  ['traffic', 'section[aria-labelledby="traffic-title"]'],
  ['chaos', 'section[aria-labelledby="chaos-title"]'],
] as const;

/** Words that stay Latin in Persian text: names nginx and Docker give, units, HTTP. */
const LATIN_KEPT = new Set([
  'max_fails',
  'fail_timeout',
  'req',
  'p95',
  'p50',
  'p99',
  'Ctrl',
  'Regex',
  'Aa',
  'HTTP',
]);

test('in Persian: rtl, the shipped font, every panel from the message files, no English left', async ({
  page,
  problems,
}) => {
  await page.goto(inLanguage('fa'));
  await connected(page, app.connection.open);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');

  // The font comes with the app (no network here): Vazirmatn renders Persian.
  await expect
    .poll(() =>
      page.evaluate<boolean>(`document.fonts.load('16px Vazirmatn', 'سلام').then((f) => f.length > 0)`),
    )
    .toBe(true);

  const region = (name: string) => page.getByRole('region', { name, exact: true });
  await expect(region(backends.title)).toBeVisible();
  await expect(region(timeline.title)).toBeVisible();
  await expect(region(logs.title)).toBeVisible();
  await expect(region(traffic.title)).toBeVisible();
  await expect(region(chaos.title)).toBeVisible();
  await expect(page.getByRole('figure', { name: chart.title })).toBeVisible();
  await expect(
    page.locator('#backends').getByRole('columnheader', { name: backends.col.weight }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: `${backends.action.kill.label} \u2068backend2\u2069` }),
  ).toBeVisible();
  await expect(page.getByTestId('failure-detection-mode')).toContainText(app.header.detectionEngine);

  // Traffic, then a kill: the figures, the chart's shares and the timeline in Persian.
  load = startTraffic(lab().balancerUrl, { concurrency: 2, delayMs: 20 });
  await page.getByRole('button', { name: `${backends.action.kill.label} \u2068backend2\u2069` }).click();
  const episode = region(timeline.title).getByRole('listitem').filter({ hasText: 'backend2' }).first();
  await expect(episode).toContainText(timeline.kind.killed);
  await expect(page.getByTestId('share-backend1')).toContainText(/\d+%/);
  await page.getByRole('button', { name: `${backends.action.restore.label} \u2068backend2\u2069` }).click();
  await expect(episode).toContainText(timeline.kind['first-served'], { timeout: 10_000 });

  // The chart's time axis and the logs read left to right inside the Persian page.
  await expect(page.locator('.plot')).toHaveAttribute('dir', 'ltr');
  await expect(page.locator('.log-body')).toHaveAttribute('dir', 'ltr');

  for (const selector of [
    'header.topbar',
    '#backends',
    'main.main > .pair',
    'section[aria-labelledby="logs-title"] .panel-head',
  ])
    expect(
      (await latinWords(page, selector)).filter((w) => !LATIN_KEPT.has(w) && !/^backend\d+$/.test(w)),
      `English left in ${selector}`,
    ).toEqual([]);

  await keepScreenshot(page, 'fa-dashboard', true);
  for (const [name, selector] of PANELS)
    await page.locator(selector).screenshot({ path: `test-results/screenshots/fa-${name}.png` });
  expect(problems).toEqual([]);
});

test('Persian digits as an option; the switch to English is kept across a reload', async ({
  page,
  problems,
}) => {
  await page.goto(inLanguage('fa'));
  await connected(page, app.connection.open);
  const failsHeader = page.locator('#backends').getByRole('columnheader', { name: backends.col.fails });
  await expect(failsHeader).toBeVisible();
  const fails = page.getByRole('row', { name: 'backend1', exact: true }).getByRole('cell').nth(6);
  await expect(fails).toHaveText('0/3');

  await page.getByTestId('persian-digits').check();
  await expect(fails).toHaveText('۰/۳');
  await keepScreenshot(page, 'fa-persian-digits');

  // English by the switch: left to right at once, and still English after a reload without ?lang=.
  await page.getByTestId('language').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await connected(page, enApp.connection.open);
  await expect(page.getByRole('region', { name: 'Backends', exact: true })).toBeVisible();
  await expect(fails).toHaveText('0/3');
  await page.goto(lab().dashboardUrl);
  await connected(page, enApp.connection.open);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('persian-digits')).toHaveCount(0);
  await keepScreenshot(page, 'en-dashboard', true);
  for (const [name, selector] of PANELS)
    await page.locator(selector).screenshot({ path: `test-results/screenshots/en-${name}.png` });

  // And back: the saved choice comes back too.
  await page.getByTestId('language').selectOption('fa');
  await page.reload();
  await connected(page, app.connection.open);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(fails).toHaveText('۰/۳');
  expect(problems).toEqual([]);
});

test('a browser whose language is Persian gets the Persian dashboard without asking', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fa-IR', viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(lab().dashboardUrl);
  await connected(page, app.connection.open);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await context.close();
});
