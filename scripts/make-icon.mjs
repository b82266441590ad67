// Renders resources/icon.svg to resources/icon.png (512x512) with the system Chromium.
// Run it after editing the SVG: node scripts/make-icon.mjs
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { repoRoot } from './run.mjs';

const svg = await readFile(join(repoRoot, 'resources', 'icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
  await page.setContent(`<body style="margin:0">${svg}</body>`);
  await page
    .locator('svg')
    .screenshot({ path: join(repoRoot, 'resources', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
