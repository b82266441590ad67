import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { split } from 'shlex';
import type { LabSettings } from '../api/contract';
import { parseDotenv } from '../compose';
import { readProject } from '../project/read-project';
import type { ProjectPlan } from '../project/plan';
import { ProjectError } from '../project/project-error';

/**
 * The project of the settings as a plan: its folder (or the sample), compose file, env files,
 * --env, --command, the replica count when one was chosen, the shared database when asked for.
 */
export async function loadProject(
  settings: LabSettings,
  dir: string,
  replicas?: number,
): Promise<ProjectPlan> {
  const project = resolve(dir);
  const inProject = (path: string): string => (isAbsolute(path) ? path : resolve(project, path));
  const envFiles = settings.envFiles.map(inProject);
  const fromFiles: Record<string, string> = {};
  for (const file of envFiles) {
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw new ProjectError(`--env-file ${file}: ${error.message}`);
    });
    Object.assign(fromFiles, parseDotenv(text, file));
  }
  let command: string[] | undefined;
  if (settings.command.trim()) {
    try {
      command = split(settings.command);
    } catch (error) {
      throw new ProjectError(`--command "${settings.command}": ${(error as Error).message}`);
    }
  }
  return readProject({
    dir: project,
    ...(settings.composeFile ? { composeFile: inProject(settings.composeFile) } : {}),
    ...(envFiles.length ? { envFiles } : {}),
    env: { ...fromFiles, ...settings.env },
    ...(command ? { command } : {}),
    ...(replicas ? { replicas } : {}),
    ...(settings.service ? { service: settings.service } : {}),
    ...(settings.database ? { database: settings.database } : {}),
  });
}
