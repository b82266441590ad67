import { existsSync } from 'node:fs';

/** The system Chromium the e2e suite drives (Playwright's own browser download is not used). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Why the browser e2e tests cannot run here, or undefined when they can. */
export const chromiumMissing: string | undefined = existsSync(chromiumPath)
  ? undefined
  : `Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`;
