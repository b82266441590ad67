import { basename } from 'node:path';
import type { ComposeContext } from './context';
import { checkDependencies } from './depends-on';
import { ComposeError } from './errors';
import { isMapping, parseBoolean, type Mapping } from './scalars';
import { normalizeService } from './service';
import type { ComposeProject } from './types';

const WHY_IGNORED = new Map(
  Object.entries({
    networks: "every service runs on the lab's one network",
    secrets: 'upstream-lab mounts no secrets',
    configs: 'upstream-lab mounts no configs',
    include: 'upstream-lab reads one compose file; copy the included services into it',
    models: 'upstream-lab runs no models',
  }),
);
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The validated document as the lab's project: its name, the services its profiles enable, its volumes. */
export function normalizeProject(
  data: Mapping,
  context: ComposeContext,
): Pick<ComposeProject, 'name' | 'services' | 'volumes'> {
  for (const key of Object.keys(data)) {
    if (key === 'version')
      context.warn(context.keyAt([key]), 'the attribute `version` is obsolete, it will be ignored');
    else if (WHY_IGNORED.has(key)) context.ignored([key], WHY_IGNORED.get(key));
  }
  const name = projectName(data.name, context);
  const volumes = topLevelVolumes(isMapping(data.volumes) ? data.volumes : {}, context);
  const active = activeProfiles(context.lookup('COMPOSE_PROFILES'));
  const inactive = new Map<string, string[]>();
  const services = Object.entries(isMapping(data.services) ? data.services : {}).flatMap(
    ([service, definition]) => {
      const body = definition as Mapping;
      const profiles = Array.isArray(body.profiles) ? body.profiles.map(String) : [];
      if (profiles.length && !active.has('*') && !profiles.some((profile) => active.has(profile))) {
        inactive.set(service, profiles);
        return [];
      }
      return [normalizeService(service, body, context)];
    },
  );
  checkDependencies(services, inactive, context);
  return { name, services, volumes };
}

function projectName(value: unknown, context: ComposeContext): string {
  if (value !== undefined) {
    const name = String(value);
    if (!PROJECT_NAME.test(name))
      throw context.error(
        ['name'],
        `${JSON.stringify(name)} is not a valid project name: it must contain only characters from [a-z0-9_-] and start with [a-z0-9]`,
      );
    return name;
  }
  const folder = basename(context.dir);
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
  if (!name)
    throw new ComposeError(
      context.valueAt([]),
      `the folder name "${folder}" makes no project name: set a top-level name:`,
    );
  return name;
}

function topLevelVolumes(volumes: Mapping, context: ComposeContext): ComposeProject['volumes'] {
  return Object.fromEntries(
    Object.entries(volumes).map(([key, value]) => {
      context.volumes.add(key);
      const volume = isMapping(value) ? value : {};
      const path = ['volumes', key];
      for (const option of Object.keys(volume)) {
        if (option !== 'name' && option !== 'external' && !option.startsWith('x-'))
          context.ignored([...path, option], 'the lab creates its volumes with the local driver');
      }
      const external = isMapping(volume.external) ? true : parseBoolean(volume.external ?? false);
      if (external === undefined) throw context.error([...path, 'external'], 'must be true or false');
      const legacyName = isMapping(volume.external) ? volume.external.name : undefined;
      const name = volume.name ?? legacyName;
      return [key, { external, ...(name === undefined ? {} : { name: String(name) }) }];
    }),
  );
}

function activeProfiles(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((profile) => profile.trim())
      .filter(Boolean),
  );
}
