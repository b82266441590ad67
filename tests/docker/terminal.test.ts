import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app/app';
import { containerName, defaultImageTag } from '../../core/docker/labels';
import { DashboardServer } from '../../core/server/dashboard-server';
import { openApiSocket, typed, type ApiSocket } from '../support/api-socket';
import { cleanupLab, dockerReachable, eventually, testDocker, uniqueLab } from '../support/docker';
import { waitForView } from '../support/lab-view';
import { ensureTestImages } from '../support/offline-images';
import { requires } from '../support/prerequisites';
import { freePort } from '../support/target';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/** The command lines of every process in the replica's container, read from outside the terminal. */
async function processes(lab: string, index: number): Promise<string[]> {
  const exec = await testDocker()
    .getContainer(containerName(lab, index))
    .exec({
      Cmd: ['sh', '-c', 'for p in /proc/[0-9]*; do tr "\\0" " " < "$p/cmdline"; echo; done 2>/dev/null'],
      AttachStdout: true,
      Tty: true,
    });
  const stream = await exec.start({ Tty: true });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((done) => stream.on('end', done));
  return Buffer.concat(chunks)
    .toString()
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

describe.runIf(docker)('a terminal into a replica (real dockerd, over the dashboard WebSocket)', () => {
  const lab = uniqueLab('term');
  let app: App | undefined;
  let server: DashboardServer | undefined;
  let rendererDir: string | undefined;
  let url = '';
  let page: ApiSocket;
  let other: ApiSocket;

  beforeAll(async () => {
    app = new App({
      settings: {
        runtime: 'docker',
        lab,
        replicas: 2,
        listen: `127.0.0.1:${await freePort()}`,
        offline: true,
      },
      stateDir: null,
    });
    await app.call('lab.start', {});
    await waitForView(app, (v) => v.backends.filter((b) => b.state === 'up').length === 2, 150_000);
    rendererDir = await mkdtemp(join(tmpdir(), 'upstream-lab-terminal-'));
    server = new DashboardServer({ app, host: '127.0.0.1', port: 0, rendererDir, log: () => undefined });
    const address = new URL(await server.listen());
    url = `ws://${address.host}/api${address.search}`;
    page = await openApiSocket(url);
    other = await openApiSocket(url);
  }, 240_000);

  afterAll(async () => {
    await page?.close();
    await other?.close();
    await server?.close();
    await app?.close();
    await cleanupLab(lab, [defaultImageTag(lab)]);
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  }, 120_000);

  it('runs a shell in backend1: what is typed runs there, its output comes to this page only', async () => {
    const opened = await page.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 });
    expect(opened).toMatchObject({ backend: 'backend1', shell: '/bin/bash' });
    const [replica] = await testDocker().listContainers({ filters: { name: [containerName(lab, 1)] } });
    expect(replica!.Id.startsWith(opened.container)).toBe(true);
    expect(opened.container).toMatch(/^[0-9a-f]{12}$/);

    await page.call('terminal.write', { id: opened.id, data: typed('echo hi-$((40+2))\n') });
    // The typed line echoes `hi-$((40+2))`; only the shell's answer has `hi-42`. (Lines end
    // `\r\n`; bash's bracketed-paste switch and a `\r` come before an answer.)
    await page.waitFor(opened.id, /hi-42/);
    await page.call('terminal.write', { id: opened.id, data: typed('echo "$REPLICA_NAME"\n') });
    await page.waitFor(opened.id, /[\r\n]backend1\r\n/);
    expect(other.terminalEvents).toEqual([]);

    // Not its terminal: the other page can neither type into it nor close it.
    await expect(other.call('terminal.write', { id: opened.id, data: typed('exit\n') })).rejects.toThrow(
      `no terminal ${opened.id} is open on this connection`,
    );
    await expect(other.call('terminal.close', { id: opened.id })).rejects.toThrow('no terminal');

    await page.call('terminal.resize', { id: opened.id, cols: 100, rows: 30 });
    await page.call('terminal.write', { id: opened.id, data: typed('stty size\n') });
    await page.waitFor(opened.id, /[\r\n]30 100\r\n/);

    // Closing ends the shell and what runs in it, though Docker keeps a TTY exec after its client goes.
    await page.call('terminal.write', { id: opened.id, data: typed('sleep 4242\n') });
    await eventually(async () => (await processes(lab, 1)).includes('sleep 4242'));
    await page.call('terminal.close', { id: opened.id });
    const left = await processes(lab, 1);
    expect(left).not.toContain('sleep 4242');
    expect(left.filter((p) => p.startsWith('/bin/bash'))).toEqual([]);
    await expect(page.call('terminal.write', { id: opened.id, data: typed('x') })).rejects.toThrow(
      'no terminal',
    );
  }, 60_000);

  it('the shell exiting ends the terminal with its exit code', async () => {
    const opened = await page.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 });
    await page.call('terminal.write', { id: opened.id, data: typed('exit 3\n') });
    expect(await page.waitForExit(opened.id)).toMatchObject({
      code: 3,
      message: 'the shell exited with code 3',
    });
  }, 30_000);

  it('a page that goes takes its shells with it', async () => {
    const leaving = await openApiSocket(url);
    const opened = await leaving.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 });
    await leaving.call('terminal.write', { id: opened.id, data: typed('sleep 4343\n') });
    await eventually(async () => (await processes(lab, 1)).includes('sleep 4343'));
    await leaving.close();
    await eventually(async () => !(await processes(lab, 1)).includes('sleep 4343'));
  }, 30_000);

  it('a killed container ends its terminal and refuses a new one; nothing crashes', async () => {
    const opened = await page.call('terminal.open', { backend: 'backend2', cols: 80, rows: 24 });
    await page.call('terminal.write', { id: opened.id, data: typed('echo ready-$((1+1))\n') });
    await page.waitFor(opened.id, /ready-2/);
    await app!.call('backend.action', { backend: 'backend2', action: 'kill' });
    const exit = await page.waitForExit(opened.id);
    expect(exit.message).toMatch(/^the shell /);
    // Typing into the ended terminal is refused, not thrown somewhere else.
    await expect(page.call('terminal.write', { id: opened.id, data: typed('x') })).rejects.toThrow(
      'no terminal',
    );

    await expect(page.call('terminal.open', { backend: 'backend2', cols: 80, rows: 24 })).rejects.toThrow(
      /^backend2 is not running \(its container is exited\): Restore it to open a terminal$/,
    );
    // The app and its other replica are fine.
    const again = await page.call('terminal.open', { backend: 'backend1', cols: 80, rows: 24 });
    await page.call('terminal.write', { id: again.id, data: typed('echo still-$((2*3))\n') });
    await page.waitFor(again.id, /still-6/);
    await page.call('terminal.close', { id: again.id });
    expect(app!.view().backends.find((b) => b.name === 'backend1')?.state).toBe('up');
  }, 60_000);
});
