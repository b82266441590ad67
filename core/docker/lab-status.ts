/** A replica as `lab.status()` reports it. */
export interface ReplicaInfo {
  /** `backend2` */
  name: string;
  index: number;
  /** `<lab>-backend2` */
  container: string;
  id: string;
  /** Docker's state: created, running, paused, restarting, exited, dead. */
  state: string;
  /** On the lab network. */
  connected: boolean;
  host: string;
  /** The published port right now; undefined while stopped or disconnected. */
  port: number | undefined;
  /** Answered the readiness probe since it last (re)started, unpaused or reconnected. */
  ready: boolean;
}

export interface LabStatus {
  lab: string;
  image: string;
  imageId: string | undefined;
  network: string;
  /** The replica count asked for (by createLab or the last scale). */
  desired: number;
  replicas: ReplicaInfo[];
}
