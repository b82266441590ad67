export type { LabStatus, ReplicaInfo } from '../lab/runtime';
