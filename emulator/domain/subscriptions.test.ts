import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.js';
import { EmulatorError } from '../core/errors.js';
import { createIdGenerator } from '../core/ids.js';
import { createMemoryStore } from '../state/memory/memory-store.js';
import { clinic, lunch, testSeed } from '../testing/seed.js';
import { createAllowlistPolicy } from './allowlist.js';
import { Directory } from './directory.js';
import { EmulatorEvents } from './events.js';
import { SubscriptionService } from './subscriptions.js';

const admin = 'admin@contoso.example';
const flowUrl = 'https://prod.logic.azure.com/workflows/1';

function setUp(webhookLimit = 5) {
  const store = createMemoryStore();
  const events = new EmulatorEvents();
  let flowsChanged = 0;
  events.on('flows:changed', () => flowsChanged++);
  const service = new SubscriptionService({
    subscriptions: store.subscriptions,
    directory: new Directory(testSeed),
    allowlist: createAllowlistPolicy(['*.logic.azure.com']),
    ids: createIdGenerator(7),
    clock: new VirtualClock(Date.parse('2025-01-06T09:00:00Z')),
    events,
    webhookLimit,
  });
  return { service, store, flowsChanged: () => flowsChanged };
}

function refusal(call: () => unknown): { status: number; code: string; message: string } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorError);
    const { statusCode, code, message } = error as EmulatorError;
    return { status: statusCode, code, message };
  }
  throw new Error('expected a refusal');
}

describe('SubscriptionService.subscribe', () => {
  it('stores the flow for the business as seeded, by the caller, now, and says flows changed', () => {
    const { service, store, flowsChanged } = setUp();
    const subscription = service.subscribe({
      caller: admin,
      mailbox: lunch.toUpperCase(),
      notificationUrl: flowUrl,
      changeTypes: ['Created', 'Updated'],
    });
    expect(subscription).toMatchObject({
      mailbox: lunch,
      notificationUrl: flowUrl,
      changeTypes: ['Created', 'Updated'],
      createdBy: admin,
      createdAt: '2025-01-06T09:00:00.000Z',
    });
    expect(store.subscriptions.list()).toEqual([subscription]);
    expect(service.list()).toEqual([subscription]);
    expect(flowsChanged()).toBe(1);
  });

  it('refuses in the contract order: unknown mailbox, not an administrator, URL, limit', () => {
    const { service, flowsChanged } = setUp(1);
    const input = {
      caller: admin,
      mailbox: lunch,
      notificationUrl: flowUrl,
      changeTypes: ['Created'] as const,
    };
    expect(refusal(() => service.subscribe({ ...input, mailbox: 'nobody@contoso.example' }))).toMatchObject({
      status: 404,
      code: 'MailboxNotFound',
    });
    // Checked before the URL: a member with a bad URL hears about the role first.
    expect(
      refusal(() =>
        service.subscribe({
          ...input,
          caller: 'member@contoso.example',
          notificationUrl: 'https://evil.example/',
        }),
      ),
    ).toMatchObject({ status: 403, code: 'NotBookingsAdministrator' });
    expect(refusal(() => service.subscribe({ ...input, mailbox: clinic }))).toMatchObject({
      status: 403,
      code: 'NotBookingsAdministrator',
    });
    const url = refusal(() => service.subscribe({ ...input, notificationUrl: 'https://evil.example/' }));
    expect(url).toMatchObject({ status: 403, code: 'NotificationUrlNotAllowlisted' });
    expect(url.message).toContain('host "evil.example" matches no allowlisted pattern');
    service.subscribe(input);
    expect(refusal(() => service.subscribe(input))).toMatchObject({
      status: 429,
      code: 'WebhookLimitExceeded',
    });
    expect(flowsChanged()).toBe(1);
  });

  it('counts the limit per mailbox across triggers and administrators', () => {
    const { service } = setUp(2);
    const base = { mailbox: lunch, notificationUrl: flowUrl };
    service.subscribe({ ...base, caller: admin, changeTypes: ['Created'] });
    service.subscribe({ ...base, caller: 'admin2@contoso.example', changeTypes: ['Deleted'] });
    expect(
      refusal(() =>
        service.subscribe({ ...base, caller: 'jwt-admin@contoso.example', changeTypes: ['Updated'] }),
      ),
    ).toMatchObject({ status: 429 });
  });
});

describe('SubscriptionService.unsubscribe', () => {
  it('removes the flow of the mailbox, case aside, and says flows changed', () => {
    const { service, flowsChanged } = setUp();
    const { webhookId } = service.subscribe({
      caller: admin,
      mailbox: lunch,
      notificationUrl: flowUrl,
      changeTypes: ['Created'],
    });
    expect(service.unsubscribe('admin2@contoso.example', lunch.toUpperCase(), webhookId).webhookId).toBe(
      webhookId,
    );
    expect(service.list()).toEqual([]);
    expect(flowsChanged()).toBe(2);
  });

  it('answers 404 WebhookNotFound for an unknown id or one of another mailbox, after the role check', () => {
    const { service } = setUp();
    expect(refusal(() => service.unsubscribe(admin, lunch, 'no-such-id'))).toMatchObject({
      status: 404,
      code: 'WebhookNotFound',
    });
    expect(refusal(() => service.unsubscribe('member@contoso.example', lunch, 'no-such-id'))).toMatchObject({
      status: 403,
      code: 'NotBookingsAdministrator',
    });
  });
});

describe('SubscriptionService.administeredMailboxes', () => {
  it('lists the businesses where the caller is an administrator, and none for others', () => {
    const { service } = setUp();
    expect(service.administeredMailboxes(admin)).toEqual([{ displayName: 'Contoso Lunch', email: lunch }]);
    expect(service.administeredMailboxes('member@contoso.example')).toEqual([]);
  });
});
