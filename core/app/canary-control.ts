import type { CanaryView, LabSettings } from '../api/contract';
import type { BalancedLab, RolloutWaves } from '../lab/balanced-lab';
import { canaryWeights } from './canary-weights';
import { paramsFor } from './lab-config';
import type { Timeline } from './timeline';
import type { Versions } from './versions';

export interface CanaryHost {
  lab: BalancedLab;
  versions: Versions;
  timeline: Timeline;
  settings(): LabSettings;
  /** Build first: resolves with the new image built, throws when the build failed. */
  build(): Promise<void>;
  log(text: string): void;
  changed(): void;
}

/**
 * A canary's life in a running lab: built first, its replicas started beside the others and given
 * their share through nginx weights (the others' scaled, their ratios kept), then promoted (the
 * rest roll over to it) or rolled back (its replicas go). The weights are the canary's while it
 * runs; the lab's own come back when it ends.
 */
export class CanaryControl {
  #view: CanaryView | null = null;

  constructor(private readonly host: CanaryHost) {}

  get view(): CanaryView | null {
    return this.#view;
  }

  async start(percent: number, replicas: number): Promise<void> {
    if (this.#view) throw new Error('a canary is running: promote it or roll it back first');
    this.#set({ state: 'building', percent, version: null, replicas: [] });
    try {
      await this.host.build();
      this.#set({ ...this.#view!, state: 'starting' });
      const status = await this.host.lab.runtime.startCanary(replicas);
      const canary = status.canary!;
      const version = this.host.versions.label(canary.imageId);
      const given = this.#weigh(canary.replicas, percent);
      this.#set({ state: 'running', percent, version, replicas: canary.replicas });
      const what = `canary ${version} on ${canary.replicas.join(', ')} at ${given.toFixed(1)}% of the requests`;
      this.host.log(`canary: ${what}`);
      this.host.timeline.canary(what);
    } catch (error) {
      this.#set(null);
      this.#restoreWeights();
      throw error;
    }
  }

  /** The rest roll over to the canary's version, then its own replicas are drained and removed. */
  promote(waves: RolloutWaves): Promise<void> {
    return this.#end('promote', waves);
  }

  rollback(): Promise<void> {
    return this.#end('rollback', {});
  }

  async #end(outcome: 'promote' | 'rollback', waves: RolloutWaves): Promise<void> {
    const view = this.#view;
    if (!view || view.state !== 'running') throw new Error('no canary is running');
    this.#set({ ...view, state: outcome === 'promote' ? 'promoting' : 'rolling-back' });
    // The canary's weights stay while the rest roll over: the versions mix as they did.
    try {
      await this.host.lab.endCanary(outcome, waves);
    } catch (error) {
      this.#set(view);
      throw error;
    }
    this.#set(null);
    this.#restoreWeights();
    const what =
      outcome === 'promote'
        ? `canary ${view.version} promoted: every replica runs it`
        : `canary ${view.version} rolled back: ${view.replicas.join(', ')} removed`;
    this.host.log(`canary: ${what}`);
    this.host.timeline.canary(what);
  }

  /** Sets the weights that give `canaries` `percent` of the requests; returns the share given. */
  #weigh(canaries: string[], percent: number): number {
    const { balancer, upstream } = this.host.lab;
    const settings = this.host.settings();
    const stable = balancer.upstream(upstream).peers.filter((p) => !p.backup && !canaries.includes(p.name));
    const {
      scale,
      weight,
      percent: given,
    } = canaryWeights(
      stable.map((p) => paramsFor(settings, p.name).weight),
      canaries.length,
      percent,
    );
    for (const p of stable)
      balancer.setPeerWeight(upstream, p.name, paramsFor(settings, p.name).weight * scale);
    for (const name of canaries)
      if (balancer.upstream(upstream).findPeer(name)) balancer.setPeerWeight(upstream, name, weight);
    return given;
  }

  /** The lab's own weights again. */
  #restoreWeights(): void {
    const { balancer, upstream } = this.host.lab;
    const settings = this.host.settings();
    for (const p of balancer.upstream(upstream).peers)
      balancer.setPeerWeight(upstream, p.name, paramsFor(settings, p.name).weight);
  }

  #set(view: CanaryView | null): void {
    this.#view = view;
    this.host.changed();
  }
}
