import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { imageRegistry, withoutRegistry } from '../adapt/dockerfile';
import { ensureOfflineImage, type OfflineImage, type OfflineImageOptions } from '../images/offline-image';
import { DOCKER_HUB_REGISTRY, type NetworkProbe } from './network-probe';
import { KNOWN_DOCKER_HUB_MIRRORS, mirrorHost } from '../docker/mirrors';
import { substituteRecipe } from './offline-substitutes';

export interface ImageSourceContext {
  docker: Docker;
  /** No network at all: mirrors are not tried. */
  offline: boolean;
  /** Docker Hub mirrors, tried in this order. */
  mirrors: string[];
  probe: NetworkProbe;
  log: (line: string) => void;
  offlineImages?: OfflineImageOptions;
}

export interface ImageChoice {
  /** The image to use. */
  image: string;
  source: 'as-written' | 'mirror' | 'local' | 'offline';
  /** Why another image is used, for the user (null when the image is used as written). */
  reason: string | null;
  substitute?: OfflineImage;
}

export class ImageUnavailableError extends Error {
  override name = 'ImageUnavailableError';
}

/**
 * Where an image comes from when the registry it names may be out of reach: the image itself
 * when it is here or can be pulled; else through each mirror in turn; else a local image of the
 * same name without the registry (one loaded from a `docker save` archive); else the offline
 * stand-in built from Debian packages. Pulls happen here, so a build or a start never waits on
 * a registry that does not answer.
 */
export async function chooseImage(requested: string, ctx: ImageSourceContext): Promise<ImageChoice> {
  if (await present(ctx.docker, requested)) return { image: requested, source: 'as-written', reason: null };
  const registry = imageRegistry(requested);
  const tried: string[] = [];
  if (!ctx.offline) {
    const host = registry ?? DOCKER_HUB_REGISTRY;
    if (await ctx.probe.registry(host)) {
      if (await pull(ctx, requested)) return { image: requested, source: 'as-written', reason: null };
      tried.push(`${requested} (pull failed)`);
    } else tried.push(`${host} (unreachable)`);
    if (servesDockerHub(registry, ctx.mirrors)) {
      for (const mirror of ctx.mirrors.map(mirrorHost).filter((m) => m !== registry)) {
        const candidate = `${mirror}/${withoutRegistry(requested)}`;
        if (
          (await present(ctx.docker, candidate)) ||
          ((await ctx.probe.registry(mirror)) && (await pull(ctx, candidate)))
        ) {
          return {
            image: candidate,
            source: 'mirror',
            reason: `${registry ?? 'Docker Hub'} is unreachable: pulled through the mirror ${mirror}`,
          };
        }
        tried.push(`${mirror} (${(await ctx.probe.registry(mirror)) ? 'pull failed' : 'unreachable'})`);
      }
    }
  }
  const bare = withoutRegistry(requested);
  if (bare !== requested && (await present(ctx.docker, bare))) {
    return {
      image: bare,
      source: 'local',
      reason: `${requested} cannot be pulled${ctx.offline ? ' offline' : ''}: using the local image ${bare}`,
    };
  }
  const recipe = substituteRecipe(requested);
  if (recipe) {
    const substitute = await ensureOfflineImage(ctx.docker, recipe, { ...ctx.offlineImages, onLog: ctx.log });
    const why = ctx.offline ? 'offline' : `it cannot be pulled (${tried.join(', ')})`;
    return {
      image: substitute.tag,
      source: 'offline',
      reason: `${requested}: ${why}: using the offline stand-in ${substitute.tag}, ${substitute.title}`,
      substitute,
    };
  }
  throw new ImageUnavailableError(
    `${requested} is not on this machine and cannot be pulled${ctx.offline ? ' (offline)' : `: tried ${tried.join(', ') || 'nothing'}`}. ` +
      `Load it from an archive (\`docker save ${bare} -o image.tar\` on a machine that has it, then \`upstream-lab load-image image.tar\`)` +
      (ctx.offline ? '' : ', or give a registry mirror that has it (--registry-mirror)') +
      '.',
  );
}

/** A registry that is Docker Hub or one of its mirrors: its images can come from any other mirror. */
function servesDockerHub(registry: string | null, mirrors: string[]): boolean {
  return (
    registry === null ||
    registry === 'docker.io' ||
    mirrors.includes(registry) ||
    KNOWN_DOCKER_HUB_MIRRORS.includes(registry)
  );
}

async function present(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

async function pull(ctx: ImageSourceContext, image: string): Promise<boolean> {
  ctx.log(`pulling ${image}`);
  try {
    const stream = (await ctx.docker.pull(image)) as Readable;
    await new Promise<void>((resolve, reject) =>
      ctx.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
    );
    return present(ctx.docker, image);
  } catch (error) {
    ctx.log(`could not pull ${image}: ${(error as Error).message}`);
    return false;
  }
}
