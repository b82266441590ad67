/** Docker Hub mirrors users in Iran reach: a registry among these serves Docker Hub's images. */
export const KNOWN_DOCKER_HUB_MIRRORS = [
  'docker.arvancloud.ir',
  'docker.iranserver.com',
  'docker.abrha.net',
  'mirror2.chabokan.net',
  'docker.derak.cloud',
];

/** `docker.arvancloud.ir/` or `https://docker.arvancloud.ir` → `docker.arvancloud.ir`. */
export const mirrorHost = (mirror: string): string =>
  mirror
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');

/** `python:3.13` through `docker.arvancloud.ir` → `docker.arvancloud.ir/python:3.13`. */
export function throughMirror(image: string, mirror: string | undefined): string {
  const host = mirror ? mirrorHost(mirror) : '';
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
