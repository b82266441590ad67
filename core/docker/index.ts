/** The Docker side of Upstream Lab: engine connection, image builds, replicas, faults, logs. */
export { Engine, connectEngine, createDocker, probeEngine } from './engine';
export type { EngineEvents, EngineInfo, EngineOptions } from './engine';
export { EngineError, explainEngineError } from './engine-errors';
export type { EngineErrorCode } from './engine-errors';
export { parseHost, resolveEndpoint } from './endpoint';
export type { Endpoint, HostAddress } from './endpoint';
export { buildImage, BuildError } from './build';
export type { BuildOptions, BuildResult } from './build';
export type { BuildStep, BuildUpdate } from './build-progress';
export { listContext } from './build-context';
export { buildArgsFor, DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE } from './mirrors';
export type { MirrorSettings } from './mirrors';
export {
  baseImageBlocker,
  buildBaseImage,
  ensureBaseImage,
  imageExists,
  loadImageArchive,
  BaseImageError,
} from './base-image';
export { createLab, Lab } from './lab';
export type { LabOptions } from './lab-options';
export type { LabEvents, ReplicaRef, DownReason } from './lab-events';
export type { LabStatus, ReplicaInfo } from './lab-status';
export type { ContainerEvent, ContainerAction } from './events';
export { NotInLabError } from './guard';
export { FaultError } from './faults';
export type { Fault, RestoreStep } from './faults';
export { ContainerLogs } from './logs';
export { LABEL_LAB, LABEL_BACKEND, labName } from './labels';
export { findLeftoverLabs, type LeftoverLab } from './leftovers';
