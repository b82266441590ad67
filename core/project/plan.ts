import type { WatchRule } from '../compose/types';
import type { ProxyConfig } from '../balancer/config';
import type { DjangoProject } from './django';

/**
 * How a user's project runs as a lab, decided before anything starts: which image the replicas
 * are built from, the replicas themselves, the other services (a database...), and what drives
 * the balancer. Made from the project's compose file, or from its Dockerfile alone.
 */
export interface ProjectPlan {
  dir: string;
  source: 'compose' | 'dockerfile';
  composeFile: string | null;
  /** The image the replicas run (built once, whatever the number of replica services). */
  image: ImagePlan;
  replicas: ReplicaPlan[];
  services: ServicePlan[];
  /** Named volumes (compose names) the services mount; kept by `down`, removed by `down --volumes`. */
  volumes: string[];
  /** The project's own nginx conf, as the balancer's config (replica servers renamed backendN). */
  balancer: BalancerPlan | null;
  django: DjangoProject | null;
  /** Django migrations: once against the shared database, in each replica (SQLite: one database each), or none. */
  migrate: 'once' | 'each' | 'none';
  /** The replicas migrate by themselves as they start: they start only after the lab's migration. */
  replicasMigrate: boolean;
  /** What each service becomes, for the user to read before anything starts. */
  roles: RoleLine[];
  /** What the user should know (sqlite with several replicas, ignored keys, ...), one line each. */
  warnings: string[];
  /** The Dockerfile and nginx conf as written, for the dashboard to show. */
  files?: ProjectFile[];
}

export interface ProjectFile {
  kind: 'dockerfile' | 'nginx';
  /** Relative to the project folder. */
  file: string;
  text: string;
}

export interface ImagePlan {
  /** Absolute build context. */
  context: string;
  /** Relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  /** Requirements the lab needs that the project may lack (a database driver for --database), with why. */
  addRequirements?: Array<{ name: string; unless: RegExp; reason: string }>;
}

export interface ReplicaPlan {
  /** `backend1`: the balancer's and the lab's name for it. */
  name: string;
  /** The compose service it comes from, if any. */
  service: string | null;
  /** Names it is reached by on the lab network besides its own (the service name, container_name). */
  aliases: string[];
  env: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  /** The port the app listens on inside the container; undefined = from the image's EXPOSE, else 8000. */
  port?: number;
  healthcheck?: HealthcheckPlan;
  workingDir?: string;
  user?: string;
  /** Compose volumes: a bind of the source folder (live code), named volumes. */
  volumes?: MountPlan[];
  /** Its service's `develop.watch` rules (what `up --watch` follows instead of the whole project). */
  watch?: WatchRule[];
}

export interface MountPlan {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface HealthcheckPlan {
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  retries?: number;
}

export interface ServicePlan {
  /** The compose service name; also its network alias. */
  name: string;
  /** As written in the compose file (`postgres:16-alpine`), or the replicas' image when built like them. */
  image: string;
  /** Built from the project like the replicas (a worker using the same Dockerfile). */
  usesProjectImage: boolean;
  aliases: string[];
  env: Record<string, string>;
  command?: string[];
  entrypoint?: string[];
  volumes: MountPlan[];
  /** Published on loopback: container port → host port (undefined = any free one). */
  ports: Array<{ target: number; published?: number; protocol: 'tcp' | 'udp' }>;
  healthcheck?: HealthcheckPlan | { disable: true };
  dependsOn: string[];
  /** A TCP port to wait for when there is no healthcheck (postgres 5432, redis 6379, ...). */
  waitPort?: number;
  workingDir?: string;
  user?: string;
}

export interface BalancerPlan {
  /** The nginx conf file on disk (a compose bind mount's source). */
  file: string;
  /** The compose service it replaces. */
  service: string;
  config: ProxyConfig;
  /** Parser warnings, `FILE:LINE:COL: message`. */
  warnings: string[];
  /** Where the nginx service was published (`80:80` → 80); the balancer listens there. */
  port: number | null;
}

export interface RoleLine {
  service: string;
  role: 'balancer' | 'replica' | 'service';
  detail: string;
}
