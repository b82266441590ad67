import { afterAll, beforeAll, expect, test } from 'vitest';
import { DemoBackend } from '../../core/demo/demo-backend';
import { exchange, statusOf } from './dashboard-helpers';

// `GET //` through the balancer reached this backend's `new URL` and killed `up --runtime demo`.
let backend: DemoBackend;
let port: number;
beforeAll(async () => {
  backend = new DemoBackend('backend1', () => undefined);
  port = await backend.start();
});
afterAll(() => backend.kill());

const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

test.each([
  ['//', 200],
  ['//health', 200],
  ['//evil.example/slow?ms=1', 200],
  ['*', 400],
  ['/%ff', 200],
])('the demo backend answers GET %s (%i) and keeps serving', async (target, status) => {
  expect(statusOf(await exchange(port, get(target)))).toBe(status);
  expect(statusOf(await exchange(port, get('/health')))).toBe(200);
});
