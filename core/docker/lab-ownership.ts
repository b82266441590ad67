import type Docker from 'dockerode';
import { readLock } from '../state/lock-file';
import { LabHeldError, sameProcess, type LabOwner } from '../state/lock-owner';
import { claimLab, engineOwner, holderState, removeEngineOwner, type LabClaim } from './ownership';

/**
 * One Lab object's hold on its lab: taken before the first change, refused (for good) when
 * another live process holds it, released by `down`.
 */
export class LabOwnership {
  #claim: LabClaim | null = null;
  /** Another process holds the lab: this object changes and removes nothing of it. */
  #refused = false;

  constructor(
    private readonly docker: Docker,
    private readonly lab: string,
    private readonly owner: LabOwner,
    private readonly stateDir: string | null,
  ) {}

  get refused(): boolean {
    return this.#refused;
  }

  /** Takes the lab for its owner unless it already has it; throws LabHeldError when another process holds it. */
  async claim(): Promise<void> {
    if (this.#claim) return;
    if (this.#refused) throw await this.#heldError();
    try {
      this.#claim = await claimLab({
        docker: this.docker,
        lab: this.lab,
        owner: this.owner,
        stateDir: this.stateDir,
      });
    } catch (error) {
      if (error instanceof LabHeldError) this.#refused = true;
      throw error;
    }
  }

  /**
   * Before a down: with the lab claimed, nothing to check; otherwise (the CLI's `down`, a
   * leftover's removal) refused while the holder runs — with `abandonedOnly`, unless that
   * holder is known to be gone.
   */
  async checkMayRemove(abandonedOnly: boolean): Promise<void> {
    if (this.#claim) return;
    const held = await engineOwner(this.docker, this.lab);
    if (!held || sameProcess(held, this.owner)) return;
    const lock = this.stateDir ? await readLock(this.stateDir, this.lab) : null;
    const state = holderState(held, lock);
    if (state === 'alive' || (abandonedOnly && state === 'unknown')) throw new LabHeldError(this.lab, held);
  }

  /** After a down: the claim released, or the engine's record of a gone owner removed. */
  async release(): Promise<void> {
    if (this.#claim) await this.#claim.release();
    else await removeEngineOwner(this.docker, this.lab);
    this.#claim = null;
  }

  async #heldError(): Promise<Error> {
    const held = await engineOwner(this.docker, this.lab);
    return held
      ? new LabHeldError(this.lab, held)
      : new Error(`lab "${this.lab}" is held by another process`);
  }
}
