import type net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { eventually } from './helpers';
import { startDashboard, type Dashboard } from './dashboard-helpers';

const MiB = 1024 * 1024;
const limits = { softBytes: 1 * MiB, hardBytes: 4 * MiB, closeGraceMs: 5_000 };

let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard({ limits });
  // A backlog reply of about 1.2 MB.
  for (let i = 0; i < 5000; i++) d.app.log('lab', `line ${i} ${'x'.repeat(220)}`);
});
afterAll(() => d.close());

function open(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${d.port}/api?token=${d.token}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

test('a client that stops reading is bounded, then closed 1008; its memory is freed', async () => {
  const ws = await open();
  const socket = (ws as unknown as { _socket: net.Socket })._socket;
  socket.pause();
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  for (let id = 1; id <= 60; id++) ws.send(JSON.stringify({ id, command: 'logs.backlog', input: {} }));

  let most = 0;
  await eventually(() => {
    for (const bytes of d.server.clientBacklogs()) most = Math.max(most, bytes);
    return d.logged.some((line) => /closed a client that stopped reading/.test(line));
  }, 10_000);
  // Without a bound the 60 replies (70 MB) wait in our memory.
  expect(most).toBeLessThan(limits.hardBytes + 2 * MiB);
  expect(d.logged.filter((line) => /closed a client/.test(line))).toHaveLength(1);

  socket.resume();
  expect(await closed).toBe(1008);
  await eventually(() => d.server.clientBacklogs().length === 0, 5_000);

  const next = await open();
  const reply = new Promise<unknown>((resolve) =>
    next.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id?: number };
      if (message.id === 1) resolve(message);
    }),
  );
  next.send(JSON.stringify({ id: 1, command: 'lab.get', input: {} }));
  expect(await reply).toMatchObject({ id: 1, result: { state: 'idle' } });
  next.close();
}, 30_000);

test('an event that cannot be sent is logged, not thrown into the emitter', async () => {
  const ws = await open();
  const before = d.logged.length;
  const payload = { level: 'info', message: 1n } as unknown as { level: 'info'; message: string };
  expect(() => d.app.events.emit('notice', payload)).not.toThrow();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(d.logged.slice(before)).toEqual([expect.stringMatching(/could not send the notice event/)]);
  ws.close();
});
