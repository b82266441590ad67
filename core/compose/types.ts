import type { SourceAt } from './errors';

export interface ComposeLoadOptions {
  /** The project folder. */
  dir: string;
  /** --compose FILE (absolute or relative to process.cwd()); default findComposeFile(dir). */
  file?: string;
  /** --env-file FILE(s): replace the `.env` beside the compose file, read in order (later wins). */
  envFiles?: string[];
  /** The process environment (default process.env); it wins over the env files for interpolation. */
  env?: Record<string, string | undefined>;
}

export interface ComposeProject {
  /** Absolute path of the compose file. */
  file: string;
  /** Its folder (the project directory for relative paths). */
  dir: string;
  /** Top-level `name`, else the folder's basename normalized as Compose does (lowercase, [a-z0-9_-]). */
  name: string;
  /** In file order; services whose `profiles` are not active (COMPOSE_PROFILES) are left out. */
  services: ComposeService[];
  /** Top-level named volumes. */
  volumes: Record<string, { external: boolean; name?: string }>;
  /** Things read but not acted on, or fishy: `FILE:LINE:COL: message`, in the order they were found. */
  warnings: string[];
  /** Every variable of the env files, and each other one the compose file used, with the value it had. */
  variables: Record<string, string>;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeHealthcheck {
  /** `['CMD', ...]` or `['CMD-SHELL', 'cmd']`; a string test is CMD-SHELL; `[]`: the image's test. */
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
  retries?: number;
}

export interface ServiceVolume {
  type: 'volume' | 'bind' | 'tmpfs';
  /** A volume name, or an absolute host path for binds; an anonymous volume has none. */
  source?: string;
  target: string;
  readOnly: boolean;
  at: SourceAt;
}

export interface ServicePort {
  target: number;
  /** Undefined: an ephemeral host port. */
  published?: number;
  hostIp?: string;
  protocol: 'tcp' | 'udp';
  at: SourceAt;
}

export interface ComposeService {
  name: string;
  /** Where the service's key is. */
  at: SourceAt;
  image?: string;
  /** `context` is absolute; `dockerfile` is relative to it. */
  build?: { context: string; dockerfile: string; args: Record<string, string>; target?: string };
  /** A string is split with shell-word rules; absent: the image's default. */
  command?: string[];
  entrypoint?: string[];
  /** `env_file`s first, then `environment` over them; a bare `FOO` takes the variable FOO, if set. */
  environment: Record<string, string>;
  /** Where each is written: `at`. */
  dependsOn: Array<{ service: string; condition: DependencyCondition; required: boolean; at: SourceAt }>;
  healthcheck?: ComposeHealthcheck | { disable: true };
  volumes: ServiceVolume[];
  ports: ServicePort[];
  expose: number[];
  containerName?: string;
  workingDir?: string;
  user?: string;
  restart?: string;
  /** `deploy.replicas`, else `scale`. */
  replicas?: number;
  /** `develop.watch`: what `up --watch` does with a changed file under each rule's path. */
  watch?: WatchRule[];
}

/** One `develop.watch` rule: `path` absolute on this machine, `target` absolute in the container. */
export interface WatchRule {
  action: 'sync' | 'rebuild' | 'restart' | 'sync+restart';
  path: string;
  target?: string;
  /** .dockerignore-style patterns, relative to `path`. */
  ignore: string[];
}
