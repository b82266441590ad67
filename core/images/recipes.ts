import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resourcePath } from '../paths';

export type Suite = 'bookworm' | 'trixie';
export type OfflineKind = 'python' | 'postgres' | 'nginx';

/** An image made from Debian packages, needing no registry: a Python base or a service's stand-in. */
export interface OfflineRecipe {
  kind: OfflineKind;
  tag: string;
  /** What it is, for the user: `Python 3.13 (Debian trixie)`. */
  title: string;
  suite: Suite;
  /** debootstrap --include. */
  include: string[];
  /** apt-get install inside the tree afterwards. */
  install: string[];
  /** Downloaded into the image's own apt repository: installable later without any network. */
  offlineRepo: string[];
  files: Array<{ path: string; mode: number; text: string }>;
  /** Paths in the tree emptied before import. */
  empty: string[];
  /** Commands run inside the tree after the files are written. */
  commands: string[][];
  /** `docker import` changes (ENV, CMD, ENTRYPOINT, EXPOSE, VOLUME, WORKDIR). */
  changes: string[];
}

/** Bumped when the way images are assembled changes, so images built the old way are rebuilt. */
const ASSEMBLY_REVISION = 1;

export const PYTHON_OF_SUITE: Record<Suite, string> = { bookworm: '3.11', trixie: '3.13' };

export const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Stands in for postgres:* — the newest PostgreSQL of trixie, with the postgres image's entrypoint. */
export function postgresRecipe(): OfflineRecipe {
  return {
    kind: 'postgres',
    tag: 'upstream-lab/postgres:17-trixie',
    title: 'PostgreSQL 17 (Debian trixie)',
    suite: 'trixie',
    include: [],
    install: ['postgresql'],
    offlineRepo: [],
    files: [
      {
        path: 'usr/local/bin/docker-entrypoint.sh',
        mode: 0o755,
        text: readFileSync(resourcePath('offline', 'postgres-entrypoint.sh'), 'utf8'),
      },
      { path: 'docker-entrypoint-initdb.d/.keep', mode: 0o644, text: '' },
    ],
    empty: ['var/lib/postgresql', 'etc/postgresql'],
    commands: [
      ['sh', '-c', 'mkdir -p /var/lib/postgresql/data && chown -R postgres:postgres /var/lib/postgresql'],
      // postgres, initdb and pg_ctl on PATH, as in the postgres image.
      [
        'sh',
        '-c',
        'for f in /usr/lib/postgresql/*/bin/*; do [ -e "/usr/bin/${f##*/}" ] || ln -s "$f" /usr/local/bin/; done',
      ],
    ],
    changes: [
      PATH_ENV,
      'ENV LANG=C.UTF-8',
      'ENV PGDATA=/var/lib/postgresql/data',
      'VOLUME /var/lib/postgresql/data',
      'EXPOSE 5432',
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      'CMD ["postgres"]',
    ],
  };
}

/** Stands in for nginx:* — bookworm's nginx-light (1.22, the version the balancer is checked against). */
export function nginxRecipe(): OfflineRecipe {
  return {
    kind: 'nginx',
    tag: 'upstream-lab/nginx:1.22-bookworm',
    title: 'nginx 1.22 (Debian bookworm)',
    suite: 'bookworm',
    include: [],
    install: ['nginx-light'],
    offlineRepo: [],
    files: [
      {
        path: 'etc/nginx/conf.d/default.conf',
        mode: 0o644,
        text: readFileSync(resourcePath('offline', 'nginx-default.conf'), 'utf8'),
      },
      {
        path: 'usr/share/nginx/html/index.html',
        mode: 0o644,
        text: '<!doctype html><title>nginx</title><h1>nginx (Upstream Lab offline stand-in)</h1>\n',
      },
    ],
    empty: ['etc/nginx/sites-enabled'],
    commands: [
      // The nginx image runs its workers as `nginx`; confs written for it say `user nginx;`.
      ['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'nginx'],
      [
        'sh',
        '-c',
        'ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log',
      ],
    ],
    changes: [PATH_ENV, 'EXPOSE 80', 'CMD ["nginx", "-g", "daemon off;"]'],
  };
}

/** What the image is built from; an image carrying another fingerprint is built again. */
export function recipeFingerprint(recipe: OfflineRecipe): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ revision: ASSEMBLY_REVISION, ...recipe }));
  return hash.digest('hex').slice(0, 16);
}
