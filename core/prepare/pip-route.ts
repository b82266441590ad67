import type { PipCommand } from '../adapt/shell-commands';
import type { NetworkProbe } from './network-probe';

export const PYPI_INDEX = 'https://pypi.org/simple';

/** Where pip gets packages in this build. */
export type PipRoute =
  | { kind: 'as-written' }
  | { kind: 'mirror'; indexUrl: string; reason: string }
  | { kind: 'offline'; reason: string };

/**
 * As written when every index the Dockerfile names answers; else the configured PyPI mirror when
 * it answers; else offline: the requirements come from Debian packages and the wheelhouse.
 */
export async function choosePipRoute(
  commands: PipCommand[],
  envIndex: string | null,
  options: { offline: boolean; mirror?: string; probe: NetworkProbe },
): Promise<PipRoute> {
  if (options.offline) return { kind: 'offline', reason: 'offline build' };
  const installs = commands.filter((c) => !c.selfUpgrade);
  if (installs.length === 0 && commands.length === 0) return { kind: 'as-written' };
  const indexes = [
    ...new Set(
      commands
        .map((c) => c.indexUrl ?? envIndex ?? PYPI_INDEX)
        .concat(commands.flatMap((c) => c.extraIndexUrls)),
    ),
  ];
  const unreachable: string[] = [];
  for (const url of indexes) if (!(await options.probe.index(url))) unreachable.push(url);
  if (unreachable.length === 0) return { kind: 'as-written' };
  const mirror = options.mirror?.trim();
  if (mirror && !unreachable.includes(mirror) && (await options.probe.index(mirror))) {
    return {
      kind: 'mirror',
      indexUrl: mirror,
      reason: `${unreachable.join(', ')} unreachable: pip uses the mirror ${mirror}`,
    };
  }
  return {
    kind: 'offline',
    reason: `${unreachable.join(', ')} unreachable${mirror ? ` and so is the mirror ${mirror}` : ' and no PyPI mirror is set'}`,
  };
}
