import { afterAll, describe, test } from 'vitest';
import { mismatches } from './expectations';
import { nginxTarget } from './nginx';
import { differences, formatObservation } from './observation';
import { ours } from './ours';
import { nginxBinary, requires } from './prerequisites';
import type { OpenResources, ScenarioRun } from './run-scenario';
import { closeAll, runScenario } from './run-scenario';
import type { Scenario } from './scenarios';

/**
 * Registers two tests per scenario: real nginx against the spec's expected observations (this
 * validates the harness), and ours against nginx's observations for the same steps.
 */
export function describeScenarios(title: string, scenarios: Scenario[]): void {
  describe.concurrent(title, () => {
    const open: OpenResources = new Set();
    afterAll(() => closeAll(open));
    const hasNginx = nginxBinary() !== undefined;
    if (!requires('nginx', hasNginx, 'install it with `apt-get install nginx-light` (Debian: 1.22.1)'))
      return;
    for (const scenario of scenarios) defineScenarioTests(scenario, open);
  });
}

function defineScenarioTests(scenario: Scenario, open: OpenResources): void {
  const options = { timeout: scenario.timeoutMs ?? 30_000 };
  const exclusive = scenario.fixedPorts ? serialized : <T>(fn: () => Promise<T>): Promise<T> => fn();
  let nginxRun: Promise<ScenarioRun> | undefined;
  const runNginx = (): Promise<ScenarioRun> =>
    (nginxRun ??= exclusive(() => runScenario(nginxTarget, scenario, open)));

  test(`${scenario.name}: nginx matches the spec`, options, async () => {
    const run = await runNginx();
    const failures = [...expectationFailures(run), ...propertyFailures(scenario, run)];
    if (failures.length > 0) throw new Error(report(scenario, run, 'nginx differs from the spec', failures));
  });

  const title = `${scenario.name}: ours matches nginx`;
  test(title, options, async () => {
    const [nginx, run] = await Promise.all([runNginx(), exclusive(() => runScenario(ours, scenario, open))]);
    const failures = scenario.property ? propertyFailures(scenario, run) : sameAsNginx(nginx, run);
    if (failures.length > 0)
      throw new Error(report(scenario, run, 'ours differs from nginx', failures, nginx));
  });
}

/** Scenarios on fixed ports must not overlap (nginx and ours would both bind them). */
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const result = queue.then(fn, fn);
  queue = result.catch(() => undefined);
  return result;
}

function expectationFailures(run: ScenarioRun): string[] {
  return run.observations.flatMap(({ label, expect, obs }) => {
    if (expect === undefined) return [];
    const found = mismatches(expect, obs);
    if (found.length === 0) return [];
    const wanted = typeof expect === 'string' ? expect : JSON.stringify(expect);
    return [`${label}: expected ${wanted}; got ${formatObservation(obs)}\n      ${found.join('\n      ')}`];
  });
}

function propertyFailures(scenario: Scenario, run: ScenarioRun): string[] {
  const failure = scenario.property?.(run.observations);
  return failure === undefined ? [] : [`property: ${failure}`];
}

function sameAsNginx(nginx: ScenarioRun, ours: ScenarioRun): string[] {
  const failures: string[] = [];
  const count = Math.max(nginx.observations.length, ours.observations.length);
  for (let i = 0; i < count; i++) {
    const n = nginx.observations[i];
    const o = ours.observations[i];
    if (!n || !o) {
      failures.push(`request ${i + 1}: present only in ${n ? 'nginx' : 'ours'}`);
      continue;
    }
    const found = differences(n.obs, o.obs);
    if (found.length === 0) continue;
    failures.push(
      `${n.label}: nginx ${formatObservation(n.obs)}; ours ${formatObservation(o.obs)}\n      ` +
        found.join('\n      '),
    );
  }
  return failures;
}

function report(
  scenario: Scenario,
  run: ScenarioRun,
  what: string,
  failures: string[],
  nginx?: ScenarioRun,
): string {
  const sequence = (r: ScenarioRun): string =>
    r.observations.map(({ label, obs }) => `    ${label}: ${formatObservation(obs)}`).join('\n');
  const log = run.diagnostics.trim().split('\n').slice(-30).join('\n');
  return [
    `${scenario.name}: ${what}`,
    ...failures.map((f) => `  ${f}`),
    `  observed (${run.target}):\n${sequence(run)}`,
    ...(nginx ? [`  observed (nginx):\n${sequence(nginx)}`] : []),
    ...(log ? [`  --- ${run.target} log (tail) ---\n${log}`] : []),
  ].join('\n');
}
