import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type { LabView } from '../../core/api/contract';
import type { ServerMessage } from '../../core/api/wire';
import { App } from '../../core/app/app';
import { DashboardServer } from '../../core/server/dashboard-server';

function http(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Client {
  ws: WebSocket;
  /** Resolves with the first message (already received or coming) that matches. */
  next(match: (m: ServerMessage) => boolean): Promise<ServerMessage>;
}

/** Opens a WebSocket, keeping every message from the first byte; or the HTTP status of the refusal. */
function connect(url: string, headers: Record<string, string> = {}): Promise<Client | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const received: ServerMessage[] = [];
    const waiting: Array<() => void> = [];
    ws.on('message', (data) => {
      received.push(JSON.parse(data.toString()) as ServerMessage);
      waiting.splice(0).forEach((wake) => wake());
    });
    const next = async (match: (m: ServerMessage) => boolean): Promise<ServerMessage> => {
      for (;;) {
        const index = received.findIndex(match);
        if (index !== -1) return received.splice(index, 1)[0]!;
        await new Promise<void>((wake) => waiting.push(wake));
      }
    };
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('the headless dashboard server', () => {
  let app: App;
  let server: DashboardServer;
  let root: string;
  let port: number;
  let token: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ul-renderer-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Upstream Lab</title>');
    await writeFile(join(tmpdir(), 'ul-secret.txt'), 'secret');
    app = new App({ settings: { runtime: 'demo' } });
    server = new DashboardServer({ app, host: '127.0.0.1', port: 0, rendererDir: root });
    const url = new URL(await server.listen());
    port = Number(url.port);
    token = url.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(20);
  });

  afterAll(async () => {
    await server.close();
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  test('serves the renderer with a CSP, and nothing outside its folder', async () => {
    const page = await http(port, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Upstream Lab');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    expect((await http(port, '/../ul-secret.txt')).status).toBe(404);
    expect((await http(port, '/%2e%2e/ul-secret.txt')).status).toBe(404);
  });

  test('refuses a foreign Host (DNS rebinding)', async () => {
    expect((await http(port, '/', { Host: `evil.example:${port}` })).status).toBe(421);
    expect(await connect(`ws://127.0.0.1:${port}/api?token=${token}`, { Host: `evil.example:${port}` })).toBe(
      421,
    );
  });

  test('refuses a WebSocket without the token, with a wrong one, or from a foreign Origin', async () => {
    expect(await connect(`ws://127.0.0.1:${port}/api`)).toBe(401);
    expect(await connect(`ws://127.0.0.1:${port}/api?token=${token.slice(1)}x`)).toBe(401);
    expect(
      await connect(`ws://127.0.0.1:${port}/api?token=${token}`, { Origin: 'http://evil.example' }),
    ).toBe(403);
  });

  test('with the token and its own origin: the lab view, then commands and replies', async () => {
    const client = await connect(`ws://127.0.0.1:${port}/api?token=${token}`, {
      Origin: `http://127.0.0.1:${port}`,
    });
    if (typeof client === 'number') throw new Error(`refused with ${client}`);
    const first = await client.next((m) => 'event' in m && m.event === 'lab');
    expect((first as { payload: LabView }).payload.settings.runtime).toBe('demo');
    client.ws.send(JSON.stringify({ id: 7, command: 'lab.get', input: {} }));
    const reply = await client.next((m) => 'id' in m && m.id === 7);
    expect('result' in reply && (reply.result as LabView).state).toBe('idle');
    client.ws.close();
  });

  test('invalid messages are refused with an error and change nothing', async () => {
    const client = await connect(`ws://127.0.0.1:${port}/api?token=${token}`);
    if (typeof client === 'number') throw new Error(`refused with ${client}`);
    const before = JSON.stringify(app.view().settings);
    const bad: unknown[] = [
      'not json',
      '{"id": 1}',
      JSON.stringify({ id: 2, command: 'lab.nuke', input: {} }),
      JSON.stringify({ id: 3, command: 'backend.action', input: { backend: 'db', action: 'kill' } }),
      JSON.stringify({ id: 4, command: 'backend.action', input: { backend: 'backend1', action: 'rm -rf' } }),
      JSON.stringify({ id: 5, command: 'lab.start', input: { replicas: 1e9 } }),
      JSON.stringify({ id: 6, command: 'lab.start', input: { listen: '0.0.0.0:80; evil' } }),
      JSON.stringify({ id: 8, command: 'lab.get', input: { extra: true } }),
      JSON.stringify({
        id: 9,
        command: 'backend.set',
        input: { backend: 'backend1', params: { weight: 0 } },
      }),
    ];
    for (const message of bad) {
      client.ws.send(String(message));
      const reply = await client.next((m) => 'id' in m);
      expect('error' in reply).toBe(true);
    }
    expect(JSON.stringify(app.view().settings)).toBe(before);
    expect(app.view().state).toBe('idle');
    client.ws.close();
  });

  test('extra routes need the token', async () => {
    const guarded = new DashboardServer({
      app,
      host: '127.0.0.1',
      port: 0,
      rendererDir: root,
      routes: { '/metrics': (_req, res) => void res.end('ok') },
    });
    const url = new URL(await guarded.listen());
    const p = Number(url.port);
    expect((await http(p, '/metrics')).status).toBe(401);
    expect((await http(p, `/metrics?token=${guarded.token}`)).body).toBe('ok');
    expect((await http(p, '/metrics', { Authorization: `Bearer ${guarded.token}` })).body).toBe('ok');
    await guarded.close();
  });
});
