import { setTimeout as delay } from 'node:timers/promises';
import type { Letter } from './backends';
import { BackendSet } from './backends';
import { sendRaw } from './client';
import { observe } from './observation';
import type { RecordedObservation, Scenario, Step } from './scenarios';
import { describeRequest, renderConfig, renderRequest } from './scenarios';
import type { ProxyTarget, RunningProxy } from './target';
import { freePort } from './target';

export interface ScenarioRun {
  target: string;
  config: string;
  /** Ordered by request index. */
  observations: RecordedObservation[];
  diagnostics: string;
}

export interface Closable {
  close(): Promise<void>;
}

/** What runs opened and have not closed yet, for an afterAll safety net (`closeAll`). */
export type OpenResources = Set<Closable>;

export async function closeAll(open: OpenResources): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.allSettled(all.map((resource) => resource.close()));
}

async function track<T>(open: OpenResources, resource: Closable, use: () => Promise<T>): Promise<T> {
  open.add(resource);
  try {
    return await use();
  } finally {
    open.delete(resource);
    await resource.close();
  }
}

interface PlannedStep {
  step: Step;
  /** Request steps only. */
  index?: number;
  branches?: PlannedStep[][];
}

/** Numbers the request steps depth-first, so runs against different targets line up. */
function plan(steps: Step[], counter = { next: 1 }): PlannedStep[] {
  return steps.map((step) => {
    if (step.kind === 'request') return { step, index: counter.next++ };
    if (step.kind === 'parallel') return { step, branches: step.branches.map((b) => plan(b, counter)) };
    return { step };
  });
}

const PORT_ATTEMPTS = 3;

async function startProxy(
  target: ProxyTarget,
  scenario: Scenario,
  backends: BackendSet,
): Promise<{ proxy: RunningProxy; config: string }> {
  const addressOf = (letter: Letter): string => backends.get(letter).address;
  for (let attempt = 1; ; attempt++) {
    const config = renderConfig(scenario, await freePort(), addressOf);
    try {
      return { proxy: await target.start(config), config };
    } catch (err) {
      const message = (err as Error).message;
      if (attempt < PORT_ATTEMPTS && /in use/i.test(message)) continue;
      throw new Error(`${target.name} did not start: ${message}\n--- config ---\n${config}`, { cause: err });
    }
  }
}

/** Runs a scenario against a fresh proxy and fresh backends, and closes them all afterwards. */
export async function runScenario(
  target: ProxyTarget,
  scenario: Scenario,
  open: OpenResources = new Set(),
): Promise<ScenarioRun> {
  const backends = await BackendSet.start(scenario.modes, scenario.fixedPorts);
  return track(open, backends, async () => {
    for (const [letter, rule] of Object.entries(scenario.resetRules ?? {})) {
      backends.get(letter as Letter).resetRule = rule;
    }
    const { proxy, config } = await startProxy(target, scenario, backends);
    const closer = { close: () => proxy.stop() };
    return track(open, closer, async () => {
      const observations: RecordedObservation[] = [];
      const execute = async (steps: PlannedStep[], concurrent: boolean): Promise<void> => {
        for (const { step, index, branches } of steps) {
          if (step.kind === 'request') {
            const label = describeRequest(index ?? 0, step);
            const before = backends.log.length;
            const response = await sendRaw({
              port: proxy.port,
              request: renderRequest(step),
              ...(step.localAddress === undefined ? {} : { localAddress: step.localAddress }),
            }).catch((err: Error) => {
              throw new Error(`${label}: ${err.message}`, { cause: err });
            });
            const hits = concurrent ? null : backends.log.slice(before);
            const obs = observe(response, (address) => backends.nameOf(address), hits);
            observations.push({ index: index ?? 0, label, obs, ...(step.expect && { expect: step.expect }) });
          } else if (step.kind === 'setMode') await backends.get(step.letter).setMode(step.mode);
          else if (step.kind === 'setResetRule') backends.get(step.letter).resetRule = step.rule;
          else if (step.kind === 'sleep') await delay(step.ms);
          else await Promise.all((branches ?? []).map((branch) => execute(branch, true)));
        }
      };
      try {
        await execute(plan(scenario.steps), false);
      } catch (err) {
        const diagnostics = await proxy.diagnostics();
        throw new Error(
          `${scenario.name} [${target.name}]: ${(err as Error).message}\n` +
            `--- config ---\n${config}\n--- diagnostics ---\n${diagnostics}`,
          { cause: err },
        );
      }
      observations.sort((a, b) => a.index - b.index);
      return { target: target.name, config, observations, diagnostics: await proxy.diagnostics() };
    });
  });
}
