import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ComposeError, loadCompose } from '../../core/compose';
import { COURSE_COMPOSE_MERGED, COURSE_FILES } from './support/course';
import { projectDir } from './support/project';

const dir = projectDir({ ...COURSE_FILES, '.env': 'DB_NAME=shop\n' });

/** Loads `text`; anything but a project or a ComposeError (a TypeError...) fails the test. */
async function outcome(text: string): Promise<'loaded' | 'refused'> {
  writeFileSync(join(dir, 'compose.yaml'), text);
  try {
    await loadCompose({ dir, env: {} });
    return 'loaded';
  } catch (error) {
    if (error instanceof ComposeError) return 'refused';
    throw new Error(`${JSON.stringify(text)} crashed the loader`, { cause: error });
  }
}

describe('no input crashes the loader', () => {
  test.each([
    'services: {__proto__: {image: x}, constructor: {image: y, depends_on: [__proto__]}}\nvolumes: {toString: {}}\n',
    'services:\n  web:\n    image: x\n    environment: [constructor, hasOwnProperty, __proto__=1]\n    volumes: [toString:/x]\n',
    'services: {web: {image: x, ports: [{target: 80, published: {}}], expose: [{}]}}\n',
    'services: {web: {image: x, ports: ["::", ":", "/", "1-", "-1", "0", "65536", "80:80:80:80"]}}\n',
    'services: {web: {image: x, volumes: [":", "::", "a::b", "", {type: volume}]}}\n',
    'services: {web: {image: x, healthcheck: {test: [], interval: "", retries: -1}}}\n',
    'services: {web: {image: x, env_file: [{path: ""}], environment: {"": x}}}\n',
    'services: {web: {image: x, command: "", entrypoint: [], depends_on: {}}}\n',
    'services: {web: {image: x, build: {}, deploy: {replicas: "many"}}}\n',
    'services: {web: {image: x, depends_on: {web: {condition: service_started}}}}\n',
    'x-a: &a\n  <<: *a\nservices: {}\n',
    '&a [*a]\n',
    'services: !!map {web: !!str {image: x}}\n',
    '%YAML 1.1\n---\nservices: {web: {image: x}}\n',
    'services: {web: {image: x}}\n---\nservices: {}\n',
    '"\\u0000": 1\n',
    'services:\n\tweb: {}\n',
    '\uFEFFservices: {web: {image: x}}\n',
    'name: ""\nservices: {}\n',
    `services: {web: {image: "${'$'.repeat(3)}{A"}}}\n`,
    'services: {web: {image: x, ports: [1e400, 80.5, -1, 0x50]}}\n',
    'services: {web: {image: x, environment: {A: .inf, B: 12345678901234567890}}}\n',
    `${'a: &a [x, x]\n'}b: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\ne: [*d, *d, *d, *d]\n`,
  ])('%j', async (text) => {
    await expect(outcome(text)).resolves.toMatch(/^(loaded|refused)$/);
  });

  test('a "billion laughs" of aliases is refused, quickly', async () => {
    let text = 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 9; i++)
      text += `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    await expect(outcome(`${text}services: {web: {image: x, command: *l8}}\n`)).resolves.toBe('refused');
  });

  test('every prefix and every one-character corruption of the course file', async () => {
    const text = COURSE_COMPOSE_MERGED;
    const outcomes = new Set<string>();
    for (let end = 0; end <= text.length; end += 7) outcomes.add(await outcome(text.slice(0, end)));
    for (let at = 0; at < text.length; at += 11) {
      for (const replacement of [':', '-', '$', '{', '"', ' ', '\n']) {
        outcomes.add(await outcome(text.slice(0, at) + replacement + text.slice(at + 1)));
      }
    }
    expect(outcomes).toEqual(new Set(['loaded', 'refused']));
  }, 60_000);
});
