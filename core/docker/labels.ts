import { backendName } from '../lab/backend-name';

/** Everything a lab creates carries `upstream-lab.lab=<lab>`; nothing without it is touched. */
export const LABEL_LAB = 'upstream-lab.lab';
export const LABEL_BACKEND = 'upstream-lab.backend';
export const LABEL_IMAGE = 'upstream-lab.image';
export const LABEL_ROLE = 'upstream-lab.role';
/** On a built image: a hash of everything it was built from (equal: the build can be skipped). */
export const LABEL_CONTEXT = 'upstream-lab.context';

/** The port the app listens on inside a replica (recorded on it: it varies by project). */
export const LABEL_PORT = 'upstream-lab.port';
/** runserver 0.0.0.0:8000, as the course's Dockerfile and most Django projects. */
export const DEFAULT_APP_PORT = 8000;

export { labName } from '../api/contract';
export { backendName };

export const labFilter = (lab: string): string => `${LABEL_LAB}=${lab}`;
export const containerName = (lab: string, index: number): string => `${lab}-${backendName(index)}`;
export const networkName = (lab: string): string => `${lab}-net`;
export const defaultImageTag = (lab: string): string => `upstream-lab/${lab}:latest`;

/** `backend3`, `<lab>-backend3` or `/<lab>-backend3` → 3; anything else → undefined. */
export function backendIndex(lab: string, name: string): number | undefined {
  const bare = name.replace(/^\//, '');
  const short = bare.startsWith(`${lab}-`) ? bare.slice(lab.length + 1) : bare;
  const match = /^backend([1-9]\d{0,3})$/.exec(short);
  return match ? Number(match[1]) : undefined;
}
