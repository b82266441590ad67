/** A project's compose file, read per the Compose Specification into the services the lab runs. */
export { COMPOSE_FILE_NAMES, findComposeFile } from './find';
export { loadCompose } from './load';
export { parseDotenv } from './dotenv';
export { interpolate, InterpolationError, type Lookup, type Interpolated } from './interpolate';
export { parseDurationMs } from './durations';
export { ComposeError, ComposeReadError, formatAt, type SourceAt } from './errors';
export type {
  ComposeLoadOptions,
  ComposeProject,
  ComposeService,
  ComposeHealthcheck,
  DependencyCondition,
  ServicePort,
  ServiceVolume,
} from './types';
