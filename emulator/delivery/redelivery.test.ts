import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../core/errors.js';
import { createAllowlistPolicy } from '../domain/allowlist.js';
import type { Delivery } from '../generated/schema-types.js';
import { createMemoryStore } from '../state/memory/memory-store.js';
import { RedeliveryService } from './redelivery.js';

function delivery(deliveryId: string, url: string, status: Delivery['status'] = 'failed'): Delivery {
  return {
    deliveryId,
    webhookId: 'w-1',
    mailbox: 'lunch@contoso.example',
    appointmentId: 'a-1',
    changeType: 'Created',
    url,
    status,
    createdAt: '2025-01-06T09:00:00.000Z',
    attempts: [],
    payload: {} as Delivery['payload'],
  };
}

/** The service with a journal of `deliveries` and an engine that records what it is asked. */
function setUp(deliveries: Delivery[], patterns = ['localhost', '*.logic.azure.com']) {
  const journal = createMemoryStore().deliveries;
  for (const entry of deliveries) journal.insert(entry);
  const asked: Array<[string, { url?: string; renewId?: boolean }]> = [];
  let resumeCheck: ((url: string) => string | undefined) | undefined;
  const allowlist = createAllowlistPolicy(patterns);
  const service = new RedeliveryService({
    journal,
    allowlist,
    engine: {
      redeliver(deliveryId, options = {}) {
        asked.push([deliveryId, options]);
        return { ...delivery(deliveryId, options.url ?? 'unchanged'), status: 'pending' };
      },
      resumePending(refusal = () => undefined) {
        resumeCheck = refusal;
        return 0;
      },
    },
  });
  return { service, asked, allowlist, resumeCheck: () => resumeCheck };
}

function refusal(call: () => unknown): EmulatorError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorError);
    return error as EmulatorError;
  }
  throw new Error('expected a refusal');
}

describe('RedeliveryService', () => {
  it('redelivers one delivery to its own URL, or to another allowlisted one as the verdict spells it', () => {
    const { service, asked } = setUp([delivery('d-1', 'http://localhost:3000/flow')]);
    service.redeliverOne('d-1');
    service.redeliverOne('d-1', { url: 'https://Prod.Logic.Azure.com./x', renewId: true });
    expect(asked).toEqual([
      ['d-1', { renewId: false }],
      ['d-1', { url: 'https://prod.logic.azure.com/x', renewId: true }],
    ]);
  });

  it('refuses another URL outside the allowlist with 400 on /url, sending nothing', () => {
    const { service, asked } = setUp([delivery('d-1', 'http://localhost:3000/flow')]);
    for (const call of [
      () => service.redeliverOne('d-1', { url: 'https://evil.example/' }),
      () => service.redeliverMatching({}, { url: 'https://evil.example/' }),
    ]) {
      const error = refusal(call);
      expect(error.code).toBe('InvalidControlRequest');
      expect(error.target).toBe('/url');
      expect(error.message).toBe(
        'Cannot redeliver to https://evil.example/: host "evil.example" matches no allowlisted pattern. Allowed hosts: localhost, *.logic.azure.com.',
      );
    }
    expect(asked).toEqual([]);
  });

  it('refuses to send a delivery again to its own URL once the allowlist refuses it, naming the delivery', () => {
    const { service, asked, allowlist } = setUp([
      delivery('d-1', 'https://prod.logic.azure.com/ok'),
      delivery('d-2', 'http://localhost:3000/flow'),
    ]);
    allowlist.replace(['*.logic.azure.com']);
    const error = refusal(() => service.redeliverMatching({ status: 'failed' }));
    expect(error.target).toBe('/url');
    expect(error.message).toContain(
      'Cannot redeliver d-2 to its URL http://localhost:3000/flow: host "localhost"',
    );
    expect(refusal(() => service.redeliverOne('d-2')).message).toContain('d-2');
    expect(asked).toEqual([]);
    // Another allowlisted URL is the way out.
    expect(service.redeliverMatching({}, { url: 'https://prod.logic.azure.com/other' })).toHaveLength(2);
  });

  it('leaves an unknown id to the engine (its 404), after judging the url', () => {
    const { service, asked } = setUp([]);
    service.redeliverOne('missing');
    expect(asked).toEqual([['missing', { renewId: false }]]);
  });

  it('redelivers every delivery matching the filter, in journal order', () => {
    const { service, asked } = setUp([
      delivery('d-1', 'http://localhost/a', 'failed'),
      delivery('d-2', 'http://localhost/b', 'delivered'),
      delivery('d-3', 'http://localhost/c', 'failed'),
    ]);
    expect(service.redeliverMatching({ status: 'failed' }).map((entry) => entry.deliveryId)).toEqual([
      'd-1',
      'd-3',
    ]);
    expect(asked.map(([id]) => id)).toEqual(['d-1', 'd-3']);
  });

  it('resumes pending deliveries, failing those the allowlist now refuses with the journal reason', () => {
    const { service, resumeCheck } = setUp([], ['*.logic.azure.com']);
    service.resumePending();
    const check = resumeCheck();
    expect(check?.('https://prod.logic.azure.com/x')).toBeUndefined();
    expect(check?.('http://localhost:3000/flow')).toBe(
      'not sent: the flow URL is no longer allowlisted (host "localhost" matches no allowlisted pattern); unsubscribe the flow or allow its host',
    );
  });
});
