import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseDockerfile, stagesOf, type Dockerfile } from '../adapt/dockerfile';
import { join } from 'node:path';
import type { ComposeService } from '../compose';
import { loadNginxConfig, parseNginxConfig, type ParseResult } from '../nginx';
import { fileIncludeReader } from '../nginx/include-files';
import { formatDiagnostic } from '../nginx/errors';

/** An `nginx*` image: `nginx:alpine`, `docker.arvancloud.ir/nginx:1.27`, `nginxinc/nginx-unprivileged`. */
export function isNginxImage(image: string | undefined): boolean {
  const repo = (image ?? '').split('@')[0]!.replace(/:[^/:]*$/, '');
  return /^nginx[\w.-]*$/.test(repo.split('/').at(-1) ?? '');
}

export interface NginxConf {
  /** The conf on disk. */
  file: string;
  /** A whole nginx.conf, or a file of conf.d (server and upstream blocks of the http context). */
  kind: 'main' | 'conf.d';
}

/**
 * The conf of an nginx service: mounted onto /etc/nginx/nginx.conf or conf.d/, or copied there by
 * its own Dockerfile (`build: ./nginx` with `FROM nginx` and `COPY nginx.conf /etc/nginx/conf.d`).
 */
export async function nginxConfOf(service: ComposeService): Promise<NginxConf | null> {
  return mountedConf(service) ?? (await builtConf(service));
}

/** A service that stands in front as nginx: an nginx image, or a build FROM one. */
export async function isNginxService(service: ComposeService): Promise<boolean> {
  return isNginxImage(service.image) || (await nginxDockerfile(service)) !== null;
}

async function nginxDockerfile(service: ComposeService): Promise<Dockerfile | null> {
  if (!service.build) return null;
  const text = await readFile(join(service.build.context, service.build.dockerfile), 'utf8').catch(
    () => null,
  );
  if (text === null) return null;
  try {
    const dockerfile = parseDockerfile(text);
    return stagesOf(dockerfile, service.build.args).some((stage) => isNginxImage(stage.image))
      ? dockerfile
      : null;
  } catch {
    return null;
  }
}

async function builtConf(service: ComposeService): Promise<NginxConf | null> {
  const dockerfile = await nginxDockerfile(service);
  if (!dockerfile || !service.build) return null;
  for (const instruction of [...dockerfile.instructions].reverse()) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    if (instruction.flags.some((flag) => flag.startsWith('--from'))) continue;
    const words =
      instruction.json ??
      instruction.args
        .trim()
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'));
    const dest = (words.at(-1) ?? '').replace(/\/+$/, '');
    for (const source of words.slice(0, -1)) {
      const file = join(service.build.context, source);
      if (!existsSync(file) || isDirectory(file)) continue;
      if (dest === '/etc/nginx/nginx.conf') return { file, kind: 'main' };
      if (dest === '/etc/nginx/conf.d' || /^\/etc\/nginx\/conf\.d\/[^/]+\.conf$/.test(dest))
        return { file, kind: 'conf.d' };
    }
  }
  return null;
}

/** The conf an nginx service mounts onto /etc/nginx/nginx.conf or /etc/nginx/conf.d/, if any. */
function mountedConf(service: ComposeService): NginxConf | null {
  if (!isNginxImage(service.image)) return null;
  for (const volume of service.volumes) {
    if (volume.type !== 'bind' || !volume.source) continue;
    const target = volume.target.replace(/\/+$/, '');
    if (target === '/etc/nginx/nginx.conf') return { file: volume.source, kind: 'main' };
    if (/^\/etc\/nginx\/conf\.d\/[^/]+\.conf$/.test(target)) return { file: volume.source, kind: 'conf.d' };
    if (target === '/etc/nginx/conf.d' && isDirectory(volume.source)) {
      const file = ['default.conf', 'nginx.conf', 'app.conf']
        .map((name) => join(volume.source!, name))
        .find((path) => existsSync(path));
      if (file) return { file, kind: 'conf.d' };
    }
  }
  return null;
}

/**
 * Parses the conf as nginx would load it in the container: a conf.d file inside the image's
 * default `http { include /etc/nginx/conf.d/*.conf; }`. Errors are ConfigErrors at FILE:LINE:COL.
 */
export async function loadServiceConf(conf: NginxConf): Promise<ParseResult & { warningLines: string[] }> {
  const result =
    conf.kind === 'main'
      ? await loadNginxConfig(conf.file)
      : parseNginxConfig(`events {}\nhttp {\n    include ${JSON.stringify(conf.file)};\n}\n`, conf.file, {
          readInclude: fileIncludeReader(conf.file),
        });
  return { ...result, warningLines: result.warnings.map(formatDiagnostic) };
}

/** The port the nginx service is published on for its container port 80 (or its only port). */
export function publishedPort(service: ComposeService): number | null {
  const port =
    service.ports.find((p) => p.target === 80) ?? (service.ports.length === 1 ? service.ports[0] : undefined);
  return port?.published ?? null;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
