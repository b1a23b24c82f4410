import { errors } from '../core/errors.js';
import { type HostAllowlist, notSentReason } from '../domain/allowlist.js';
import type { DeliveryFilter, DeliveryStore } from '../domain/store.js';
import type { Delivery } from '../generated/schema-types.js';
import type { DeliveryEngine } from './engine.js';

export interface RedeliveryDeps {
  /** Only the engine's public redeliver and resumePending are used. */
  engine: Pick<DeliveryEngine, 'redeliver' | 'resumePending'>;
  journal: Pick<DeliveryStore, 'get' | 'list'>;
  /** The allowlist in force now, which may be stricter than when the flows subscribed. */
  allowlist: HostAllowlist;
}

export interface RedeliverOptions {
  /** Another URL to send to; it must pass the allowlist. Absent: each delivery's own URL. */
  url?: string | undefined;
  /** A new delivery (new id, `redeliveryOf` the original) instead of more attempts on the same one. */
  renewId?: boolean | undefined;
}

/**
 * Sends journaled deliveries again (the control API's redeliver, docs/decisions/014): one by id
 * or all matching a filter, to their own URL or to another. Every URL passes the allowlist in
 * force first; a refusal is a 400 InvalidControlRequest on /url and leaves the journal as it was.
 */
export class RedeliveryService {
  constructor(private readonly deps: RedeliveryDeps) {}

  redeliverOne(deliveryId: string, options: RedeliverOptions = {}): Delivery {
    const url = this.checkedUrl(options.url);
    const original = this.deps.journal.get(deliveryId);
    if (url === undefined && original) this.checkOriginalUrls([original]);
    // An unknown id is the engine's 404, after the url is judged as before.
    return this.send(deliveryId, url, options.renewId);
  }

  redeliverMatching(filter: DeliveryFilter, options: RedeliverOptions = {}): Delivery[] {
    const url = this.checkedUrl(options.url);
    const selected = this.deps.journal.list(filter);
    if (url === undefined) this.checkOriginalUrls(selected);
    return selected.map((delivery) => this.send(delivery.deliveryId, url, options.renewId));
  }

  /**
   * After a restart on a durable store: deliveries left unsettled go out again, except those whose
   * URL the allowlist in force refuses, which are failed with the reason. Returns how many resumed.
   */
  resumePending(): number {
    return this.deps.engine.resumePending((url) => {
      const verdict = this.deps.allowlist.check(url);
      return verdict.allowed ? undefined : notSentReason(verdict);
    });
  }

  private send(deliveryId: string, url: string | undefined, renewId: boolean | undefined): Delivery {
    return this.deps.engine.redeliver(deliveryId, {
      ...(url === undefined ? {} : { url }),
      renewId: renewId ?? false,
    });
  }

  /** Another URL passes the same allowlist as a subscription's; the URL to call is the verdict's. */
  private checkedUrl(url: string | undefined): string | undefined {
    if (url === undefined) return undefined;
    const { allowlist } = this.deps;
    const verdict = allowlist.check(url);
    if (!verdict.allowed) {
      throw errors.invalidControlRequest(
        `Cannot redeliver to ${url}: ${verdict.message}. Allowed hosts: ${allowlist.patterns.join(', ')}.`,
        '/url',
      );
    }
    return verdict.url;
  }

  /** To their original URLs: the allowlist may be stricter than when they were subscribed. */
  private checkOriginalUrls(selected: readonly Delivery[]): void {
    for (const delivery of selected) {
      const verdict = this.deps.allowlist.check(delivery.url);
      if (!verdict.allowed) {
        throw errors.invalidControlRequest(
          `Cannot redeliver ${delivery.deliveryId} to its URL ${delivery.url}: ${verdict.message}. Give an allowlisted "url" to send it elsewhere, or leave it out of the filter.`,
          '/url',
        );
      }
    }
  }
}
