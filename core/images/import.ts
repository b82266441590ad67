import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LineSplitter } from '../logs/lines';
import { exitOf, OfflineImageError } from './process';

/** `docker import` of a root file system with Dockerfile-style changes (ENV, CMD, LABEL, ...). */
export async function importRootfs(
  docker: Docker,
  root: string,
  tag: string,
  changes: string[],
  log: (line: string) => void,
): Promise<string> {
  log(`importing ${root} as ${tag}`);
  const [repo, version] = splitTag(tag);
  const tar = spawn('tar', ['--numeric-owner', '-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tarDone = exitOf(tar, 'tar');
  const response = await docker.importImage(tar.stdout, { repo, tag: version, changes });
  const id = await followStatus(docker, response as Readable, log);
  await tarDone;
  log(`${tag} is ${id}`);
  return id;
}

/** Loads an archive made by `docker save`; returns the loaded image names (or IDs). */
export async function loadImageArchive(
  docker: Docker,
  file: string,
  onLog: (line: string) => void = () => {},
): Promise<string[]> {
  if (!existsSync(file)) throw new OfflineImageError(`No such file: ${file}`);
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
    throw new OfflineImageError(
      `${file} could not be loaded as an image archive (\`docker save\`): ${(e.json?.message ?? e.message).trim()}`,
    );
  }
  if (loaded.length === 0)
    throw new OfflineImageError(`${file} loaded no image: is it an archive made by \`docker save\`?`);
  return loaded;
}

interface StatusMessage {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows a JSON progress stream; returns the last status (the image ID for an import). */
export function followStatus(docker: Docker, stream: Readable, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let last = '';
    let failure: string | undefined;
    const lines = new LineSplitter();
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error) return reject(error);
        if (failure) return reject(new OfflineImageError(failure));
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

export function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(':');
  return at > tag.lastIndexOf('/') ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, 'latest'];
}
