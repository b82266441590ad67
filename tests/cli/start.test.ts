import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { CliProcess } from '../support/cli-process';
import { freePort } from '../support/target';

/**
 * `npm start` (scripts/start.mjs) as a real child process (issue 13, item 8): its options and
 * variables, and a free dashboard port when the asked one is taken. The desktop window is not
 * tested here: ELECTRON_OVERRIDE_DIST_PATH points at nothing, so it takes its headless path
 * (the dashboard in a browser), the one a machine without the Electron binary gets.
 */
const START = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'ul-start-'));
const NO_ELECTRON = join(home, 'no-electron-here');

/** start.mjs with no Electron binary to find and the test's own state folder. */
class StartProcess extends CliProcess {
  constructor(args: string[], env: Record<string, string> = {}) {
    super(
      args,
      {
        UPSTREAM_LAB_HOME: home,
        UPSTREAM_LAB_PROBE: 'unreachable',
        ELECTRON_OVERRIDE_DIST_PATH: NO_ELECTRON,
        ...env,
      },
      START,
    );
  }
}

/** A listening socket on 127.0.0.1 (a free port when `port` is 0), as another program's would be. */
function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}
const portOf = (server: Server): number => (server.address() as { port: number }).port;
const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const running: StartProcess[] = [];
afterEach(async () => {
  for (const process of running.splice(0)) await process.stop().catch(() => undefined);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const start = (args: string[], env: Record<string, string> = {}): StartProcess => {
  const process = new StartProcess(args, env);
  running.push(process);
  return process;
};

describe('npm start (headless path: no Electron binary)', () => {
  test('the asked port taken: says so, takes the next free one; the lab and listen address from the environment', async () => {
    const taken = await occupy();
    const wanted = portOf(taken);
    const balancer = await freePort();
    try {
      const lab = start(['--port', String(wanted), '--', '--runtime', 'demo'], {
        UPSTREAM_LAB_NAME: 'start-env',
        UPSTREAM_LAB_LISTEN: `127.0.0.1:${balancer}`,
      });
      const [, moved] = await lab.waitFor(
        new RegExp(`Port ${wanted} is taken: the dashboard uses port (\\d+) instead`),
        10_000,
      );
      expect(Number(moved)).not.toBe(wanted);
      expect(lab.stderr).toContain('Cannot open the desktop app:');
      // `up` builds the renderer first when it changed: a first run takes a while.
      const [, url] = await lab.waitFor(
        new RegExp(`dashboard: (http://127\\.0\\.0\\.1:${moved}/\\?token=\\S+)`),
        150_000,
      );
      expect((await fetch(url!)).status).toBe(200);
      await lab.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${balancer}`), 60_000);
      expect((await fetch(`http://127.0.0.1:${balancer}/`)).status).toBe(200);
      expect(await lab.stop()).toBe(0);
      // The lab was the one named: its settings were saved under its name.
      expect(existsSync(join(home, 'labs', 'start-env.json'))).toBe(true);
    } finally {
      await close(taken);
    }
  }, 240_000);

  test('UPSTREAM_LAB_PORT and --strict-port: a taken port is an error, not another port', async () => {
    const taken = await occupy();
    try {
      const lab = start(['--strict-port', '--', '--runtime', 'demo'], {
        UPSTREAM_LAB_PORT: String(portOf(taken)),
      });
      expect(await lab.exited).toBe(1);
      expect(lab.stderr).toContain(`port ${portOf(taken)} is taken`);
      expect(lab.stdout).not.toMatch(/dashboard:/);
    } finally {
      await close(taken);
    }
  }, 30_000);

  test('a mistyped option: named on the first line of stderr, exit code 2', async () => {
    for (const args of [['--port', 'x'], ['--port', '70000'], ['--bogus'], ['stray']]) {
      const lab = start(args);
      expect(await lab.exited).toBe(2);
      expect(lab.stderr.split('\n')[0]).toMatch(/^npm start: /);
    }
  }, 30_000);
});
