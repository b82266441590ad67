import { spawn, type ChildProcess } from 'node:child_process';
import { currentOwner, type LabOwner } from '../../core/state/lock-owner';

/** An owner whose process has ended: a real pid, waited for (not reused this quickly). */
export async function goneOwner(): Promise<LabOwner> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return { ...currentOwner(), pid: child.pid!, since: Date.now() - 60_000 };
}

/** An owner whose process is alive until `stop()`: another process on this machine. */
export async function liveOwner(): Promise<{
  owner: LabOwner;
  child: ChildProcess;
  stop: () => Promise<void>;
}> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    owner: { ...currentOwner(), pid: child.pid!, since: Date.now() },
    child,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
