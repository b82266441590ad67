import type Docker from 'dockerode';
import { LABEL_LAB, labFilter, networkName } from './labels';
import { NotInLabError } from './guard';

/** The lab's bridge network `<lab>-net`: created once, labelled, refused if someone else owns the name. */
export async function ensureLabNetwork(docker: Docker, lab: string): Promise<{ id: string; name: string }> {
  const name = networkName(lab);
  const existing = (await docker.listNetworks({ filters: { name: [name] } })).find((n) => n.Name === name);
  if (existing) {
    if (existing.Labels?.[LABEL_LAB] !== lab) {
      throw new NotInLabError(
        `A network named ${name} exists but does not belong to lab ${lab}; rename the lab or remove that network.`,
      );
    }
    return { id: existing.Id, name };
  }
  const network = await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    CheckDuplicate: true,
    Labels: { [LABEL_LAB]: lab },
  });
  return { id: network.id, name };
}

/** Removes every network labelled for the lab; containers must be gone first. */
export async function removeLabNetworks(docker: Docker, lab: string): Promise<string[]> {
  const networks = await docker.listNetworks({ filters: { label: [labFilter(lab)] } });
  const removed: string[] = [];
  for (const network of networks) {
    if (network.Labels?.[LABEL_LAB] !== lab) continue;
    try {
      await docker.getNetwork(network.Id).remove();
      removed.push(network.Name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return removed;
}
