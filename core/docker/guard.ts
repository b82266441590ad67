import type Docker from 'dockerode';
import { backendIndex, LABEL_BACKEND, LABEL_LAB, LABEL_ROLE, labFilter } from './labels';

/** A container that carries the lab's label; the only kind a lab may change. */
export interface LabContainer {
  id: string;
  /** Without the leading slash: `<lab>-backend2`. */
  container: string;
  /** `backend2`, from the backend label. */
  name: string;
  index: number;
  state: string;
  imageId: string;
  labels: Record<string, string>;
}

export class NotInLabError extends Error {
  override name = 'NotInLabError';
}

/** The lab's replicas: containers carrying `upstream-lab.lab=<lab>` (not its services), running or not. */
export async function listLabContainers(docker: Docker, lab: string): Promise<LabContainer[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [labFilter(lab)] } });
  const out: LabContainer[] = [];
  for (const info of list) {
    const labels = info.Labels ?? {};
    // Checked again here: the filter is the engine's, and Podman's label filters have had bugs.
    if (labels[LABEL_LAB] !== lab) continue;
    // Services and one-off containers carry the lab's label too; they are not replicas.
    if (labels[LABEL_ROLE] !== undefined && labels[LABEL_ROLE] !== 'backend') continue;
    const name = labels[LABEL_BACKEND] ?? '';
    const index = backendIndex(lab, name);
    out.push({
      id: info.Id,
      container: (info.Names?.[0] ?? '').replace(/^\//, ''),
      name,
      index: index ?? 0,
      state: info.State,
      imageId: info.ImageID,
      labels,
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/**
 * Finds the lab's container for `target` (`backend2`, `<lab>-backend2`, or a container ID) among
 * the labelled ones only. Anything else, such as a foreign container with the same name, is
 * refused: every mutating operation goes through here first.
 */
export async function resolveLabContainer(
  docker: Docker,
  lab: string,
  target: string,
): Promise<LabContainer> {
  const containers = await listLabContainers(docker, lab);
  const wanted = target.replace(/^\//, '');
  const index = backendIndex(lab, wanted);
  const found = containers.find(
    (c) =>
      (index !== undefined && c.index === index) ||
      c.container === wanted ||
      (wanted.length >= 12 && /^[0-9a-f]+$/.test(wanted) && c.id.startsWith(wanted)),
  );
  if (!found) {
    throw new NotInLabError(
      `"${target}" is not a replica of lab ${lab}: only containers labelled ${labFilter(lab)} can be changed` +
        (containers.length > 0
          ? ` (the lab has ${containers.map((c) => c.name).join(', ')}).`
          : ' (the lab has none).'),
    );
  }
  return found;
}
