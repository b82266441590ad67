import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { split } from 'shlex';
import { parse } from 'yaml';
import type { ComposeProject } from '../../../core/compose';

/** The fields both sides are compared on, as plain data. */
export interface Comparable {
  image?: string;
  environment: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  ports: Array<{ target: number; published?: number; hostIp?: string; protocol: string }>;
  dependsOn: Record<string, string>;
}

export function ours(project: ComposeProject): Record<string, Comparable> {
  return Object.fromEntries(
    project.services.map((service) => [
      service.name,
      {
        ...(service.image ? { image: service.image } : {}),
        environment: service.environment,
        ...(service.command ? { command: service.command } : {}),
        ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
        ports: service.ports.map(({ at: _at, ...port }) => port),
        dependsOn: Object.fromEntries(service.dependsOn.map((d) => [d.service, d.condition])),
      },
    ]),
  );
}

interface V1Service {
  image?: string;
  environment?: Record<string, string | number | null>;
  command?: string | string[];
  entrypoint?: string | string[];
  ports?: Array<string | { target: number; published?: number; protocol?: string }>;
  depends_on?: Record<string, { condition: string }>;
}

/** `docker-compose config` of docker-compose v1, normalized like ours. */
export async function dockerComposeV1(
  binary: string,
  dir: string,
  file: string,
  env: Record<string, string>,
): Promise<Record<string, Comparable>> {
  const { stdout } = await promisify(execFile)(binary, ['-f', file, '--project-directory', dir, 'config'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
  });
  // 1.29 has no --format json; its YAML writes every literal "$" as "$$".
  const services = (parse(stdout) as { services: Record<string, V1Service> }).services;
  const unescape = (text: string): string => text.replaceAll('$$', '$');
  const words = (value: string | string[] | undefined): string[] | undefined =>
    value === undefined ? undefined : Array.isArray(value) ? value.map(unescape) : split(unescape(value));
  return Object.fromEntries(
    Object.entries(services).map(([name, service]) => {
      const command = words(service.command);
      const entrypoint = words(service.entrypoint);
      return [
        name,
        {
          ...(service.image ? { image: unescape(service.image) } : {}),
          environment: Object.fromEntries(
            Object.entries(service.environment ?? {}).flatMap(([key, value]) =>
              // v1 keeps a bare variable that is not set as null; the spec leaves it out.
              value === null ? [] : [[key, unescape(String(value))]],
            ),
          ),
          ...(command ? { command } : {}),
          ...(entrypoint ? { entrypoint } : {}),
          ports: (service.ports ?? []).map(v1Port),
          dependsOn: Object.fromEntries(
            Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => [
              dependency,
              condition,
            ]),
          ),
        },
      ];
    }),
  );
}

/** v1 writes ports as mappings, but those with a host IP as `IP:PUBLISHED:TARGET/PROTOCOL`. */
function v1Port(
  port: string | { target: number; published?: number; protocol?: string },
): Comparable['ports'][number] {
  if (typeof port !== 'string') return { protocol: 'tcp', ...port };
  const [, hostIp = '', published, target, protocol = 'tcp'] = /^(.*):(\d*):(\d+)\/(\w+)$/.exec(port) ?? [];
  return { target: Number(target), ...(published ? { published: Number(published) } : {}), hostIp, protocol };
}
