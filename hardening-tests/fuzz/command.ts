import type fc from 'fast-check';
import { checkInvariants, type FuzzModel, type FuzzReal } from './world.js';

/** A fuzz command: does one thing through HTTP, asserts the answer the model expects, then the invariants. */
export abstract class FuzzCommand implements fc.AsyncCommand<FuzzModel, FuzzReal> {
  check(): boolean {
    return true;
  }

  async run(model: FuzzModel, real: FuzzReal): Promise<void> {
    await this.act(model, real);
    await checkInvariants(model, real);
  }

  protected abstract act(model: FuzzModel, real: FuzzReal): Promise<void>;
  abstract toString(): string;
}

/** What a command acts on: something live, something gone, or something that never existed. */
export type Target = { kind: 'live' | 'gone'; index: number } | { kind: 'unknown' };

/** Resolves a target against lists that grow and shrink while commands run; undefined means unknown. */
export function pickTarget<T>(target: Target, live: readonly T[], gone: readonly T[]): T | undefined {
  if (target.kind === 'unknown') return undefined;
  const list = target.kind === 'live' ? live : gone;
  return list.length === 0 ? undefined : list[target.index % list.length];
}
