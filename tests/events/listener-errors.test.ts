import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Emitter } from '../../core/events/emitter';
import { reportEachOnce } from '../../core/events/listener-error';
import { RecordBatcher } from '../../core/balancer/record-batcher';
import type { RequestRecord } from '../../core/balancer/record';
import { App } from '../../core/app/app';

const SCRIPT = resolve(import.meta.dirname, 'support/throwing-listeners.ts');

function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('a listener that throws', () => {
  test('does not end the process; each failure is printed once (a real process)', async () => {
    const { code, stdout, stderr } = await run(SCRIPT);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('alive\n');
    expect(stderr.match(/a listener of "tick" failed: listener boom/g)).toHaveLength(1);
    expect(stderr.match(/a listener of "records" failed: records boom/g)).toHaveLength(1);
  }, 30_000);

  test('goes to onListenerError, and the other listeners still run', () => {
    const emitter = new Emitter<{ tick: number }>();
    const reported: string[] = [];
    const seen: number[] = [];
    emitter.onListenerError = (error, event) => reported.push(`${event}: ${(error as Error).message}`);
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.on('tick', (n) => seen.push(n));
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(seen).toEqual([1, 2]);
    expect(reported).toEqual(['tick: boom', 'tick: boom']);
  });

  test("a record batcher's subscriber error is reported; the others get the batch", () => {
    const reported: string[] = [];
    const batcher = new RecordBatcher(1000, 10, (error) => reported.push((error as Error).message));
    const got: number[] = [];
    batcher.subscribe(() => {
      throw new Error('stalled consumer');
    });
    batcher.subscribe((batch) => got.push(batch.length));
    batcher.push({} as RequestRecord);
    batcher.close();
    expect(got).toEqual([1]);
    expect(reported).toEqual(['stalled consumer']);
  });

  test('reportEachOnce cannot loop when the report itself reaches the failing listener', () => {
    const emitter = new Emitter<{ notice: string }>();
    const sunk: string[] = [];
    emitter.onListenerError = reportEachOnce((message) => {
      sunk.push(message);
      emitter.emit('notice', message);
    });
    emitter.on('notice', () => {
      throw new Error('bad notice listener');
    });
    emitter.emit('notice', 'hello');
    emitter.emit('notice', 'again');
    expect(sunk).toEqual(['a listener of "notice" failed: bad notice listener']);
  });

  test('the App turns it into one notice and one log line', async () => {
    const app = new App({ settings: { runtime: 'demo' }, stateDir: null });
    const notices: string[] = [];
    app.events.on('notice', (n) => notices.push(n.message));
    app.events.on('lab', () => {
      throw new Error('window gone');
    });
    await app.call('backend.set', { backend: 'backend1', params: { weight: 2 } });
    await app.call('backend.set', { backend: 'backend1', params: { weight: 3 } });
    await new Promise((r) => setTimeout(r, 300));
    const logs = await app.call('logs.backlog', { limit: 100 });
    expect(notices.filter((m) => m === 'a listener of "lab" failed: window gone')).toHaveLength(1);
    expect(logs.filter((l) => l.text === 'a listener of "lab" failed: window gone')).toHaveLength(1);
    await app.close();
  });
});
