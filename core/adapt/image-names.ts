/** Docker's rule: a first component with a dot or a colon, or `localhost`, names a registry; else null (Docker Hub). */
export function imageRegistry(image: string): string | null {
  const slash = image.indexOf('/');
  if (slash < 0) return null;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : null;
}

/** `docker.arvancloud.ir/python:3.13` and `docker.io/library/python:3.13` → `python:3.13`. */
export function withoutRegistry(image: string): string {
  const registry = imageRegistry(image);
  const path = registry === null ? image : image.slice(registry.length + 1);
  return path.startsWith('library/') ? path.slice('library/'.length) : path;
}

/**
 * The Python an official `python` image has: `python:3.12.2-slim-bookworm` → `3.12`, `python:3`
 * → `3`; null when the tag does not say (`python`, `python:latest`) or it is another image.
 */
export function pythonVersionOf(image: string): string | null {
  const name = withoutRegistry(image).split('@')[0]!;
  const match = /^python:(\d+)(?:\.(\d+))?(?:[.-]|$)/.exec(name);
  if (!match) return null;
  return match[2] === undefined ? match[1]! : `${match[1]}.${match[2]}`;
}
