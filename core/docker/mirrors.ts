import { z } from 'zod';

/** The course's base image (pulled from a registry mirror in class). */
export const DEFAULT_BASE_IMAGE = 'python:3.13';
/** Built locally by base-image.ts (Debian bookworm + python3 + Django); needs no network. */
export const OFFLINE_BASE_IMAGE = 'upstream-lab/python-django:bookworm';

export interface MirrorSettings {
  /** A Docker Hub mirror, e.g. `docker.arvancloud.ir`: Docker Hub images are pulled through it. */
  registryMirror?: string;
  /** The base image; default python:3.13 (OFFLINE_BASE_IMAGE when offline). */
  baseImage?: string;
  /** A PyPI simple index, e.g. `https://mirror-pypi.runflare.com/simple`. */
  pipIndex?: string;
  /** Build without any network: the offline base image, and pip never goes online. */
  offline?: boolean;
}

const indexUrl = z.url({ protocol: /^https?$/ });

/**
 * The build arguments the sample Dockerfile reads: BASE_IMAGE, and PIP_INDEX_URL with
 * PIP_TRUSTED_HOST (the index's host) or, offline, PIP_NO_INDEX=1. Unset values are left out,
 * so the Dockerfile's own defaults apply.
 */
export function buildArgsFor(settings: MirrorSettings = {}): Record<string, string> {
  if (settings.offline) return { BASE_IMAGE: settings.baseImage ?? OFFLINE_BASE_IMAGE, PIP_NO_INDEX: '1' };
  const args: Record<string, string> = {
    BASE_IMAGE: throughMirror(settings.baseImage ?? DEFAULT_BASE_IMAGE, settings.registryMirror),
  };
  if (settings.pipIndex) {
    const parsed = indexUrl.safeParse(settings.pipIndex.trim());
    if (!parsed.success) throw new Error(`The PyPI index "${settings.pipIndex}" is not an http(s) URL.`);
    args.PIP_INDEX_URL = parsed.data;
    args.PIP_TRUSTED_HOST = new URL(parsed.data).host;
  }
  return args;
}

/** `python:3.13` through `docker.arvancloud.ir` → `docker.arvancloud.ir/python:3.13`. */
export function throughMirror(image: string, mirror: string | undefined): string {
  const host = mirror
    ?.trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  // Our own images exist only locally; a mirror cannot have them.
  if (!host || !isDockerHubImage(image) || image.startsWith('upstream-lab/')) return image;
  return `${host}/${image.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')}`;
}

/** Docker's rule: a first component with a dot or a colon, or `localhost`, names a registry. */
export function isDockerHubImage(image: string): boolean {
  const slash = image.indexOf('/');
  if (slash < 0) return true;
  const first = image.slice(0, slash);
  if (/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)$/.test(first)) return true;
  return !(first.includes('.') || first.includes(':') || first === 'localhost');
}
