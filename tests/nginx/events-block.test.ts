import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../core/nginx/errors';
import { FILE, parse, parseError } from './support/parse-helpers';

const withEvents = (events: string): string =>
  `${events}\nhttp {\n    upstream b { server 127.0.0.1:9001; }\n    server { listen 8080; location / { proxy_pass http://b; } }\n}\n`;

/** Issue 13, item 3: `events {}` is what nginx needs, not a directive the lab ignores. */
describe('the events block', () => {
  test('an empty events {} gives no warning', () => {
    expect(parse(withEvents('events {}')).warnings).toStrictEqual([]);
    expect(parse(withEvents('events {\n}')).warnings).toStrictEqual([]);
  });

  test('the directives inside a non-empty one are each reported, the block itself is not', () => {
    const text = withEvents(
      'events {\n    worker_connections 1024;\n    use epoll;\n    accept_mutex on;\n}',
    );
    expect(parse(text).warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:2:5: ignored directive "worker_connections" (no effect on balancing)`,
      `${FILE}:3:5: ignored directive "use" (no effect on balancing)`,
      expect.stringMatching(new RegExp(`^${FILE}:4:5: ignored directive "accept_mutex"`)),
    ]);
  });

  test('still needed, still once, still a block', () => {
    expect(parse(withEvents('')).warnings.map(formatDiagnostic)).toStrictEqual([
      `${FILE}:1:1: no "events" section in configuration (nginx refuses to start without one)`,
    ]);
    expect(parseError(withEvents('events {}\nevents {}'))).toBe(
      `${FILE}:2:1: "events" directive is duplicate`,
    );
    expect(parseError(withEvents('events;'))).toMatch(/directive "events" has no opening "\{"/);
  });
});
