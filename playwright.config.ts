import { defineConfig } from '@playwright/test';
import { chromiumMissing, chromiumPath } from './tests/support/chromium';

if (chromiumMissing) {
  if (process.env['CI']) throw new Error(`${chromiumMissing} (required when CI is set)`);
  console.warn(`SKIPPING browser e2e tests: ${chromiumMissing}`);
}

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  forbidOnly: !!process.env['CI'],
  workers: 1,
  reporter: process.env['CI'] ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    headless: true,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
});
