import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../../core/docker/lab';
import { defaultImageTag, labFilter } from '../../core/docker/labels';
import { CliProcess } from '../support/cli-process';
import {
  cleanupLab,
  dockerReachable,
  eventually,
  imageExists,
  testDocker,
  uniqueLab,
} from '../support/docker';
import { getOnce } from '../support/load';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';
import { freePort } from '../support/target';
import { seedText } from '../nginx/support/fixtures';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

/** `$upstream_addr $upstream_status` after the user agent in the CLI's access log (nginx combined + upstream fields). */
const ACCESS_LINE = /"GET (\/\S*) HTTP\/1\.1" (\d{3}) \d+ "[^"]*" "[^"]*" (127\.0\.0\.1:\d+) (\d{3}) /;

describe.runIf(docker)('upstream-lab up, as a child process (real dockerd)', () => {
  const labs: string[] = [];
  const children: CliProcess[] = [];
  const dirs: string[] = [];

  const cli = (args: string[]): CliProcess => {
    const p = new CliProcess(args);
    children.push(p);
    return p;
  };
  const newLab = (prefix: string): string => {
    const name = uniqueLab(prefix);
    labs.push(name);
    return name;
  };
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'ul-cli-'));
    dirs.push(dir);
    return dir;
  };
  /** No container and no network carrying the lab's label. */
  const leftovers = async (lab: string) => {
    const d = testDocker();
    const containers = await d.listContainers({ all: true, filters: { label: [labFilter(lab)] } });
    const networks = await d.listNetworks({ filters: { label: [labFilter(lab)] } });
    return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`)];
  };
  /** GETs through the balancer until `count` different backends answered. */
  const untilBackends = (port: number, count: number) =>
    eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < count * 2; i++) {
        const { backend } = await getOnce(false, port, '/', { timeoutMs: 5000 });
        if (backend) seen.add(backend);
      }
      return seen.size >= count ? [...seen].sort() : undefined;
    }, 60_000);

  afterAll(async () => {
    for (const p of children) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    for (const lab of labs) await cleanupLab(lab, [defaultImageTag(lab)]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('serves through the balancer with an access log; status lists the replicas; SIGINT removes everything', async () => {
    const lab = newLab('cli');
    const port = await freePort();
    const up = cli(['up', '--lab', lab, '--listen', `127.0.0.1:${port}`, '--replicas', '2']);
    const [, announced] = await up.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/, 90_000);
    expect(Number(announced)).toBe(port);

    expect(await untilBackends(port, 2)).toEqual(['backend1', 'backend2']);
    for (let i = 0; i < 4; i++) expect((await getOnce(false, port, '/?n=' + i)).status).toBe(200);
    await eventually(() => up.stdout.split('\n').filter((l) => /"GET \/\?n=\d /.test(l)).length === 4, 5000);
    const logged = up.stdout.split('\n').flatMap((l) => ACCESS_LINE.exec(l) ?? []);
    expect(logged.length).toBeGreaterThan(0);

    const status = cli(['status', '--lab', lab]);
    expect(await status.exitCode(30_000), status.output).toBe(0);
    for (const backend of ['backend1', 'backend2']) {
      expect(status.stdout).toMatch(
        new RegExp(`${backend}\\s+${lab}-${backend}\\s+running\\s+127\\.0\\.0\\.1:\\d+ \\(ready\\)`),
      );
    }

    up.child.kill('SIGINT');
    expect(await up.exitCode(30_000), up.output).toBe(0);
    expect(await leftovers(lab)).toEqual([]);
  }, 120_000);

  it('a taken listen port: exit 1 with "already in use", before any build', async () => {
    const lab = newLab('cli-port');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const up = cli(['up', '--lab', lab, '--listen', `127.0.0.1:${port}`]);
      expect(await up.exitCode(30_000), up.output).toBe(1);
      expect(up.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
      expect(up.stdout).not.toMatch(/build: step/);
      expect(await imageExists(testDocker(), defaultImageTag(lab))).toBe(false);
      expect(await leftovers(lab)).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it("--config with the seed's nginx.conf: backend1..3 are the replicas; a doubled Ctrl-C still cleans up", async () => {
    const lab = newLab('cli-seed');
    const dir = tempDir();
    writeFileSync(join(dir, 'nginx.conf'), seedText());
    const port = await freePort();
    const up = cli([
      'up',
      '--lab',
      lab,
      '--config',
      join(dir, 'nginx.conf'),
      '--listen',
      `127.0.0.1:${port}`,
    ]);
    await up.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), 90_000);
    expect(await untilBackends(port, 3)).toEqual(['backend1', 'backend2', 'backend3']);

    // The upstream addresses in the access log are the replicas' published ports.
    const status = await createLab({ lab, project: '.', docker: testDocker() }).status();
    const ports = status.replicas.map((r) => `127.0.0.1:${r.port}`).sort();
    expect(status.replicas.map((r) => r.name)).toEqual(['backend1', 'backend2', 'backend3']);
    // Three marked requests go to the three peers (round robin); wait until they are logged.
    for (let i = 0; i < 3; i++) expect((await getOnce(false, port, `/?mark=${i}`)).status).toBe(200);
    await eventually(
      () => up.stdout.split('\n').filter((l) => /"GET \/\?mark=\d /.test(l)).length === 3,
      5000,
    );
    const addrs = new Set(
      up.stdout.split('\n').flatMap((l) => {
        const m = ACCESS_LINE.exec(l);
        return m && m[2] === '200' ? [m[3]!] : [];
      }),
    );
    expect([...addrs].sort()).toEqual(ports);

    // Ctrl-C under `npx`: the terminal signals the process group and npm forwards it again.
    up.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    up.child.kill('SIGINT');
    expect(await up.exitCode(30_000), up.output).toBe(0);
    expect(await leftovers(lab)).toEqual([]);
  }, 120_000);

  it('a Dockerfile whose RUN fails: exit 1, stderr names the step, nothing left running', async () => {
    const lab = newLab('cli-broken');
    const dir = tempDir();
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM upstream-lab/python:3.13-trixie\nRUN echo "about to fail" && exit 3\nCMD ["sleep", "60"]\n',
    );
    const port = await freePort();
    const up = cli(['up', '--lab', lab, '--project', dir, '--listen', `127.0.0.1:${port}`]);
    expect(await up.exitCode(60_000), up.output).toBe(1);
    // The lab adds a LABEL step to the project's three.
    expect(up.stderr).toMatch(/step 2\/\d+ \(RUN echo "about to fail" && exit 3\)/);
    expect(up.stderr).toContain('about to fail');
    expect(await leftovers(lab)).toEqual([]);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 90_000);
});
