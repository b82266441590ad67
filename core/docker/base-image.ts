import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LineSplitter } from '../logs/lines';
import { OFFLINE_BASE_IMAGE } from './mirrors';

export class BaseImageError extends Error {
  override name = 'BaseImageError';
}

export interface BaseImageOptions {
  /** Default OFFLINE_BASE_IMAGE. */
  tag?: string;
  suite?: string;
  /** A Debian mirror for debootstrap, e.g. http://deb.debian.org/debian (its default). */
  debianMirror?: string;
  /** Where the root file system is assembled (default: the system temp folder). */
  workDir?: string;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** For tests; default process.platform, process.getuid() and PATH lookup. */
  platform?: NodeJS.Platform;
  uid?: number;
  debootstrap?: string | null;
}

const PACKAGES = ['python3', 'python3-pip', 'python-is-python3', 'python3-django'];
const IMAGE_CHANGES = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'ENV PYTHONUNBUFFERED=1',
  'CMD ["python3"]',
];

/** Builds the offline base image unless the engine already has it. */
export async function ensureBaseImage(
  docker: Docker,
  options: BaseImageOptions = {},
): Promise<{ built: boolean; tag: string }> {
  const tag = options.tag ?? OFFLINE_BASE_IMAGE;
  if (await imageExists(docker, tag)) return { built: false, tag };
  await buildBaseImage(docker, { ...options, tag });
  return { built: true, tag };
}

export async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Why the offline base image cannot be built here, or undefined when it can. */
export function baseImageBlocker(options: BaseImageOptions = {}): string | undefined {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') {
    return (
      `The offline base image is built with debootstrap, which needs Linux (this is ${platform}). ` +
      `On a Linux machine run \`docker save ${OFFLINE_BASE_IMAGE} -o python-django.tar\` and import ` +
      'that archive here, or use a registry mirror instead.'
    );
  }
  const debootstrap = options.debootstrap === undefined ? findDebootstrap() : options.debootstrap;
  if (!debootstrap)
    return 'debootstrap is not installed: `sudo apt-get install debootstrap` (Debian/Ubuntu).';
  const uid = options.uid ?? process.getuid?.() ?? 0;
  if (uid !== 0) return 'debootstrap must run as root: run this as root (e.g. with sudo).';
  return undefined;
}

/**
 * debootstrap --variant=minbase bookworm with python3, pip and Django, then `docker import` of
 * the tree (tar | POST /images/create?fromSrc=-). Takes about a minute with a nearby mirror.
 */
export async function buildBaseImage(docker: Docker, options: BaseImageOptions = {}): Promise<string> {
  const blocker = baseImageBlocker(options);
  if (blocker) throw new BaseImageError(blocker);
  const tag = options.tag ?? OFFLINE_BASE_IMAGE;
  const log = options.onLog ?? (() => {});
  const root = await mkdtemp(join(options.workDir ?? tmpdir(), 'upstream-lab-rootfs-'));
  try {
    const args = ['--variant=minbase', `--include=${PACKAGES.join(',')}`, options.suite ?? 'bookworm', root];
    if (options.debianMirror) args.push(options.debianMirror);
    log(`debootstrap ${args.join(' ')}`);
    await run(options.debootstrap || findDebootstrap() || 'debootstrap', args, log, options.signal);

    // Debian marks its Python as externally managed; inside an image pip may install freely.
    for (const dir of await readdir(join(root, 'usr', 'lib'))) {
      if (/^python3/.test(dir))
        await rm(join(root, 'usr', 'lib', dir, 'EXTERNALLY-MANAGED'), { force: true });
    }
    await emptyFolder(join(root, 'var', 'cache', 'apt', 'archives'));
    await emptyFolder(join(root, 'var', 'lib', 'apt', 'lists'));

    log(`importing ${root} as ${tag}`);
    const [repo, version] = splitTag(tag);
    const tar = spawn('tar', ['--numeric-owner', '-C', root, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tarDone = exitOf(tar, 'tar');
    const response = await docker.importImage(tar.stdout, { repo, tag: version, changes: IMAGE_CHANGES });
    const id = await followStatus(docker, response as Readable, log);
    await tarDone;
    log(`${tag} is ${id}`);
    return id;
  } finally {
    await removeRoot(root);
  }
}

/** Loads an archive made by `docker save`; returns the loaded image names (or IDs). */
export async function loadImageArchive(
  docker: Docker,
  file: string,
  onLog: (line: string) => void = () => {},
): Promise<string[]> {
  if (!existsSync(file)) throw new BaseImageError(`No such file: ${file}`);
  const loaded: string[] = [];
  try {
    const response = await docker.loadImage(createReadStream(file), { quiet: false });
    await followStatus(docker, response as Readable, (line) => {
      onLog(line);
      const match = /^Loaded image(?: ID)?: (\S+)/.exec(line);
      if (match?.[1]) loaded.push(match[1]);
    });
  } catch (error) {
    const e = error as { json?: { message?: string }; message: string };
    throw new BaseImageError(
      `${file} could not be loaded as an image archive (\`docker save\`): ${(e.json?.message ?? e.message).trim()}`,
    );
  }
  if (loaded.length === 0)
    throw new BaseImageError(`${file} loaded no image: is it an archive made by \`docker save\`?`);
  return loaded;
}

interface StatusMessage {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows a JSON progress stream; returns the last status (the image ID for an import). */
function followStatus(docker: Docker, stream: Readable, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let last = '';
    let failure: string | undefined;
    const lines = new LineSplitter();
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error) return reject(error);
        if (failure) return reject(new BaseImageError(failure));
        resolve(last);
      },
      (message: StatusMessage) => {
        if (message.error || message.errorDetail) failure = message.errorDetail?.message ?? message.error;
        const text = message.stream ?? message.status;
        if (!text) return;
        for (const line of lines.push(`${text.trimEnd()}\n`)) {
          if (line) log(line);
          last = line.trim() || last;
        }
      },
    );
  });
}

function run(
  command: string,
  args: string[],
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  for (const stream of [child.stdout, child.stderr]) {
    const lines = new LineSplitter();
    stream.on('data', (chunk: Buffer) => lines.push(chunk).forEach(log));
  }
  return exitOf(child, command);
}

function exitOf(child: ReturnType<typeof spawn>, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new BaseImageError(`${name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** debootstrap may leave /proc or /sys mounted inside the tree when it fails: never rm through a mount. */
async function removeRoot(root: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === root || point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run('umount', ['-l', point], () => {}).catch(() => {});
  if (mounts.length > 0) {
    const still = (await readFile('/proc/mounts', 'utf8')).includes(` ${root}/`);
    if (still) throw new BaseImageError(`${root} still has mounts; remove it by hand after unmounting them.`);
  }
  await rm(root, { recursive: true, force: true });
}

/** Deletes the files in a folder, keeping its sub-folders (apt expects `partial/`). */
async function emptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries)
    if (!entry.isDirectory() && entry.name !== 'lock') await rm(join(dir, entry.name), { force: true });
}

function findDebootstrap(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.map((dir) => join(dir, 'debootstrap')).find((path) => existsSync(path));
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return at > tag.lastIndexOf('/') ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, 'latest'];
}
