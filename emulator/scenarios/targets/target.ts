import type { EmulatorResponse, RequestOptions } from '../../client/client.js';
import type { DeliveryFilter } from '../../domain/store.js';
import type { Delivery, Policies, Seed } from '../../generated/schema-types.js';

export type TargetResponse = EmulatorResponse;

/** What a scenario needs to set up for its run. */
export interface TargetSetup {
  seed: Seed;
  policies: Policies;
  profile?: 'default' | 'strict';
  retryPolicy?: string;
  webhookLimit?: number;
  clockStartMs: number;
  idSeed: number;
  /**
   * How many deliveries the journal, and messages each inbox, need to keep for the scenario's
   * expectations (see journalRetention); everything when absent. Only an emulator started for the
   * scenario takes it.
   */
  retainDeliveries?: number;
}

/**
 * The emulator a scenario runs against: one started in-process for the scenario, or a running
 * one reached by URL. Steps and expectations only talk to this interface.
 */
export interface ScenarioTarget {
  /** Base URL flows use for inbox:NAME. */
  readonly baseUrl: string;
  /** Any path of the emulator; the answer whatever its status. */
  call(method: string, path: string, options?: RequestOptions): Promise<TargetResponse>;
  deliveries(filter: DeliveryFilter): Promise<Delivery[]>;
  /** How many deliveries the run journaled, those retention dropped since included. */
  journaled(): Promise<number>;
  now(): Promise<number>;
  nextTimerAt(): Promise<number | undefined>;
  advanceTo(epochMs: number): Promise<void>;
  /** Waits until no delivery attempt is queued or on the wire. */
  settle(): Promise<void>;
  close(): Promise<void>;
}
