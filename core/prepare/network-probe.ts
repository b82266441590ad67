/**
 * Whether a registry or a package index answers, asked once per address and run. Injectable:
 * tests (and a classroom that knows it is offline) never send anything off the machine.
 */
export interface NetworkProbe {
  /** `https://HOST/v2/` answers at all (200 or 401 both mean a registry is there). */
  registry(host: string): Promise<boolean>;
  /** The index URL answers. */
  index(url: string): Promise<boolean>;
}

export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

const TIMEOUT_MS = 2500;

/**
 * The probe to use: `UPSTREAM_LAB_PROBE=unreachable` answers "unreachable" for everything
 * without sending a byte (tests, known-offline classrooms); otherwise a short HTTPS request.
 */
export function networkProbe(mode: string | undefined = process.env.UPSTREAM_LAB_PROBE): NetworkProbe {
  if (mode === 'unreachable') return { registry: async () => false, index: async () => false };
  const cache = new Map<string, Promise<boolean>>();
  const answers = (url: string): Promise<boolean> => {
    let known = cache.get(url);
    if (!known) {
      known = fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) }).then(
        async (response) => {
          await response.body?.cancel();
          return true;
        },
        () => false,
      );
      cache.set(url, known);
    }
    return known;
  };
  return {
    registry: (host) => answers(`https://${host.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '')}/v2/`),
    index: (url) => answers(url),
  };
}

/** A probe that answers from a table: for tests of the decisions, with nothing sent anywhere. */
export function fixedProbe(reachable: Iterable<string> = []): NetworkProbe {
  const up = new Set(reachable);
  return { registry: async (host) => up.has(host), index: async (url) => up.has(url) };
}
