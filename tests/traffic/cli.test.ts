import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import type { TrafficSummary } from '../../core/traffic';
import { runCleanups, startServer } from './helpers';

/** `upstream-lab load ...` as a real child process. */

afterEach(runCleanups);

const BIN = fileURLToPath(new URL('../../bin/upstream-lab.mjs', import.meta.url));

function runCli(
  args: string[],
  onStderr: (text: string, child: ChildProcess) => void = () => {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'load', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function jsonBackend(): Promise<string> {
  const server = await startServer((req, res, index) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      JSON.stringify({
        backend: `backend${(index % 2) + 1}`,
        method: req.method,
        header: req.headers['x-lab'],
      }),
    );
  });
  return server.url;
}

test('prints a live line each second on stderr and the summary on stdout', { timeout: 20_000 }, async () => {
  const url = await jsonBackend();
  const { code, stdout, stderr } = await runCli([url, '--rate', '200', '--duration', '2s']);

  expect(code).toBe(0);
  const live = stderr.trim().split('\n');
  expect(live).toHaveLength(2);
  expect(live[0]).toMatch(
    /^\[ 1s\] [\d,]+ req\/s {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms {2}ok [\d,]+ {2}failed 0$/,
  );
  expect(stdout).toMatch(/Summary: GET http:\/\/127\.0\.0\.1:\d+\/ \(open loop, 200 req\/s target\)/);
  expect(stdout).toMatch(/Success rate {2}100\.00 %/);
  expect(stdout).toMatch(/corrected +[\d.]+/);
  expect(stdout).toMatch(/Latency histogram/);
  expect(stdout).toMatch(/\[200\] [\d,]+/);
  expect(stdout).toMatch(/backend1 +[\d,]+ +50\.0 %/);
});

test(
  '--json: the summary as JSON on stdout, with method, headers and body sent',
  { timeout: 20_000 },
  async () => {
    const url = await jsonBackend();
    const { code, stdout } = await runCli([
      url,
      '-c',
      '4',
      '-d',
      '500ms',
      '--method',
      'POST',
      '--header',
      'X-Lab: yes',
      '--body',
      'hello',
      '--json',
    ]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as TrafficSummary;
    expect(summary).toMatchObject({
      mode: 'closed',
      concurrency: 4,
      method: 'POST',
      failed: 0,
      successRate: 1,
    });
    expect(summary.completed).toBeGreaterThan(20);
    expect(summary.latencyMs).toMatchObject({
      p50: expect.any(Number),
      p90: expect.any(Number),
      p95: expect.any(Number),
      p99: expect.any(Number),
      max: expect.any(Number),
    });
    expect(summary.statuses).toEqual({ '200': summary.completed });
    expect(Object.keys(summary.perBackend).sort()).toEqual(['backend1', 'backend2']);
    expect(summary.histogram.length).toBeGreaterThan(0);
  },
);

test('failed requests are reported, exit code 0', async () => {
  const server = await startServer((_req, res) => {
    res.statusCode = 503;
    res.end();
  });
  const { code, stdout } = await runCli([server.url, '-c', '1', '-d', '300ms']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/Success rate {2}0\.00 %/);
  expect(stdout).toMatch(/\[503\] [\d,]+/);
});

test('--duration 0 runs until Ctrl+C, then prints the summary and exits 0', async () => {
  const url = await jsonBackend();
  let interrupted = false;
  const { code, stdout } = await runCli([url, '-r', '100', '-d', '0'], (stderr, child) => {
    if (stderr.includes('[ 1s]') && !interrupted) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  expect(code).toBe(0);
  expect(stdout).toMatch(/Summary: GET .*open loop, 100 req\/s target/);
  expect(stdout).toMatch(/Elapsed {7}1\.\d\d s/);
});

test.each([
  [['http://127.0.0.1:1/'], /exactly one of --rate N .* or --concurrency N/],
  [['http://127.0.0.1:1/', '-r', '10', '-c', '2'], /exactly one of --rate/],
  [['https://example.com/', '-r', '10'], /only http:\/\/ URLs/],
  [['not a url', '-r', '10'], /is not a URL/],
  [['http://127.0.0.1:1/', '-r', 'fast'], /--rate wants a number/],
  [['http://127.0.0.1:1/', '-c', '2.5'], /concurrency must be a whole number/],
  [['http://127.0.0.1:1/', '-c', '2', '-d', '30 minutes'], /is not a duration/],
  [['http://127.0.0.1:1/', '-c', '2', '-H', 'no colon'], /is not "Name: value"/],
  [['http://127.0.0.1:1/', '-c', '2', '--bogus'], /unknown option/],
  [[], /missing required argument 'url'/],
])('bad arguments %j: exit 2 with a message', async (args, message) => {
  const { code, stdout, stderr } = await runCli(args);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(stdout).toBe('');
});
