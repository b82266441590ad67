import type { PeerGroup } from '../group';
import type { Peer } from '../peer';
import type { PickState } from '../pick-state';

/** The groups a method picks from: the primary servers and, for round robin and least_conn, the backups. */
export interface Groups {
  primary: PeerGroup;
  backup: PeerGroup | null;
}

/** One balancing method: nginx's `get` callback. `free` is shared (see ../free.ts). */
export interface Picker {
  get(groups: Groups, state: PickState, nowMs: number): Peer | null;
}
