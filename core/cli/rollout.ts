import type { Command } from 'commander';
import { rolloutWaves } from '../api/contract';
import { labOption, schemaArg } from './lab-options';
import { runOnLab } from './lab-control';
import { CliError } from './errors';

const wholeNumber = (text: string): unknown => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);
const count = (flag: string) =>
  schemaArg(flag, rolloutWaves.shape.maxSurge, {
    convert: wholeNumber,
    hint: `${flag} is a whole number from 0 to 20`,
  });

interface WaveFlags {
  lab: string;
  maxSurge: number;
  maxUnavailable: number;
}

function waveOptions(command: Command): Command {
  return labOption(command)
    .option(
      '--max-surge <n>',
      'replicas started beside the old ones at a time (start-first)',
      count('--max-surge'),
      1,
    )
    .option(
      '--max-unavailable <n>',
      'replicas drained and replaced at a time (stop-first)',
      count('--max-unavailable'),
      0,
    );
}

/** `rollout` and `canary start|promote|rollback`: updates of a lab `upstream-lab up` runs. */
export function registerRollout(program: Command): void {
  waveOptions(
    program
      .command('rollout')
      .description(
        "rebuild a running lab's image and roll its replicas over to it, each drained before it goes " +
          '(the lab runs in `upstream-lab up` elsewhere)',
      ),
  ).action(async ({ lab, maxSurge, maxUnavailable }: WaveFlags) => {
    await runOnLab(lab, 'lab.rollout', { maxSurge, maxUnavailable }, 'rollout');
  });

  const canary = program
    .command('canary')
    .description(
      'a new version beside the running replicas at a share of the requests, then promote or roll back',
    );
  labOption(canary.command('start').description('build, then start the new version beside the replicas'))
    .option('--percent <n>', 'its share of the requests, 1 to 90', percentArg, 10)
    .option('--replicas <n>', 'how many replicas of it, 1 to 5', replicasArg, 1)
    .action(async ({ lab, percent, replicas }: { lab: string; percent: number; replicas: number }) => {
      const view = await runOnLab(lab, 'canary.start', { percent, replicas }, 'canary');
      if (view.canary?.state !== 'running') throw new CliError('the canary did not start', 1);
      process.stdout.write(
        `canary ${view.canary.version} runs on ${view.canary.replicas.join(', ')}: ` +
          '`upstream-lab canary promote` or `upstream-lab canary rollback`\n',
      );
    });
  waveOptions(
    canary.command('promote').description("roll the other replicas over to the canary's version"),
  ).action(async ({ lab, maxSurge, maxUnavailable }: WaveFlags) => {
    await runOnLab(lab, 'canary.promote', { maxSurge, maxUnavailable }, 'promote');
  });
  labOption(
    canary.command('rollback').description("remove the canary's replicas; the others never changed"),
  ).action(async ({ lab }: { lab: string }) => {
    await runOnLab(lab, 'canary.rollback', {}, 'rollback');
  });
}

const percentArg = (text: string): number => {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > 90)
    throw new CliError(`--percent "${text}": a whole number from 1 to 90`, 2);
  return n;
};
const replicasArg = (text: string): number => {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > 5)
    throw new CliError(`--replicas "${text}": a whole number from 1 to 5`, 2);
  return n;
};
