import { isAbsolute, relative } from 'node:path';
import { split } from 'shlex';
import type { ComposeContext } from './context';
import { dependenciesOf } from './depends-on';
import { envFileValues, keyValues } from './environment';
import { healthcheckOf } from './healthcheck';
import { watchRulesOf } from './develop-watch';
import { hostPath } from './paths';
import { exposedPorts, servicePorts } from './ports';
import { isMapping, parseCount, type Mapping } from './scalars';
import { serviceVolumes } from './service-volumes';
import type { Path } from './source-map';
import type { ComposeService } from './types';

const ACTED_ON = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'depends_on', 'healthcheck', 'volumes',
  'ports', 'expose', 'container_name', 'working_dir', 'user', 'restart', 'deploy', 'scale', 'profiles',
  'develop',
]); // prettier-ignore
const WHY_IGNORED = new Map(
  Object.entries({
    networks: "every service runs on the lab's one network",
    secrets: 'upstream-lab mounts no secrets',
    configs: 'upstream-lab mounts no configs',
    extends: 'upstream-lab does not merge services; write the service out in full',
  }),
);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target']);
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
// The schema's pattern for it is not anchored, so it lets "-web" through; Docker refuses it.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const REMOTE_CONTEXT = /^(https?|git|ssh):\/\/|^git@|^github\.com\//;

/** One validated service of the document as the lab runs it. */
export function normalizeService(name: string, service: Mapping, context: ComposeContext): ComposeService {
  const path = ['services', name];
  const at = (key: string): Path => [...path, key];
  for (const key of Object.keys(service)) {
    if (!ACTED_ON.has(key) && !key.startsWith('x-')) context.ignored(at(key), WHY_IGNORED.get(key));
  }
  const text = (key: string): string | undefined =>
    service[key] === undefined ? undefined : String(service[key]);
  const environment = new Map([
    ...(service.env_file === undefined ? [] : envFileValues(service.env_file, at('env_file'), context)),
    ...keyValues(service.environment, at('environment'), context),
  ]);
  const restart = text('restart');
  if (restart !== undefined && !RESTART.test(restart))
    throw context.error(
      at('restart'),
      `${JSON.stringify(restart)} is not a restart policy (no, always, on-failure[:N], unless-stopped)`,
    );
  const containerName = text('container_name');
  if (containerName !== undefined && !CONTAINER_NAME.test(containerName))
    throw context.error(
      at('container_name'),
      `invalid container name ${JSON.stringify(containerName)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  const command = commandOf(service.command, at('command'), context);
  const entrypoint = commandOf(service.entrypoint, at('entrypoint'), context);
  const replicas = replicasOf(service, path, context);
  const optional = {
    image: text('image'),
    build: service.build === undefined ? undefined : buildOf(service.build, at('build'), context),
    command,
    entrypoint,
    healthcheck: isMapping(service.healthcheck)
      ? healthcheckOf(service.healthcheck, at('healthcheck'), context)
      : undefined,
    containerName,
    workingDir: text('working_dir'),
    user: text('user'),
    restart,
    replicas,
    watch: service.develop === undefined ? undefined : watchRulesOf(service.develop, at('develop'), context),
  };
  return {
    name,
    at: context.keyAt(path),
    ...definedOnly(optional),
    environment: Object.fromEntries(environment),
    dependsOn: dependenciesOf(service.depends_on, at('depends_on'), context),
    volumes: serviceVolumes(name, listOf(service.volumes), at('volumes'), context),
    ports: servicePorts(listOf(service.ports), at('ports'), context),
    expose: exposedPorts(listOf(service.expose), at('expose'), context),
  };
}

function buildOf(value: unknown, path: Path, context: ComposeContext): NonNullable<ComposeService['build']> {
  const build: Mapping = isMapping(value) ? value : { context: value };
  for (const key of Object.keys(build)) {
    if (!BUILD_KEYS.has(key) && !key.startsWith('x-')) context.ignored([...path, key]);
  }
  const where = build.context === undefined ? '.' : String(build.context);
  if (REMOTE_CONTEXT.test(where))
    throw context.error(
      isMapping(value) ? [...path, 'context'] : path,
      `${where} is a remote build context: upstream-lab builds from a folder`,
    );
  const contextDir = hostPath(where, context.dir);
  const dockerfile = build.dockerfile === undefined ? 'Dockerfile' : String(build.dockerfile);
  return {
    context: contextDir,
    dockerfile: isAbsolute(dockerfile) ? relative(contextDir, dockerfile) : dockerfile,
    args: Object.fromEntries(keyValues(build.args, [...path, 'args'], context)),
    ...(build.target === undefined ? {} : { target: String(build.target) }),
  };
}

/** A string is split into words as a shell would; a list is taken as it is; null is the image's default. */
function commandOf(value: unknown, path: Path, context: ComposeContext): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  try {
    return split(String(value));
  } catch (error) {
    throw context.error(
      path,
      `cannot split ${JSON.stringify(value)} into words: ${(error as Error).message}`,
    );
  }
}

function replicasOf(service: Mapping, path: Path, context: ComposeContext): number | undefined {
  const deploy = isMapping(service.deploy) ? service.deploy : {};
  for (const key of Object.keys(deploy)) {
    if (key !== 'replicas' && !key.startsWith('x-')) context.ignored([...path, 'deploy', key]);
  }
  const count = (value: unknown, at: Path): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseCount(value);
    if (parsed === undefined) throw context.error(at, 'must be a whole number');
    return parsed;
  };
  const replicas = count(deploy.replicas, [...path, 'deploy', 'replicas']);
  const scale = count(service.scale, [...path, 'scale']);
  if (replicas !== undefined && scale !== undefined && replicas !== scale)
    throw context.error(
      [...path, 'scale'],
      `${scale} differs from deploy.replicas (${replicas}); set one of them`,
    );
  return replicas ?? scale;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function definedOnly<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
