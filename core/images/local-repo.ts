import { readdir, readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyFolder, inRoot, writeText, type RootfsOptions } from './rootfs';

/** Inside the image: the packages that can be installed with no network, as an apt repository. */
export const LOCAL_REPO = '/var/lib/upstream-lab/debs';

/**
 * Downloads `packages` (and what they depend on) into the tree and makes them its only apt
 * source, a flat repository on disk: afterwards `apt-get update && apt-get install X` works in
 * a build without any network, for every X downloaded here. Returns name → Debian version of
 * everything installable offline (installed or in the repository).
 */
export async function addLocalRepo(
  root: string,
  packages: string[],
  options: Pick<RootfsOptions, 'log' | 'signal'>,
): Promise<Record<string, string>> {
  const archives = join(root, 'var/cache/apt/archives');
  await emptyFolder(archives);
  await inRoot(root, ['apt-get', 'update', '-q'], options);
  const download = (names: string[]) =>
    inRoot(
      root,
      ['apt-get', 'install', '-y', '-q', '--download-only', '--no-install-recommends', ...names],
      options,
    );
  await download(packages).catch(async () => {
    // A name this suite does not have fails them all: then one by one, leaving that one out.
    for (const name of packages) {
      await download([name]).catch(() => options.log(`not in this Debian release, left out: ${name}`));
    }
  });
  const repo = join(root, LOCAL_REPO);
  await mkdir(repo, { recursive: true });
  const files = (await readdir(archives)).filter((name) => name.endsWith('.deb'));
  const wanted = new Map<string, string>();
  for (const file of files) {
    const deb = parseDebFilename(file);
    if (!deb) continue;
    wanted.set(deb.name, deb.version);
    await rename(join(archives, file), join(repo, file));
  }
  const lists = join(root, 'var/lib/apt/lists');
  const index = await stanzasFor(lists, wanted, files);
  await writeFile(join(repo, 'Packages'), index);
  // `apt-get install netcat` installs netcat-openbsd: virtual names are installable too.
  const provided = providedNames(index, wanted);

  // From now on the image knows only its own packages: no build or container tries the network.
  await rm(join(root, 'etc/apt/sources.list.d'), { recursive: true, force: true });
  await mkdir(join(root, 'etc/apt/sources.list.d'));
  await writeText(join(root, 'etc/apt/sources.list'), `deb [trusted=yes] file:${LOCAL_REPO} ./\n`);
  await emptyFolder(lists);
  await inRoot(root, ['apt-get', 'update', '-q'], options);
  return { ...provided, ...(await installedPackages(root)), ...Object.fromEntries(wanted) };
}

/** Names the repository's packages provide (`Provides: netcat`), each with its provider's version. */
function providedNames(index: string, versions: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stanza of index.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const provides = /^Provides: (.+)$/m.exec(stanza)?.[1];
    if (!name || !provides) continue;
    for (const item of provides.split(',')) {
      const virtual = item.trim().split(/[\s(]/)[0];
      if (virtual && !versions.has(virtual)) out[virtual] = versions.get(name) ?? '';
    }
  }
  return out;
}

/** `python3-django_3%3a4.2.23-1_all.deb` → python3-django, 3:4.2.23-1. */
export function parseDebFilename(file: string): { name: string; version: string } | null {
  const match = /^([^_]+)_([^_]+)_[^_]+\.deb$/.exec(file);
  return match ? { name: match[1]!, version: decodeURIComponent(match[2]!) } : null;
}

/** The stanzas of apt's downloaded Packages lists for exactly the downloaded files, pointing at them. */
async function stanzasFor(lists: string, wanted: Map<string, string>, files: string[]): Promise<string> {
  const byName = new Map(
    files.flatMap((file) => {
      const deb = parseDebFilename(file);
      return deb ? [[deb.name, file] as const] : [];
    }),
  );
  const out: string[] = [];
  for (const list of (await readdir(lists)).filter((name) => name.endsWith('_Packages'))) {
    for (const stanza of (await readFile(join(lists, list), 'utf8')).split(/\n\n+/)) {
      const name = /^Package: (.+)$/m.exec(stanza)?.[1];
      const version = /^Version: (.+)$/m.exec(stanza)?.[1];
      const file = name && wanted.get(name) === version ? byName.get(name) : undefined;
      if (!file || !name) continue;
      out.push(stanza.trim().replace(/^Filename: .+$/m, `Filename: ./${file}`));
      byName.delete(name);
    }
  }
  return `${out.join('\n\n')}\n`;
}

/** dpkg's status file: name → version of every installed package. */
async function installedPackages(root: string): Promise<Record<string, string>> {
  const status = await readFile(join(root, 'var/lib/dpkg/status'), 'utf8');
  const out: Record<string, string> = {};
  for (const stanza of status.split(/\n\n+/)) {
    const name = /^Package: (.+)$/m.exec(stanza)?.[1];
    const version = /^Version: (.+)$/m.exec(stanza)?.[1];
    if (name && version && /^Status: install ok installed$/m.test(stanza)) out[name] = version;
  }
  return out;
}
