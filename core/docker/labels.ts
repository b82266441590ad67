/** Everything a lab creates carries `upstream-lab.lab=<lab>`; nothing without it is touched. */
export const LABEL_LAB = 'upstream-lab.lab';
export const LABEL_BACKEND = 'upstream-lab.backend';
export const LABEL_IMAGE = 'upstream-lab.image';
export const LABEL_ROLE = 'upstream-lab.role';

/** The port the sample backend (runserver 0.0.0.0:8000) listens on inside its container. */
export const BACKEND_PORT = '8000/tcp';

export { labName } from '../api/contract';

export const labFilter = (lab: string): string => `${LABEL_LAB}=${lab}`;
export const backendName = (index: number): string => `backend${index}`;
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
