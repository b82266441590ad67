// Issue 13, items 3 and 9: the balancing method the lab runs, shown as nginx writes it in the
// backends header and in the Lab setup, for each imported method; every method selectable; the
// two "method" controls told apart by their names.
import { expect, keepScreenshot, openDashboard, test, useLab } from './fixtures';

const lab = useLab({ lab: 'methods-e2e' });

test.describe.configure({ mode: 'serial' });

const conf = (method: string): string =>
  [
    'events {}',
    'http {',
    '    upstream backend_pool {',
    `        ${method}`,
    '        server backend1:8000;',
    '        server backend2:8000;',
    '        server backend3:8000;',
    '    }',
    '    server {',
    '        listen 8080;',
    '        location / { proxy_pass http://backend_pool; }',
    '    }',
    '}',
    '',
  ].join('\n');

/** The directive imported, the header's words, the select's value, and the hash key shown (if any). */
const IMPORTED: Array<{
  directive: string;
  shown: string;
  method: string;
  key?: string;
  consistent?: boolean;
}> = [
  {
    directive: 'hash $request_uri consistent;',
    shown: 'hash $request_uri consistent',
    method: 'hash',
    key: '$request_uri',
    consistent: true,
  },
  {
    directive: 'hash $remote_addr;',
    shown: 'hash $remote_addr',
    method: 'hash',
    key: '$remote_addr',
    consistent: false,
  },
  { directive: 'least_conn;', shown: 'least_conn', method: 'least_conn' },
  { directive: 'ip_hash;', shown: 'ip_hash', method: 'ip_hash' },
  { directive: 'random two least_conn;', shown: 'random two least_conn', method: 'random' },
  { directive: '', shown: 'round_robin', method: 'round_robin' },
];

test('the two method controls have names of their own', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  await expect(page.getByRole('combobox', { name: 'Balancing method', exact: true })).toHaveCount(1);
  await expect(page.getByRole('combobox', { name: 'HTTP method', exact: true })).toHaveCount(1);
  await expect(page.getByRole('combobox', { name: 'Method', exact: true })).toHaveCount(0);
  const options = dashboard.setup.getByRole('combobox', { name: 'Balancing method' }).locator('option');
  await expect(options).toHaveText([
    'Round robin (weighted)',
    'Least connections',
    'IP hash',
    'Hash (of a key)',
    'Random',
  ]);
  expect(problems).toEqual([]);
});

test('hash chosen in the setup, with a key and consistent, runs and is shown', async ({ page, problems }) => {
  const dashboard = await openDashboard(page, lab());
  const header = dashboard.backends.getByText(/^upstream \S+ · /);
  await expect(header).toHaveText(/ · round_robin$/);
  await dashboard.setup.getByRole('combobox', { name: 'Balancing method' }).selectOption('hash');
  const apply = dashboard.setup.getByRole('button', { name: 'Apply these settings' });
  await expect(dashboard.setup.getByText('the hash method needs a key')).toBeVisible();
  await expect(apply).toBeDisabled();
  await dashboard.setup.getByRole('combobox', { name: 'Hash key' }).fill('$cookie_sessionid');
  await dashboard.setup.getByRole('checkbox', { name: 'consistent' }).check();
  await apply.click();
  await expect(header).toHaveText(/ · hash \$cookie_sessionid consistent$/);
  expect(problems).toEqual([]);
});

for (const imported of IMPORTED) {
  test(`an imported "${imported.shown}" is shown in the header and the setup`, async ({ page, problems }) => {
    const dashboard = await openDashboard(page, lab());
    await dashboard.setup.getByLabel('Import nginx.conf').setInputFiles({
      name: 'nginx.conf',
      mimeType: 'text/plain',
      buffer: Buffer.from(conf(imported.directive)),
    });
    await expect(
      dashboard.setup.getByRole('status').filter({ hasText: 'Imported nginx.conf' }),
    ).toBeVisible();
    await expect(dashboard.backends.getByText(/^upstream backend_pool · /)).toHaveText(
      `upstream backend_pool · ${imported.shown}`,
    );
    const select = dashboard.setup.getByRole('combobox', { name: 'Balancing method' });
    await expect(select).toHaveValue(imported.method);
    const key = dashboard.setup.getByRole('combobox', { name: 'Hash key' });
    if (imported.key === undefined) {
      await expect(key).toHaveCount(0);
    } else {
      await expect(key).toHaveValue(imported.key);
      const consistent = dashboard.setup.getByRole('checkbox', { name: 'consistent' });
      await (imported.consistent ? expect(consistent).toBeChecked() : expect(consistent).not.toBeChecked());
    }
    if (imported.shown === 'hash $request_uri consistent')
      await keepScreenshot(page, 'methods-imported-hash');
    expect(problems).toEqual([]);
  });
}
