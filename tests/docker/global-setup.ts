import { ensureBaseImage } from '../../core/docker/base-image';
import { OFFLINE_BASE_IMAGE } from '../../core/docker/mirrors';
import { dockerReachable, testDocker } from '../support/docker';

/**
 * vitest globalSetup: the Docker tests build FROM the offline base image. When the engine runs
 * but lacks it, build it once with debootstrap (about a minute). Without an engine there is
 * nothing to do here: the Docker suites report that themselves.
 */
export default async function setup(): Promise<void> {
  if (!(await dockerReachable())) return;
  const started = Date.now();
  try {
    const result = await ensureBaseImage(testDocker(), {
      onLog: (line) => process.env.CI && console.log(`[base image] ${line}`),
    });
    if (result.built)
      console.log(`built ${OFFLINE_BASE_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    // Other suites still run; the Docker builds then fail at FROM, naming the missing image.
    console.error(`Cannot build ${OFFLINE_BASE_IMAGE}: ${(error as Error).message}`);
  }
}
