import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { App } from '../../core/app/app';
import { ControlClient } from '../../core/control/control-client';
import { controlPaths } from '../../core/control/control-path';
import { ControlServer } from '../../core/control/control-server';

/** The control socket takes anything a local process sends without harm, and is the owner's only. */
const home = mkdtempSync(join(tmpdir(), 'ul-control-'));
let app: App;
let server: ControlServer;

beforeAll(async () => {
  app = new App({ settings: { runtime: 'demo', lab: 'ctl' }, stateDir: null });
  server = await ControlServer.listen(app, controlPaths(home, 'ctl')[0]!);
});

afterAll(async () => {
  await server.close();
  await app.close();
  rmSync(home, { recursive: true, force: true });
});

function exchange(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.path);
    let got = '';
    // Events may come first: the reply is the line with an id.
    const reply = (): string | undefined => got.split('\n').find((line) => line.startsWith('{"id"'));
    socket.on('data', (chunk) => {
      got += chunk.toString();
      if (reply()) socket.destroy();
    });
    socket.on('close', () => resolve(reply() ?? got));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

test('only its owner may connect (mode 0600 in a 0700 folder)', () => {
  expect(statSync(server.path).mode & 0o777).toBe(0o600);
  expect(statSync(join(home, 'control')).mode & 0o777).toBe(0o700);
});

test('garbage, unknown commands and bad input are refused with a reply; the lab goes on', async () => {
  expect(JSON.parse(await exchange('not json\n'))).toMatchObject({
    id: -1,
    error: { message: 'malformed message' },
  });
  expect(JSON.parse(await exchange('{"id":4,"command":"lab.nuke","input":{}}\n'))).toMatchObject({
    id: 4,
    error: { name: 'InvalidRequestError' },
  });
  expect(
    JSON.parse(await exchange('{"id":5,"command":"lab.rollout","input":{"maxSurge":-1}}\n')),
  ).toMatchObject({ id: 5, error: { name: 'InvalidRequestError' } });
  expect(JSON.parse(await exchange(Buffer.alloc(5 * 1024 * 1024, 0x61)))).toMatchObject({
    error: { message: expect.stringMatching(/a message line over/) },
  });
  const client = await ControlClient.open(server.path);
  expect((await client.call('lab.get', {})).settings.lab).toBe('ctl');
  client.close();
});

test('a second lab owner on the same socket is refused, naming it', async () => {
  await expect(ControlServer.listen(app, server.path)).rejects.toThrow(
    /another process controls this lab already/,
  );
  await expect(ControlServer.listenFirst(app, controlPaths(home, 'ctl'))).rejects.toThrow(
    /another process controls/,
  );
});

test('a state folder that cannot hold the socket: the temporary folder instead', async () => {
  const file = join(home, 'a-file');
  writeFileSync(file, 'not a folder');
  const [inState, inTmp] = controlPaths(file, 'ctl2');
  expect(inState).toBe(join(file, 'control', 'ctl2.sock'));
  const fallback = await ControlServer.listenFirst(app, [inState!, inTmp!]);
  expect(fallback.path).toBe(inTmp);
  const client = await ControlClient.open(fallback.path);
  expect((await client.call('lab.get', {})).settings.lab).toBe('ctl');
  client.close();
  await fallback.close();
});
