import { describe, expect, test } from 'vitest';
import { ComposeError, loadCompose } from '../../core/compose';
import { loadError, projectDir } from './support/project';

const web = (body: string): string => `services:\n  web:\n    image: nginx\n${body}`;

describe('refused compose files report FILE:LINE:COL: reason', () => {
  test.each([
    // The schema: an unknown key is pointed at by its key, a wrong type by its value.
    [
      'an unknown service key',
      'services:\n  web:\n    imagee: nginx\n',
      '3:5: services.web: additional property "imagee" is not allowed (did you mean "image"?)',
    ],
    [
      'an unknown top-level key',
      'version: "3.8"\nservics:\n  web:\n    image: nginx\n',
      '2:1: additional property "servics" is not allowed at the top level (did you mean "services"?)',
    ],
    ['ports as a mapping', web('    ports: {a: 1}\n'), '4:12: services.web.ports: must be a list'],
    [
      'depends_on as a number',
      web('    depends_on: 3\n'),
      '4:17: services.web.depends_on: must be a list or a mapping',
    ],
    [
      'a port as a boolean',
      web('    ports: [true]\n'),
      '4:13: services.web.ports[0]: must be a number, a string or a mapping',
    ],
    ['an empty service', 'services:\n  web:\n', '2:3: services.web: must be a mapping'],
    [
      'a service name with a space',
      'services:\n  "my web":\n    image: nginx\n',
      '2:3: services: "my web" is not a valid name (letters, digits, ".", "_" and "-" only)',
    ],
    ['a list at the top', '- web\n', '1:1: the file must be a mapping'],
    [
      'a wrong depends_on condition',
      web('    depends_on:\n      db: {condition: started}\n  db:\n    image: postgres\n'),
      '5:23: services.web.depends_on.db.condition: must be one of "service_started", "service_healthy", "service_completed_successfully"',
    ],
    [
      'a long volume without its type',
      web('    volumes:\n      - source: ./data\n        target: /data\n'),
      '5:9: services.web.volumes[0]: missing required key "type"',
    ],
    [
      'a duplicate port',
      web('    ports: ["80:80", "80:80"]\n'),
      '4:22: services.web.ports[1]: the same as services.web.ports[0]',
    ],
    // YAML itself.
    [
      'a YAML syntax error',
      web('      build: .\n'),
      '3:12: Nested mappings are not allowed in compact mappings',
    ],
    [
      'an unclosed flow list',
      'services:\n  web: [\n',
      '3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a duplicate key',
      'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n    image: httpd\n',
      '5:5: mapping key "image" already defined at line 3',
    ],
    [
      'a duplicate service',
      'services:\n  web: {image: a}\n  web: {image: b}\n',
      '3:3: mapping key "web" already defined at line 2',
    ],
    [
      'an alias inside its anchor',
      'x-loop: &loop [*loop]\nservices: {}\n',
      '1:16: the alias is inside its own anchor',
    ],
    [
      'a merge of a scalar',
      'services:\n  web:\n    <<: nginx\n',
      '3:5: a "<<" merge key takes a mapping or a list of mappings',
    ],
    ['an empty file', '# nothing yet\n', '1:1: the compose file is empty'],
    // What the schema cannot see.
    [
      'an undeclared named volume',
      'services:\n  db:\n    image: postgres\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n',
      '5:9: services.db.volumes[0]: service "db" refers to undefined volume pgdata',
    ],
    [
      'depends_on a missing service',
      'services:\n  nginx:\n    image: nginx\n    depends_on: [backend1, backend4]\n  backend1:\n    image: app\n',
      '4:28: service "nginx" depends on undefined service "backend4"',
    ],
    [
      'a dependency cycle',
      'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: {a: {condition: service_healthy}}}\n',
      '3:30: dependency cycle detected: a -> b -> a',
    ],
    [
      'a port out of range',
      web('    ports: ["8080:80", "80:70000"]\n'),
      '4:24: services.web.ports[1]: "70000" is not a port: a port is a number from 1 to 65535, or a range of them',
    ],
    [
      'a port that is not a number',
      web('    ports:\n      - target: http\n'),
      '5:9: services.web.ports[0]: "http" is not a port: a port is a number from 1 to 65535, or a range of them',
    ],
    [
      'port ranges of different lengths',
      web('    ports: ["8000-8002:80-81"]\n'),
      '4:13: services.web.ports[0]: the host ports 8000-8002 and container ports 80-81 are ranges of different lengths',
    ],
    [
      'sctp',
      web('    ports: ["80/sctp"]\n'),
      '4:13: services.web.ports[0]: protocol "sctp" is not supported: use tcp or udp',
    ],
    [
      'a bind without a source',
      web('    volumes: [{type: bind, target: /x}]\n'),
      '4:15: services.web.volumes[0]: a bind mount needs a "source"',
    ],
    [
      'an unknown volume mode',
      web('    volumes: ["./a:/b:rx"]\n'),
      '4:15: services.web.volumes[0]: unknown volume option "rx" in "./a:/b:rx"',
    ],
    [
      'a relative mount point',
      web('    volumes: ["./a:b"]\n'),
      '4:15: services.web.volumes[0]: the mount point "b" is not an absolute path',
    ],
    [
      'a healthcheck test of an unknown kind',
      web('    healthcheck: {test: [CMDD, x]}\n'),
      '4:25: services.web.healthcheck.test: a test list starts with CMD (then the command and its arguments), CMD-SHELL (then one command) or NONE',
    ],
    [
      'a duration without a unit',
      web('    healthcheck: {test: "true", interval: "10"}\n'),
      '4:43: services.web.healthcheck.interval: "10" is not a duration (like 1m30s, 10s, 500ms)',
    ],
    [
      'an unknown restart policy',
      web('    restart: sometimes\n'),
      '4:14: services.web.restart: "sometimes" is not a restart policy (no, always, on-failure[:N], unless-stopped)',
    ],
    [
      'a command that does not split',
      web('    command: sh -c "echo\n'),
      '4:14: services.web.command: cannot split "sh -c \\"echo" into words: Got EOF while in a quoted string',
    ],
    [
      'replicas and scale that disagree',
      web('    deploy: {replicas: 2}\n    scale: 3\n'),
      '5:12: services.web.scale: 3 differs from deploy.replicas (2); set one of them',
    ],
    [
      'a container name Docker refuses',
      web('    container_name: -web\n'),
      '4:21: services.web.container_name: invalid container name "-web": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
    ],
    [
      'an invalid project name',
      'name: My Shop\nservices: {}\n',
      '1:7: name: "My Shop" is not a valid project name: it must contain only characters from [a-z0-9_-] and start with [a-z0-9]',
    ],
    [
      'a required env file that is missing',
      web('    env_file: [{path: ./missing.env}]\n'),
      '4:16: services.web.env_file[0]: env file DIR/missing.env not found',
    ],
    [
      'a remote build context',
      'services:\n  web:\n    build: https://github.com/x/y.git\n',
      '3:12: services.web.build: https://github.com/x/y.git is a remote build context: upstream-lab builds from a folder',
    ],
  ])('%s', async (_, compose, expected) => {
    expect(await loadError(compose)).toBe(`DIR/compose.yaml:${expected}`);
  });

  test('the first schema problem in document order, with the count of the others and each of them', async () => {
    const compose = 'services:\n  web:\n    ports: {a: 1}\n    imagee: nginx\n    depends_on: 3\n';
    const dir = projectDir({ 'compose.yaml': compose });
    const error = await loadCompose({ dir, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeError);
    const { message, line, col, reason, more } = error as ComposeError;
    expect(message.replaceAll(dir, 'DIR')).toBe(
      'DIR/compose.yaml:3:12: services.web.ports: must be a list (and 2 more problems)',
    );
    expect([line, col, reason]).toEqual([3, 12, 'services.web.ports: must be a list (and 2 more problems)']);
    expect(more.map((m) => m.replaceAll(dir, 'DIR'))).toEqual([
      'DIR/compose.yaml:4:5: services.web: additional property "imagee" is not allowed (did you mean "image"?)',
      'DIR/compose.yaml:5:17: services.web.depends_on: must be a list or a mapping',
    ]);
  });

  test('an env file of a service reports its own FILE:LINE:COL', async () => {
    expect(await loadError(web('    env_file: app.env\n'), { 'app.env': 'A=1\nB: 2\n' })).toBe(
      'DIR/app.env:2:2: expected "=" after B, found ":" (a line reads KEY=VALUE)',
    );
  });

  test('a bad .env fails before the compose file is read', async () => {
    expect(await loadError(web(''), { '.env': '\n\nexport TOKEN\n' })).toBe(
      'DIR/.env:3:13: expected "=" after TOKEN (a line reads KEY=VALUE)',
    );
  });
});
