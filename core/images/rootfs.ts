import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { OfflineImageError, run } from './process';

export interface RootfsHost {
  /** For tests; default process.platform, process.getuid() and a PATH lookup of debootstrap. */
  platform?: NodeJS.Platform;
  uid?: number;
  debootstrap?: string | null;
}

/** Why a root file system cannot be made here, or undefined when it can. */
export function rootfsBlocker(host: RootfsHost = {}): string | undefined {
  const platform = host.platform ?? process.platform;
  if (platform !== 'linux') {
    return (
      `Offline images are built with debootstrap, which needs Linux (this is ${platform}). ` +
      'On a Linux machine run `upstream-lab base-image --all`, then `docker save` the images and ' +
      '`upstream-lab load-image` the archive here; or use a registry mirror instead.'
    );
  }
  const debootstrap = host.debootstrap === undefined ? findDebootstrap() : host.debootstrap;
  if (!debootstrap)
    return 'debootstrap is not installed: `sudo apt-get install debootstrap` (Debian/Ubuntu).';
  const uid = host.uid ?? process.getuid?.() ?? 0;
  if (uid !== 0) return 'debootstrap must run as root: run this as root (e.g. with sudo).';
  return undefined;
}

export interface RootfsOptions {
  suite: string;
  /** debootstrap --include. */
  include: string[];
  /** Installed afterwards with apt-get inside the tree (services are kept from starting). */
  install: string[];
  /** A Debian mirror, e.g. http://deb.debian.org/debian (debootstrap's default). */
  debianMirror?: string;
  workDir?: string;
  log: (line: string) => void;
  signal?: AbortSignal;
}

const NO_SERVICES = '#!/bin/sh\n# upstream-lab: nothing starts while the image is assembled\nexit 101\n';

/**
 * A Debian root file system in a new temporary folder: debootstrap --variant=minbase, then the
 * extra packages through apt inside it, with services kept from starting and no PostgreSQL
 * cluster created by the package scripts. The network is needed here, and only here.
 */
export async function makeRootfs(options: RootfsOptions): Promise<string> {
  const root = await mkdtemp(join(options.workDir ?? tmpdir(), 'upstream-lab-rootfs-'));
  try {
    const include = options.include.length > 0 ? [`--include=${options.include.join(',')}`] : [];
    const args = ['--variant=minbase', ...include, options.suite, root];
    if (options.debianMirror) args.push(options.debianMirror);
    options.log(`debootstrap ${args.join(' ')}`);
    await run(findDebootstrap() ?? 'debootstrap', args, options.log, signalOf(options));
    await writeExecutable(join(root, 'usr/sbin/policy-rc.d'), NO_SERVICES);
    await writeText(
      join(root, 'etc/postgresql-common/createcluster.d/upstream-lab.conf'),
      'create_main_cluster = false\n',
    );
    if (existsSync('/etc/resolv.conf')) await copyFile('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
    if (options.install.length > 0) {
      await inRoot(root, ['apt-get', 'update', '-q'], options);
      await inRoot(
        root,
        ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...options.install],
        options,
      );
    }
    return root;
  } catch (error) {
    await removeRootfs(root);
    throw error;
  }
}

/** A command inside the tree (chroot), non-interactive. */
export function inRoot(
  root: string,
  command: string[],
  options: Pick<RootfsOptions, 'log' | 'signal'>,
): Promise<void> {
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8' };
  return run('chroot', [root, ...command], options.log, { ...signalOf(options), env });
}

/** What the tree must not keep: the host's resolver, apt's caches, the service blocker. */
export async function tidyRootfs(root: string): Promise<void> {
  await rm(join(root, 'usr/sbin/policy-rc.d'), { force: true });
  await writeFile(join(root, 'etc/resolv.conf'), '');
  for (const cache of ['pkgcache.bin', 'srcpkgcache.bin'])
    await rm(join(root, 'var/cache/apt', cache), { force: true });
  await emptyFolder(join(root, 'var/cache/apt/archives'));
  // Debian marks its Python as externally managed; inside an image pip may install freely.
  for (const dir of await readdir(join(root, 'usr/lib')).catch(() => [])) {
    if (/^python3/.test(dir)) await rm(join(root, 'usr/lib', dir, 'EXTERNALLY-MANAGED'), { force: true });
  }
}

/** debootstrap may leave /proc or /sys mounted inside the tree when it fails: never rm through a mount. */
export async function removeRootfs(root: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === root || point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run('umount', ['-l', point], () => {}).catch(() => {});
  if (mounts.length > 0) {
    const still = (await readFile('/proc/mounts', 'utf8')).includes(` ${root}/`);
    if (still)
      throw new OfflineImageError(`${root} still has mounts; remove it by hand after unmounting them.`);
  }
  await rm(root, { recursive: true, force: true });
}

/** Deletes the files in a folder, keeping its sub-folders (apt expects `partial/`). */
export async function emptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries)
    if (!entry.isDirectory() && entry.name !== 'lock') await rm(join(dir, entry.name), { force: true });
}

export async function writeText(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { mode });
}

const writeExecutable = (path: string, text: string): Promise<void> => writeText(path, text, 0o755);

const signalOf = (options: { signal?: AbortSignal }): { signal?: AbortSignal } =>
  options.signal ? { signal: options.signal } : {};

function findDebootstrap(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.map((dir) => join(dir, 'debootstrap')).find((path) => existsSync(path));
}
