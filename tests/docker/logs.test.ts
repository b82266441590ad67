import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerLogs } from '../../core/docker/logs';
import type { ContainerLogLine } from '../../core/docker/logs';
import {
  cleanupLab,
  dockerReachable,
  eventually,
  runTestContainer,
  testDocker,
  uniqueLab,
} from '../support/docker';
import { requires } from '../support/prerequisites';
import { ensureTestImages } from '../support/offline-images';

const docker = requires('dockerd', await dockerReachable(), 'start it: dockerd &');
// The offline images these tests build and run from (built once when missing).
if (docker) beforeAll(() => ensureTestImages(), 20 * 60_000);

// Prints to both streams: a short line, a 40 000-byte line (Docker splits it at 16 KB), UTF-8
// text, and a last line without a newline. (The long line is ASCII: the json-file driver stores a
// UTF-8 character cut by the split as two U+FFFD, so that case is covered by the unit tests.)
const PRINTER = `
import sys
sys.stdout.write('out one\\n'); sys.stdout.flush()
sys.stderr.write('err one\\n'); sys.stderr.flush()
sys.stdout.write('x' + '0123456789' * 4000 + '\\n'); sys.stdout.flush()
sys.stderr.write('\\u0633\\u0644\\u0627\\u0645 stderr\\n'); sys.stderr.flush()
sys.stdout.write('no newline at the end'); sys.stdout.flush()
`;

describe.runIf(docker)('container logs (real dockerd)', () => {
  const owner = uniqueLab('logs');
  afterAll(() => cleanupLab(owner));

  const collect = () => {
    const lines: ContainerLogLine[] = [];
    const ended: string[] = [];
    const logs = new ContainerLogs(testDocker(), {
      tail: 100,
      onLine: (l) => lines.push(l),
      onEnd: (id) => ended.push(id),
    });
    return { lines, ended, logs };
  };

  it('demultiplexes stdout and stderr, joins split long lines and keeps a partial last line', async () => {
    const container = await runTestContainer(owner, { cmd: ['python3', '-c', PRINTER] });
    await container.wait();
    const { lines, ended, logs } = collect();
    await logs.follow(container.id, 'printer');
    await eventually(() => ended.length === 1);
    // Docker reads stdout and stderr with separate copiers: each stream keeps its order, but
    // their interleaving is not guaranteed.
    const text = (stream: string) =>
      lines
        .filter((l) => l.stream === stream)
        .map((l) => (l.line.length > 60 ? `${l.line.slice(0, 3)}…(${l.line.length})` : l.line));
    expect(text('stdout')).toEqual(['out one', 'x01…(40001)', 'no newline at the end']);
    expect(text('stderr')).toEqual(['err one', 'سلام stderr']);
    expect(lines.find((l) => l.line.startsWith('x01'))?.line).toBe(`x${'0123456789'.repeat(4000)}`);
    for (const line of lines) {
      expect(line.source).toBe('printer');
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
  });

  it('follows live output and resumes after a restart without repeating lines', async () => {
    const script =
      'import time, os\nfor i in range(3):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.1)\n';
    const container = await runTestContainer(owner, { cmd: ['python3', '-c', script] });
    const { lines, ended, logs } = collect();
    await logs.follow(container.id, 'ticker');
    await eventually(() => ended.length === 1);
    expect(lines.map((l) => l.line)).toEqual(['tick 0', 'tick 1', 'tick 2']);
    await container.start();
    await logs.follow(container.id, 'ticker');
    await eventually(() => ended.length === 2);
    expect(lines.map((l) => l.line)).toEqual(['tick 0', 'tick 1', 'tick 2', 'tick 0', 'tick 1', 'tick 2']);
    const times = lines.map((l) => l.time);
    expect([...times].sort()).toEqual(times);
  });

  it('reads a TTY container raw', async () => {
    const container = await runTestContainer(owner, {
      cmd: ['sh', '-c', 'echo tty line; echo second >&2'],
      tty: true,
    });
    await container.wait();
    const { lines, ended, logs } = collect();
    await logs.follow(container.id, 'tty');
    await eventually(() => ended.length === 1);
    expect(lines.map((l) => [l.stream, l.line])).toEqual([
      ['stdout', 'tty line'],
      ['stdout', 'second'],
    ]);
  });
});
