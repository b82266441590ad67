import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');

describe('installers', () => {
  test('electron-builder.yml: AppImage and deb, dmg, nsis; app id, product name and icons that exist', () => {
    const config = parse(readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8')) as Record<
      string,
      unknown
    > & {
      linux: { target: unknown; icon?: string };
      mac: { target: unknown; icon?: string };
      win: { target: unknown; icon?: string };
    };
    expect(config.appId).toBe('dev.upstreamlab.app');
    expect(config.productName).toBe('Upstream Lab');
    const targets = (list: unknown): string[] =>
      [list].flat().map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
    expect(targets(config.linux.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targets(config.mac.target)).toContain('dmg');
    expect(targets(config.win.target)).toContain('nsis');
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) {
      if (icon) expect(existsSync(resolve(ROOT, icon))).toBe(true);
    }
    expect(existsSync(resolve(ROOT, 'resources/icon.png'))).toBe(true);
  });

  test('npm run dist without a way to download Electron: the reason and what to set, no stack trace', async () => {
    // Mirrors on a closed local port: nothing leaves this machine, every download is refused.
    const env = {
      ...process.env,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      ELECTRON_BUILDER_BINARIES_MIRROR: 'http://127.0.0.1:9/',
      ELECTRON_CACHE: resolve(ROOT, 'node_modules/.cache/ul-test-empty-electron-cache'),
      ELECTRON_BUILDER_CACHE: resolve(ROOT, 'node_modules/.cache/ul-test-empty-builder-cache'),
    };
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(
        process.execPath,
        [resolve(ROOT, 'scripts/dist.mjs'), '--linux', 'AppImage', '--dir'],
        {
          cwd: ROOT,
          env,
        },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => done({ code, output }));
    });
    expect(code).not.toBe(0);
    expect(output).toMatch(/could not download Electron/);
    expect(output).toMatch(/ELECTRON_MIRROR/);
    expect(output).toMatch(/ELECTRON_BUILDER_CACHE/);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 180_000);
});
