import { LabStore } from '../state/lab-store';
import { defaultStateDir, stateDirProblem } from '../state/state-dir';

/**
 * Before `up` saves anything: the warnings its user should read once, as lines. An unwritable
 * state folder (the lab runs, nothing is kept) and a corrupt saved lab (kept aside, not
 * overwritten by the first save).
 */
export async function savedLabWarnings(lab: string, stateDir = defaultStateDir()): Promise<string[]> {
  const problem = await stateDirProblem(stateDir);
  if (problem) return [`warning: settings will not be saved: ${problem}`];
  try {
    const { warning } = await new LabStore(stateDir).load(lab);
    return warning ? [`warning: ${warning}`] : [];
  } catch (error) {
    return [`warning: the saved lab "${lab}" could not be read: ${(error as Error).message}`];
  }
}
