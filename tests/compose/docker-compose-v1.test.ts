import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadCompose } from '../../core/compose';
import { findExecutable, requires } from '../support/prerequisites';
import { COURSE_COMPOSE_MERGED, COURSE_FILES } from './support/course';
import { dockerComposeV1, ours } from './support/docker-compose-v1';
import { projectDir } from './support/project';

interface Case {
  name: string;
  files: Record<string, string>;
  env: Record<string, string>;
}

/*
 * Only what v1 and the Compose Specification agree on. Where they differ the loader follows the
 * spec, and these files avoid it: v1 has no ${X:+alt}/${X+alt} and no nested defaults
 * (`${A:-${B}}` leaves a literal "}"), refuses booleans in an environment map, takes duplicate
 * keys (the last wins), has no long env_file form (`required: false`), reads YAML 1.1 (`8080:80` unquoted is a base-60 number), keeps an unset
 * bare variable as null where the spec leaves it out, and ignores profiles in `config`.
 */
const CASES: Case[] = [
  {
    name: 'the course file, merged from an anchor, with .env and the process environment',
    files: {
      'compose.yaml': COURSE_COMPOSE_MERGED,
      ...COURSE_FILES,
      '.env': 'DB_NAME=shop\nDB_HOST=from-dotenv\n',
    },
    env: { DB_HOST: 'from-shell', DJANGO_DEBUG: '0' },
  },
  {
    name: 'interpolation forms in image, command and environment',
    files: {
      'compose.yaml': `services:
  web:
    image: "\${REGISTRY-docker.io}/library/nginx:\${TAG:-alpine}"
    command: sh -c "echo $$HOME \${GREETING:-hi} && exec nginx -g 'daemon off;'"
    entrypoint: ["/entrypoint.sh", "$SET", "\${EMPTY-was empty}", "\${EMPTY:-unset or empty}", "\${SET:?needed}"]
    environment:
      PRICE: $$5
      JSON: '{"a": "\${SET}"}'
      NUMBER: 8080
      RATIO: 1.50
      BARE:
      NOT_SET:
`,
      '.env': 'TAG=1.27\nSET="from .env"\nEMPTY=\n',
    },
    env: { BARE: 'from-shell' },
  },
  {
    name: 'env_file and environment (list and map), .env syntax',
    files: {
      'compose.yaml': `services:
  api:
    image: app
    env_file: [defaults.env, override.env]
    environment:
      - FROM_LIST=list
      - OVERRIDDEN=by environment
      - EMPTY=
      - BARE
  worker:
    image: app
    env_file: defaults.env
    environment: {PLAIN: $PLAIN, SINGLE: $SINGLE, DOUBLE: $DOUBLE, EXPORTED: $EXPORTED, REF: $REF}
`,
      'defaults.env':
        '# defaults\nOVERRIDDEN=defaults\nA=1\nQUOTED="two words"\nexport EXPORTED_TOO=e # comment\n',
      'override.env': "A=2\nLITERAL='$$HOME stays'\n",
      '.env':
        'export EXPORTED=yes\nPLAIN= spaced value  # comment\nHASH=a#b\nSINGLE=\'$HOME literal\'\nDOUBLE="line\\nbreak \\"quoted\\"\\ttab"\nREF=${PLAIN}-ref\n',
    },
    env: { BARE: 'bare-from-shell' },
  },
  {
    name: 'ports short and long, depends_on short and long',
    files: {
      'compose.yaml': `services:
  web:
    image: nginx
    ports:
      - 80
      - "8080:8080"
      - "127.0.0.1:8081:81"
      - "8082:82/udp"
      - "9000-9001:7000-7001"
      - "5000-5001"
      - "\${HOST_PORT:-8443}:443"
      - {target: 90, published: 9090, protocol: udp}
    depends_on: [db]
  worker:
    image: app
    depends_on:
      db: {condition: service_healthy}
      web: {condition: service_started}
  db:
    image: postgres
`,
    },
    env: { HOST_PORT: '9443' },
  },
];

const binary = findExecutable('docker-compose', ['/usr/bin/docker-compose']);
if (
  requires('docker-compose v1', binary !== undefined, 'install it (Debian: apt-get install docker-compose)')
) {
  describe('the same files as docker-compose v1 reads them', () => {
    test.each(CASES)('$name', async ({ files, env }) => {
      const dir = projectDir(files);
      const project = await loadCompose({ dir, env });
      const theirs = await dockerComposeV1(binary ?? 'docker-compose', dir, join(dir, 'compose.yaml'), env);
      expect(ours(project)).toEqual(theirs);
    });
  });
}
