import type { BackendMode, Letter, ResetRule } from './backends';
import type { Expectation } from './expectations';
import type { Observation } from './observation';

/**
 * The scenario DSL. A scenario is an upstream block, a few extra directives and a list of steps;
 * it runs the same way against any ProxyTarget (see run-scenario.ts).
 */
export interface Scenario {
  name: string;
  /** Body of `upstream backend { … }`; `{A}`…`{D}` become the backends' `127.0.0.1:PORT`. */
  upstream: string;
  /** Extra directives appended inside `location /` (after the standard ones). */
  location?: string;
  /** Extra directives inside `server { … }`. */
  server?: string;
  /** Extra directives inside `http { … }`. */
  http?: string;
  /** proxy_read_timeout (default `1s`, as in §10 Setup). */
  readTimeout?: string;
  /** Initial backend modes (default `ok`). */
  modes?: Partial<Record<Letter, BackendMode>>;
  resetRules?: Partial<Record<Letter, ResetRule>>;
  /** Fixed backend ports, for results that depend on the address text (consistent hash). */
  fixedPorts?: Partial<Record<Letter, number>>;
  steps: Step[];
  /** For non-deterministic balancers: a check over all observations; returns a failure or undefined. */
  property?: (observations: RecordedObservation[]) => string | undefined;
  /** Test timeout; default 30 s. */
  timeoutMs?: number;
}

export type Step =
  | RequestStep
  | { kind: 'setMode'; letter: Letter; mode: BackendMode }
  | { kind: 'setResetRule'; letter: Letter; rule: ResetRule | undefined }
  | { kind: 'sleep'; ms: number }
  /** Branches run concurrently, the steps of each in order; done when all are done. */
  | { kind: 'parallel'; branches: Step[][] };

export interface RequestOptions {
  method?: string;
  /** Request target, sent as written (default `/`). */
  path?: string;
  httpVersion?: '1.0' | '1.1';
  /** The exact header list; default `Host: localhost` and `Connection: close`. */
  headers?: Array<[string, string]>;
  body?: string;
  /** Send the body with `Transfer-Encoding: chunked` (one chunk) instead of Content-Length. */
  chunked?: boolean;
  /** Client source address, e.g. `127.0.3.1` (ip_hash keys on the first three octets). */
  localAddress?: string;
  /** Complete request bytes; overrides everything above. */
  raw?: string;
}

export interface RequestStep extends RequestOptions {
  kind: 'request';
  expect?: Expectation;
}

export interface RecordedObservation {
  /** 1-based number of the request step, counted depth-first through the scenario. */
  index: number;
  label: string;
  expect?: Expectation;
  obs: Observation;
}

// ---- builders ----

export const request = (options: RequestOptions, expect?: Expectation): RequestStep => ({
  kind: 'request',
  ...options,
  ...(expect === undefined ? {} : { expect }),
});
export const get = (expect?: Expectation, options: RequestOptions = {}): RequestStep =>
  request({ ...options, method: 'GET' }, expect);
export const post = (expect?: Expectation, options: RequestOptions = {}): RequestStep =>
  request({ body: 'hello', ...options, method: 'POST' }, expect);
export const put = (expect?: Expectation, options: RequestOptions = {}): RequestStep =>
  request({ body: 'hello', ...options, method: 'PUT' }, expect);
/** One GET per expectation. */
export const gets = (...expects: Expectation[]): RequestStep[] => expects.map((e) => get(e));
/** One GET per space-separated token: `seq('A A B')`. */
export const seq = (tokens: string): RequestStep[] => gets(...tokens.trim().split(/\s+/));
export const repeat = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));
export const setMode = (letter: Letter, mode: BackendMode): Step => ({ kind: 'setMode', letter, mode });
export const setResetRule = (letter: Letter, rule: ResetRule | undefined): Step => ({
  kind: 'setResetRule',
  letter,
  rule,
});
export const sleep = (ms: number): Step => ({ kind: 'sleep', ms });
export const parallel = (...branches: Step[][]): Step => ({ kind: 'parallel', branches });

// ---- rendering ----

/** The standard config of §10 Setup, with the scenario's directives. */
export function renderConfig(
  scenario: Scenario,
  listenPort: number,
  addressOf: (letter: Letter) => string,
): string {
  const fill = (text = ''): string => text.replace(/\{([A-D])\}/g, (_, letter: Letter) => addressOf(letter));
  const indent = (text: string | undefined, spaces: number): string =>
    fill(text)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => `${' '.repeat(spaces)}${line}\n`)
      .join('');
  return (
    'worker_processes 1;\n' +
    'events {\n    worker_connections 1024;\n}\n' +
    'http {\n' +
    indent(scenario.http, 4) +
    '    upstream backend {\n' +
    indent(scenario.upstream, 8) +
    '    }\n' +
    '    server {\n' +
    `        listen 127.0.0.1:${listenPort};\n` +
    '        server_name localhost;\n' +
    indent(scenario.server, 8) +
    '        location / {\n' +
    '            proxy_pass http://backend;\n' +
    '            proxy_connect_timeout 1s;\n' +
    `            proxy_read_timeout ${scenario.readTimeout ?? '1s'};\n` +
    '            proxy_send_timeout 1s;\n' +
    '            add_header X-Up-Addr $upstream_addr always;\n' +
    '            add_header X-Up-Status $upstream_status always;\n' +
    indent(scenario.location, 12) +
    '        }\n' +
    '    }\n' +
    '}\n'
  );
}

/** The request bytes for a step. */
export function renderRequest(step: RequestOptions): string {
  if (step.raw !== undefined) return step.raw;
  const method = step.method ?? 'GET';
  const headers: Array<[string, string]> = [
    ...(step.headers ?? [
      ['Host', 'localhost'],
      ['Connection', 'close'],
    ]),
  ];
  const has = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name);
  let body = '';
  if (step.body !== undefined) {
    if (step.chunked) {
      if (!has('transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
      const size = Buffer.byteLength(step.body).toString(16);
      body = step.body === '' ? '0\r\n\r\n' : `${size}\r\n${step.body}\r\n0\r\n\r\n`;
    } else {
      if (!has('content-length')) headers.push(['Content-Length', String(Buffer.byteLength(step.body))]);
      body = step.body;
    }
  }
  const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `${method} ${step.path ?? '/'} HTTP/${step.httpVersion ?? '1.1'}\r\n${head}\r\n${body}`;
}

/** `#3 POST /?k=1 from 127.0.2.1` */
export function describeRequest(index: number, step: RequestStep): string {
  if (step.raw !== undefined) return `#${index} ${JSON.stringify(step.raw.split('\r\n')[0])}`;
  const from = step.localAddress ? ` from ${step.localAddress}` : '';
  return `#${index} ${step.method ?? 'GET'} ${step.path ?? '/'}${from}`;
}
