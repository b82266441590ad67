// Issue 14, item 5: Lab setup, Updates, Build and Project (with its files and explanations) in
// Persian, right to left, their words from the fa message files; code, addresses and nginx's words
// kept left to right; Persian digits when asked for. Screenshots at 1280×720 in both languages
// under test-results/screenshots/i18n-setup/. Page-side code is passed as strings (no DOM lib here).
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { ExplanationText } from '../../core/explain/messages';
import { expect, keepScreenshot, test, useLab } from './fixtures';

type Tree = { [key: string]: string | Tree };
const messages = (language: 'en' | 'fa', ns: string): Tree =>
  JSON.parse(readFileSync(`core/i18n/messages/${language}/${ns}.json`, 'utf8')) as Tree;
/** A message by its dotted key, as the file has it. */
function text(tree: Tree, key: string): string {
  const value = key
    .split('.')
    .reduce<string | Tree | undefined>((t, k) => (t as Tree | undefined)?.[k], tree);
  if (typeof value !== 'string') throw new Error(`no message ${key}`);
  return value;
}
const fa = {
  setup: messages('fa', 'setup'),
  updates: messages('fa', 'updates'),
  build: messages('fa', 'build'),
  project: messages('fa', 'project'),
};
const en = { setup: messages('en', 'setup'), project: messages('en', 'project') };
const explanations = (language: string): Record<string, ExplanationText> =>
  JSON.parse(readFileSync(`core/i18n/messages/${language}/explain.json`, 'utf8')) as Record<
    string,
    ExplanationText
  >;
const COURSE_CONF = readFileSync('tests/explain/fixtures/nginx.conf', 'utf8');

const lab = useLab({ failureDetection: 'engine' });
test.describe.configure({ mode: 'serial' });

/**
 * Latin words allowed in the Persian panels outside code: names of programs, formats, nginx's and
 * Docker's own words. Anything else in Latin letters is an untranslated string.
 */
const ALLOWED = new Set(
  [
    'nginx',
    'Docker',
    'Dockerfile',
    'Compose',
    'Django',
    'PostgreSQL',
    'SQLite',
    'PyPI',
    'Debian',
    'IP',
    'GET',
    'FROM',
    'HOST',
    'PORT',
    'KEY',
    'VALUE',
    'env',
    'wheel',
    'HTML',
    'JSON',
    'CSV',
    'OSS',
    'round_robin',
    'least_conn',
    'ip_hash',
    'hash',
    'random',
    'consistent',
    'two',
    'weight',
    'backup',
    'max_fails',
    'fail_timeout',
    'max',
    'surge',
    'unavailable',
    'canary',
    'requirements',
    'reload',
    'p95',
    'English',
  ].map((w) => w.toLowerCase()),
);

/**
 * The words a reader meets in an element: its visible text and its placeholders, titles and
 * accessible labels, leaving out what is code or an address (code, pre, bdi, dir=ltr, lang=en).
 * State badges are StateBadge's, translated with the other components (not this item's); the
 * explanations' own texts are core/explain's (explanations.spec.ts checks them).
 */
async function wordsOf(page: Page, selector: string, also = ''): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const root = document.querySelector(${JSON.stringify(selector)});
    if (!root) throw new Error('no ${selector.replace(/'/g, '')}');
    const skip = (el) =>
      !!el.closest('code, pre, bdi, datalist, .badge, [dir="ltr"], [lang="en"], [data-testid="explanation-body"]${also ? `, ${also}` : ''}');
    const out = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || skip(el) || !el.getClientRects().length) continue;
      out.push(node.textContent);
    }
    for (const el of root.querySelectorAll('[placeholder], [title], [aria-label]')) {
      // An address field is typed left to right; its placeholder and label are still prose.
      if (el.closest('datalist') || (!el.matches('input, textarea') && skip(el))) continue;
      for (const name of ['placeholder', 'title', 'aria-label'])
        if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
    return out;
  })()`);
}

/** Latin words that are neither allowed names nor technical tokens (paths, addresses, variables). */
function untranslated(texts: string[]): string[] {
  const bad = new Set<string>();
  for (const t of texts)
    for (const raw of t.split(/\s+/)) {
      const word = raw.replace(/^[(«"'‹]+|[)»"'›.,:;؛،…!?]+$/g, '');
      if (!/[A-Za-z]{2,}/.test(word)) continue;
      if (/[./:$_=@\d]/.test(word)) continue; // nginx.conf, 127.0.0.1:8080, $request_uri, max_fails=3
      // A Latin name with a Persian suffix ("wheelها") is the name.
      for (const latin of word.match(/[A-Za-z]{2,}/g) ?? [])
        if (!ALLOWED.has(latin.toLowerCase())) bad.add(word);
    }
  return [...bad];
}

async function open(page: Page, language: 'en' | 'fa' | null, digits?: 'persian'): Promise<void> {
  const url = new URL(lab().dashboardUrl);
  if (language) url.searchParams.set('lang', language);
  await page.setViewportSize({ width: 1280, height: 720 });
  if (digits)
    await page.addInitScript(
      `localStorage.setItem('upstream-lab.locale', JSON.stringify({ language: 'fa', digits: 'persian' }))`,
    );
  await page.goto(url.toString());
  await expect(page.getByTestId('connection-state')).toHaveClass(/\bopen\b/, { timeout: 15_000 });
}

const setup = (page: Page) => page.locator('#setup');
const project = (page: Page) => page.getByTestId('project-panel');

async function importCourseConf(page: Page, label: string): Promise<void> {
  await setup(page)
    .getByLabel(label)
    .setInputFiles({ name: 'nginx.conf', mimeType: 'text/plain', buffer: Buffer.from(COURSE_CONF) });
}

/** No panel wider than its place, none spilling out of the page. */
async function expectLaidOut(page: Page, selectors: string[]): Promise<void> {
  const sideways = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(sideways, 'the page does not scroll sideways').toBeLessThanOrEqual(0);
  for (const selector of selectors) {
    const spill = await page.evaluate<number>(
      `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el.scrollWidth - el.clientWidth; })()`,
    );
    expect(spill, `${selector} does not spill sideways`).toBeLessThanOrEqual(1);
  }
}

test('Persian: right to left, the setup in the fa message file, nginx words and addresses left to right', async ({
  page,
  problems,
}) => {
  await open(page, 'fa');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');

  const panel = setup(page);
  await expect(page.getByRole('region', { name: text(fa.setup, 'title'), exact: true })).toBeVisible();
  await expect(panel.locator('legend').first()).toHaveText(text(fa.setup, 'lab.legend'));
  await expect(panel.getByRole('button', { name: text(fa.setup, 'buttons.apply') })).toBeVisible();
  await expect(
    panel.getByRole('spinbutton', {
      name: text(fa.setup, 'overrides.weightOf').replace('{{name}}', '\u2068backend1\u2069'),
    }),
  ).toBeVisible();
  const methods = panel.getByRole('combobox', { name: text(fa.setup, 'balancing.method') }).locator('option');
  await expect(methods).toHaveText(
    ['round_robin', 'least_conn', 'ip_hash', 'hash', 'random'].map((m) =>
      text(fa.setup, `balancing.methods.${m}`),
    ),
  );
  // The method's own words stay in Latin inside the Persian.
  await expect(methods.nth(1)).toContainText('least_conn');

  // Right to left: the legend and the table's first column are on the right.
  const legendGap = await page.evaluate<number>(`(() => {
    const legend = document.querySelector('#setup legend');
    const range = document.createRange();
    range.selectNodeContents(legend);
    return legend.getBoundingClientRect().right - range.getBoundingClientRect().right;
  })()`);
  expect(legendGap, 'the legend starts on the right').toBeLessThan(2);
  const backendHead = (await panel
    .getByRole('columnheader', { name: text(fa.setup, 'overrides.backend') })
    .boundingBox())!;
  const weightHead = (await panel
    .getByRole('columnheader', { name: text(fa.setup, 'overrides.weight') })
    .boundingBox())!;
  expect(backendHead.x, 'the Backend column is the first from the right').toBeGreaterThan(weightHead.x);
  // Addresses are typed left to right.
  await expect(panel.getByPlaceholder(text(fa.setup, 'lab.listenPlaceholder'))).toHaveAttribute('dir', 'ltr');

  // A mistake, said in Persian (the schema's own message is English); Reset takes it back.
  const name = panel.getByRole('textbox', { name: text(fa.setup, 'lab.name'), exact: true });
  const before = await name.inputValue();
  await name.fill('Not A Name');
  await expect(panel.locator('small.issue')).toHaveText(text(fa.setup, 'issue.labName'));
  await expect(panel.getByText(text(fa.setup, 'edited'), { exact: true })).toBeVisible();
  await keepScreenshot(page, 'i18n-setup/setup-issue-fa');
  await panel.getByRole('button', { name: text(fa.setup, 'buttons.reset') }).click();
  await expect(name).toHaveValue(before);

  const left = untranslated(await wordsOf(page, '#setup'));
  expect(left, 'no English left in Lab setup').toEqual([]);
  await expectLaidOut(page, ['#setup']);
  await keepScreenshot(page, 'i18n-setup/page-fa');
  await panel.screenshot({ path: 'test-results/screenshots/i18n-setup/setup-fa.png' });
  expect(problems).toEqual([]);
});

test('Persian: the imported nginx.conf in Project, explained in the page language unless picked there', async ({
  page,
  problems,
}) => {
  await open(page, 'fa');
  await importCourseConf(page, text(fa.setup, 'config.import'));
  await expect(setup(page).getByRole('status')).toHaveText(
    text(fa.setup, 'config.imported').replace('{{file}}', '\u2068nginx.conf\u2069'),
  );
  const panel = project(page);
  await expect(panel.getByRole('heading', { name: text(fa.project, 'title'), exact: true })).toBeVisible();
  await expect(panel.locator('#project-files')).toContainText(text(fa.project, 'files.title'));
  const conf = panel.getByRole('region', {
    name: text(fa.project, 'files.readOnly').replace('{{file}}', '\u2068nginx.conf\u2069'),
  });
  await expect(conf).toHaveAttribute('dir', 'ltr');

  // The explanation follows the page: Persian, right to left.
  const maxFails = conf.locator('[data-explain="nginx.upstream.server.max_fails"]').first();
  await expect(maxFails).toHaveAttribute(
    'title',
    text(fa.project, 'config.explain').replace('{{token}}', '\u2068max_fails=3\u2069'),
  );
  await maxFails.click();
  const explanation = panel.getByTestId('explanation');
  const body = explanation.getByTestId('explanation-body');
  await expect(body).toHaveAttribute('dir', 'rtl');
  await expect(body).toContainText(explanations('fa')['nginx.upstream.server.max_fails']!.summary);
  await expect(body).toContainText(text(fa.project, 'explanation.doc'));
  await expect(explanation.getByRole('button', { name: 'فارسی' })).toHaveAttribute('aria-pressed', 'true');
  await expect(
    explanation.getByRole('button', { name: text(fa.project, 'explanation.close') }),
  ).toBeVisible();

  const left = untranslated(await wordsOf(page, '[data-testid="project-panel"]'));
  expect(left, 'no English left in Project').toEqual([]);
  await expectLaidOut(page, ['[data-testid="project-panel"]']);
  await panel.scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'i18n-setup/project-page-fa');
  await panel.screenshot({ path: 'test-results/screenshots/i18n-setup/project-fa.png' });

  // English picked in the panel: that explanation in English, and the next one too.
  await explanation.getByRole('button', { name: 'English' }).click();
  await expect(body).toHaveAttribute('dir', 'ltr');
  await expect(body).toContainText(explanations('en')['nginx.upstream.server.max_fails']!.summary);
  await expect(body).toContainText(text(en.project, 'explanation.doc'));
  await page.keyboard.press('Escape');
  await conf.locator('[data-explain="nginx.proxy_set_header"]').first().click();
  await expect(body).toContainText(explanations('en')['nginx.proxy_set_header']!.summary);
  // Persian picked again: it follows the page once more.
  await explanation.getByRole('button', { name: 'فارسی' }).click();
  await expect(body).toContainText(explanations('fa')['nginx.proxy_set_header']!.summary);
  expect(problems).toEqual([]);
});

test('Persian: Updates and Build in the fa message files, with Persian digits when asked for', async ({
  page,
  problems,
}) => {
  await open(page, 'fa', 'persian');
  const updates = page.getByRole('region', { name: text(fa.updates, 'title'), exact: true });
  await expect(updates).toBeVisible();
  await expect(updates.getByRole('button', { name: text(fa.updates, 'rolling.run') })).toBeVisible();
  await expect(updates.getByRole('button', { name: text(fa.updates, 'canary.start') })).toBeVisible();
  expect(untranslated(await wordsOf(page, 'section[aria-labelledby="updates-title"]'))).toEqual([]);

  // The demo's build: done at once, nothing changed; its log's line count in Persian digits.
  const build = page.getByRole('region', { name: text(fa.build, 'title'), exact: true });
  await expect(build.locator('#build-changes-title')).toHaveText(text(fa.build, 'changes.title'));
  await expect(build).toContainText(text(fa.build, 'changes.nothing'));
  const escape = (t: string) => t.replace(/[()]/g, '\\$&');
  await expect(build.locator('summary')).toHaveText(
    new RegExp(`^${escape(text(fa.build, 'logLines_other')).replace('{{n}}', '[۰-۹]+')}$`),
  );
  // The build's message is the core's own text (not the renderer's), left out here.
  expect(untranslated(await wordsOf(page, 'section[aria-labelledby="build-title"]', '.message'))).toEqual([]);

  // A mirror row is named with Persian digits too (the image settings are Docker's: not applied).
  await setup(page).getByRole('radio', { name: 'Docker' }).check();
  await setup(page)
    .getByRole('button', { name: text(fa.setup, 'image.addMirror') })
    .click();
  await expect(
    setup(page).getByLabel(text(fa.setup, 'image.mirror').replace('{{n}}', '۱'), { exact: true }),
  ).toBeFocused();
  expect(problems).toEqual([]);
});

test('English, as an English browser opens it: the same panels from the en message file', async ({
  page,
  problems,
}) => {
  await open(page, null);
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  const panel = setup(page);
  await expect(page.getByRole('region', { name: text(en.setup, 'title'), exact: true })).toBeVisible();
  await expect(panel.getByRole('button', { name: text(en.setup, 'buttons.apply') })).toBeVisible();
  await expectLaidOut(page, ['#setup']);
  await keepScreenshot(page, 'i18n-setup/page-en');
  await panel.screenshot({ path: 'test-results/screenshots/i18n-setup/setup-en.png' });

  await importCourseConf(page, text(en.setup, 'config.import'));
  const conf = project(page).getByRole('region', { name: 'nginx.conf (read-only)' });
  await conf.locator('[data-explain="nginx.upstream.server.max_fails"]').first().click();
  const body = project(page).getByTestId('explanation-body');
  await expect(body).toHaveAttribute('dir', 'ltr');
  await expect(body).toContainText(explanations('en')['nginx.upstream.server.max_fails']!.summary);
  await expectLaidOut(page, ['[data-testid="project-panel"]']);
  await project(page).scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'i18n-setup/project-page-en');
  await project(page).screenshot({ path: 'test-results/screenshots/i18n-setup/project-en.png' });
  expect(problems).toEqual([]);
});
