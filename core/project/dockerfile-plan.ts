import { backendName } from '../lab/backend-name';
import type { ProjectPlan } from './plan';

/** A project with a Dockerfile and no compose file: N identical replicas of its image, nothing beside them. */
export function dockerfilePlan(dir: string, replicas: number, env: Record<string, string> = {}): ProjectPlan {
  const list = Array.from({ length: replicas }, (_, i) => ({
    name: backendName(i + 1),
    service: null,
    aliases: [],
    env: { ...env },
  }));
  return {
    dir,
    source: 'dockerfile',
    composeFile: null,
    image: { context: dir, dockerfile: 'Dockerfile', args: {} },
    replicas: list,
    services: [],
    volumes: [],
    balancer: null,
    django: null,
    migrate: 'none',
    replicasMigrate: false,
    roles: list.map((r) => ({
      service: r.name,
      role: 'replica',
      detail: 'balanced replica of the image built from ./Dockerfile',
    })),
    warnings: [],
  };
}
