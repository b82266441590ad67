export { Balancer, type BalancerEvents, type BalancerOptions, type ListenAddress } from './balancer';
export type * from './config';
export type { AttemptRecord, RequestRecord } from './record';
export type { PeerSnapshot, UpstreamSnapshot } from './snapshot';
export type { AdminState, PeerAddress } from './peer';
export type { ServerResolver } from './resolve';
export type { Toxic } from './toxic';
