import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import type { BusinessDocument } from '../domain/businesses/documents.js';
import type { AppointmentRecord, DeliveryFilter, RetentionOptions, Store } from '../domain/store.js';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryStatus,
  InboxMessage,
  Subscription,
} from '../generated/schema-types.js';
import { createMemoryStore } from './memory/memory-store.js';
import { createSqliteStore, databaseFileName } from './sqlite/sqlite-store.js';

/**
 * One contract for every Store implementation (docs/decisions/003 and 009): the same cases run
 * against the memory store and the SQLite store, then SQLite alone is checked for durability.
 */

type TestStore = Store & { close?: () => void };

let tmpDir: string;
let opened: TestStore[] = [];

beforeEach(() => {
  tmpDir = mkdtempSync(join(tmpdir(), 'bookings-store-'));
});

afterEach(() => {
  for (const store of opened) store.close?.();
  opened = [];
  rmSync(tmpDir, { recursive: true, force: true });
});

function track<T extends TestStore>(store: T): T {
  opened.push(store);
  return store;
}

const openSqlite = (dir = tmpDir, options?: RetentionOptions) => track(createSqliteStore(dir, options));

function subscription(webhookId: string, mailbox: string): Subscription {
  return {
    webhookId,
    mailbox,
    notificationUrl: `https://flows.example/hooks/${webhookId}`,
    changeTypes: ['Created', 'Updated'],
    createdBy: 'admin@contoso.com',
    createdAt: '2026-01-05T08:00:00.000Z',
  };
}

function appointment(businessEmail: string, id: string, customer = 'Pat Patient'): AppointmentRecord {
  return {
    businessEmail,
    appointment: {
      id,
      serviceId: 'checkup',
      startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
      customers: [{ name: customer, emailAddress: 'pat@example.com' }],
      staffMemberIds: ['staff-1'],
    },
  };
}

function delivery(
  deliveryId: string,
  webhookId: string,
  mailbox: string,
  appointmentId: string,
  status: DeliveryStatus = 'pending',
): Delivery {
  return {
    deliveryId,
    webhookId,
    mailbox,
    appointmentId,
    changeType: 'Created',
    url: `https://flows.example/hooks/${webhookId}`,
    status,
    createdAt: '2026-01-05T08:00:00.000Z',
    attempts: [],
    payload: { SelfServiceAppointmentId: appointmentId, ServiceName: 'Checkup', StaffMembers: [] },
  };
}

function attempt(n: number, outcome: DeliveryAttempt['outcome']): DeliveryAttempt {
  return {
    attempt: n,
    startedAt: `2026-01-05T08:0${n}:00.000Z`,
    requestHeaders: { 'content-type': 'application/json', 'x-attempt': String(n) },
    requestBody: '{"SelfServiceAppointmentId":"appt-1"}',
    ...(outcome === 'retry' ? { responseStatus: 503, responseBodyExcerpt: 'busy' } : { responseStatus: 200 }),
    latencyMs: 12 + n,
    outcome,
  };
}

const ids = (deliveries: Delivery[]) => deliveries.map((d) => d.deliveryId);

function inboxMessage(n: number, body: unknown = { n }): InboxMessage {
  // The inbox keeps any body (text too); the generated type says an object.
  return {
    receivedAt: `2026-01-05T08:0${n}:00.000Z`,
    headers: { 'content-type': 'application/json', 'x-emulator-attempt': '1' },
    body: body as InboxMessage['body'],
  };
}

describe.each<[string, (options?: RetentionOptions) => TestStore]>([
  ['memory', (options) => createMemoryStore(options)],
  ['sqlite', (options) => openSqlite(tmpDir, options)],
])('%s store', (_name, open) => {
  describe('subscriptions', () => {
    it('adds, gets, lists in insertion order and removes', () => {
      const { subscriptions } = open();
      const second = subscription('wh-b', 'Lunch@Contoso.com');
      const first = subscription('wh-z', 'lunch@contoso.com');
      const other = subscription('wh-a', 'clinic@contoso.com');
      for (const s of [second, first, other]) expect(subscriptions.addWithinLimit(s, 5)).toBe(true);

      expect(subscriptions.get('wh-b')).toStrictEqual(subscription('wh-b', 'Lunch@Contoso.com'));
      expect(subscriptions.get('missing')).toBeUndefined();
      expect(subscriptions.list().map((s) => s.webhookId)).toEqual(['wh-b', 'wh-z', 'wh-a']);
      expect(subscriptions.listByMailbox('LUNCH@contoso.COM').map((s) => s.webhookId)).toEqual([
        'wh-b',
        'wh-z',
      ]);
      expect(subscriptions.listByMailbox('clinic@contoso.com')).toStrictEqual([other]);
      expect(subscriptions.listByMailbox('nobody@contoso.com')).toEqual([]);

      expect(subscriptions.remove('wh-b')).toBe(true);
      expect(subscriptions.remove('wh-b')).toBe(false);
      expect(subscriptions.get('wh-b')).toBeUndefined();
      expect(subscriptions.list().map((s) => s.webhookId)).toEqual(['wh-z', 'wh-a']);
    });

    it('refuses the sixth flow on a mailbox, whatever its case, but not on another mailbox', () => {
      const { subscriptions } = open();
      for (let i = 0; i < 5; i++) {
        const mailbox = i % 2 === 0 ? 'lunch@contoso.com' : 'LUNCH@Contoso.com';
        expect(subscriptions.addWithinLimit(subscription(`wh-${i}`, mailbox), 5)).toBe(true);
      }
      expect(subscriptions.addWithinLimit(subscription('wh-6', 'Lunch@contoso.com'), 5)).toBe(false);
      expect(subscriptions.get('wh-6')).toBeUndefined();
      expect(subscriptions.addWithinLimit(subscription('wh-7', 'clinic@contoso.com'), 5)).toBe(true);
      expect(subscriptions.listByMailbox('lunch@contoso.com')).toHaveLength(5);

      // A slot freed by remove can be taken again.
      expect(subscriptions.remove('wh-0')).toBe(true);
      expect(subscriptions.addWithinLimit(subscription('wh-8', 'lunch@contoso.com'), 5)).toBe(true);
      expect(subscriptions.addWithinLimit(subscription('wh-9', 'lunch@contoso.com'), 5)).toBe(false);
    });

    it('lets exactly 5 of 50 calls through', async () => {
      const { subscriptions } = open();
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) =>
          subscriptions.addWithinLimit(
            subscription(`race-${i}`, i % 2 ? 'Race@contoso.com' : 'race@contoso.com'),
            5,
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(5);
      expect(subscriptions.listByMailbox('race@contoso.com').map((s) => s.webhookId)).toEqual([
        'race-0',
        'race-1',
        'race-2',
        'race-3',
        'race-4',
      ]);
    });

    it('clears', () => {
      const { subscriptions } = open();
      subscriptions.addWithinLimit(subscription('wh-1', 'lunch@contoso.com'), 5);
      subscriptions.clear();
      expect(subscriptions.list()).toEqual([]);
      expect(subscriptions.get('wh-1')).toBeUndefined();
      expect(subscriptions.addWithinLimit(subscription('wh-1', 'lunch@contoso.com'), 1)).toBe(true);
    });
  });

  describe('appointments', () => {
    it('inserts, gets and lists by business, case-insensitively', () => {
      const { appointments } = open();
      appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
      appointments.insert(appointment('clinic@contoso.com', 'appt-1'));
      appointments.insert(appointment('lunch@contoso.com', 'appt-1'));

      expect(appointments.get('LUNCH@contoso.com', 'appt-2')).toStrictEqual(
        appointment('lunch@contoso.com', 'appt-2'),
      );
      expect(appointments.get('lunch@contoso.com', 'missing')).toBeUndefined();
      expect(appointments.get('nobody@contoso.com', 'appt-2')).toBeUndefined();
      expect(appointments.listByBusiness('Lunch@Contoso.com').map((r) => r.appointment.id)).toEqual([
        'appt-2',
        'appt-1',
      ]);
      expect(appointments.listByBusiness('clinic@contoso.com')).toStrictEqual([
        appointment('clinic@contoso.com', 'appt-1'),
      ]);
      expect(appointments.listByBusiness('nobody@contoso.com')).toEqual([]);
    });

    it('inserting an existing id overwrites the record and keeps its place', () => {
      const { appointments } = open();
      appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
      appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
      appointments.insert(appointment('lunch@contoso.com', 'appt-1', 'Sam Changed'));
      expect(appointments.listByBusiness('lunch@contoso.com')).toStrictEqual([
        appointment('lunch@contoso.com', 'appt-1', 'Sam Changed'),
        appointment('lunch@contoso.com', 'appt-2'),
      ]);
    });

    it('replaces: the old id is gone, the new one present, other businesses untouched', () => {
      const { appointments } = open();
      appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
      appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
      appointments.insert(appointment('clinic@contoso.com', 'appt-1'));

      appointments.replace('appt-1', appointment('lunch@contoso.com', 'appt-9', 'Sam Rescheduled'));

      expect(appointments.get('lunch@contoso.com', 'appt-1')).toBeUndefined();
      expect(appointments.get('lunch@contoso.com', 'appt-9')).toStrictEqual(
        appointment('lunch@contoso.com', 'appt-9', 'Sam Rescheduled'),
      );
      expect(appointments.get('clinic@contoso.com', 'appt-1')).toStrictEqual(
        appointment('clinic@contoso.com', 'appt-1'),
      );
      expect(appointments.listByBusiness('lunch@contoso.com').map((r) => r.appointment.id)).toEqual([
        'appt-2',
        'appt-9',
      ]);

      // Replacing with the same id updates the record.
      appointments.replace('appt-9', appointment('lunch@contoso.com', 'appt-9', 'Sam Again'));
      expect(appointments.get('lunch@contoso.com', 'appt-9')?.appointment.customers?.[0]?.name).toBe(
        'Sam Again',
      );
      expect(appointments.listByBusiness('lunch@contoso.com')).toHaveLength(2);
    });

    it('removes and clears', () => {
      const { appointments } = open();
      appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
      appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
      expect(appointments.remove('Lunch@Contoso.com', 'appt-1')).toBe(true);
      expect(appointments.remove('lunch@contoso.com', 'appt-1')).toBe(false);
      expect(appointments.get('lunch@contoso.com', 'appt-1')).toBeUndefined();
      expect(appointments.listByBusiness('lunch@contoso.com').map((r) => r.appointment.id)).toEqual([
        'appt-2',
      ]);
      appointments.clear();
      expect(appointments.listByBusiness('lunch@contoso.com')).toEqual([]);
      expect(appointments.get('lunch@contoso.com', 'appt-2')).toBeUndefined();
    });
  });

  describe('deliveries', () => {
    // Ids, flows and appointments deliberately out of lexical order: list() must follow insertion.
    const journal = (): Delivery[] => [
      delivery('d-07', 'flow-b', 'Lunch@Contoso.com', 'appt-2', 'pending'),
      delivery('d-02', 'flow-a', 'lunch@contoso.com', 'appt-1', 'delivered'),
      delivery('d-11', 'flow-c', 'clinic@contoso.com', 'appt-1', 'failed'),
      delivery('d-01', 'flow-b', 'lunch@contoso.com', 'appt-1', 'retrying'),
      delivery('d-05', 'flow-a', 'LUNCH@contoso.com', 'appt-2', 'delivered'),
      delivery('d-09', 'flow-c', 'clinic@contoso.com', 'appt-3', 'pending'),
      delivery('d-03', 'flow-b', 'lunch@contoso.com', 'appt-2', 'delivered'),
    ];

    it('inserts, gets and lists everything in insertion order', () => {
      const { deliveries } = open();
      for (const d of journal()) deliveries.insert(d);
      expect(deliveries.get('d-11')).toStrictEqual(journal()[2]);
      expect(deliveries.get('missing')).toBeUndefined();
      expect(deliveries.list()).toStrictEqual(journal());
      expect(ids(deliveries.list({}))).toEqual(['d-07', 'd-02', 'd-11', 'd-01', 'd-05', 'd-09', 'd-03']);
    });

    it('filters by each field and by combinations', () => {
      const { deliveries } = open();
      for (const d of journal()) deliveries.insert(d);

      expect(ids(deliveries.list({ webhookId: 'flow-b' }))).toEqual(['d-07', 'd-01', 'd-03']);
      expect(ids(deliveries.list({ mailbox: 'LUNCH@CONTOSO.COM' }))).toEqual([
        'd-07',
        'd-02',
        'd-01',
        'd-05',
        'd-03',
      ]);
      expect(ids(deliveries.list({ status: 'delivered' }))).toEqual(['d-02', 'd-05', 'd-03']);
      expect(ids(deliveries.list({ appointmentId: 'appt-1' }))).toEqual(['d-02', 'd-11', 'd-01']);
      expect(ids(deliveries.list({ webhookId: 'flow-b', status: 'delivered' }))).toEqual(['d-03']);
      expect(ids(deliveries.list({ mailbox: 'lunch@contoso.com', appointmentId: 'appt-2' }))).toEqual([
        'd-07',
        'd-05',
        'd-03',
      ]);
      expect(
        ids(
          deliveries.list({
            webhookId: 'flow-a',
            mailbox: 'Lunch@Contoso.com',
            status: 'delivered',
            appointmentId: 'appt-2',
          }),
        ),
      ).toEqual(['d-05']);
      expect(deliveries.list({ webhookId: 'flow-c', mailbox: 'lunch@contoso.com' })).toEqual([]);
      expect(deliveries.list({ appointmentId: 'missing' })).toEqual([]);

      // Every combination of every value (present, absent, and unset), against a plain filter.
      const webhookIds = [undefined, 'flow-a', 'flow-b', 'flow-c', 'flow-none'];
      const mailboxes = [undefined, 'lunch@contoso.com', 'Clinic@Contoso.com', 'nobody@contoso.com'];
      const statuses = [undefined, 'pending', 'retrying', 'delivered', 'failed'] as const;
      const appointmentIds = [undefined, 'appt-1', 'appt-2', 'appt-3', 'appt-none'];
      for (const webhookId of webhookIds)
        for (const mailbox of mailboxes)
          for (const status of statuses)
            for (const appointmentId of appointmentIds) {
              const filter: DeliveryFilter = { webhookId, mailbox, status, appointmentId };
              const expected = journal().filter(
                (d) =>
                  (webhookId === undefined || d.webhookId === webhookId) &&
                  (mailbox === undefined || d.mailbox.toLowerCase() === mailbox.toLowerCase()) &&
                  (status === undefined || d.status === status) &&
                  (appointmentId === undefined || d.appointmentId === appointmentId),
              );
              expect(ids(deliveries.list(filter)), JSON.stringify(filter)).toEqual(ids(expected));
            }
    });

    it('saves status, appended attempts and nextAttemptAt, then its removal, in place', () => {
      const { deliveries } = open();
      for (const d of journal()) deliveries.insert(d);

      const first = deliveries.get('d-07');
      if (!first) throw new Error('d-07 missing');
      first.status = 'retrying';
      first.attempts.push(attempt(1, 'retry'));
      first.nextAttemptAt = '2026-01-05T08:05:00.000Z';
      deliveries.save(first);

      expect(deliveries.get('d-07')).toStrictEqual({
        ...delivery('d-07', 'flow-b', 'Lunch@Contoso.com', 'appt-2', 'retrying'),
        attempts: [attempt(1, 'retry')],
        nextAttemptAt: '2026-01-05T08:05:00.000Z',
      });
      expect(ids(deliveries.list({ status: 'retrying' }))).toEqual(['d-07', 'd-01']);
      expect(ids(deliveries.list({ status: 'pending' }))).toEqual(['d-09']);

      const again = deliveries.get('d-07');
      if (!again) throw new Error('d-07 missing');
      again.status = 'delivered';
      again.attempts.push(attempt(2, 'delivered'));
      delete again.nextAttemptAt;
      deliveries.save(again);

      const saved = deliveries.get('d-07');
      expect(saved).toStrictEqual({
        ...delivery('d-07', 'flow-b', 'Lunch@Contoso.com', 'appt-2', 'delivered'),
        attempts: [attempt(1, 'retry'), attempt(2, 'delivered')],
      });
      expect(saved).not.toHaveProperty('nextAttemptAt');
      expect(deliveries.list({ webhookId: 'flow-b' })[0]).toStrictEqual(saved);
      expect(ids(deliveries.list({ status: 'retrying' }))).toEqual(['d-01']);
      expect(ids(deliveries.list({ status: 'delivered' }))).toEqual(['d-07', 'd-02', 'd-05', 'd-03']);
      // Saving does not move a delivery in the journal.
      expect(ids(deliveries.list())).toEqual(['d-07', 'd-02', 'd-11', 'd-01', 'd-05', 'd-09', 'd-03']);
    });

    it('clears', () => {
      const { deliveries } = open();
      for (const d of journal()) deliveries.insert(d);
      deliveries.clear();
      expect(deliveries.list()).toEqual([]);
      expect(deliveries.list({ webhookId: 'flow-b' })).toEqual([]);
      expect(deliveries.get('d-07')).toBeUndefined();
      deliveries.insert(delivery('d-99', 'flow-b', 'lunch@contoso.com', 'appt-1'));
      expect(ids(deliveries.list({ webhookId: 'flow-b' }))).toEqual(['d-99']);
    });
  });

  describe('inboxes', () => {
    it('appends per inbox name, exactly as written, and lists oldest first', () => {
      const { inboxes } = open();
      inboxes.append('demo', inboxMessage(1));
      inboxes.append('Demo', inboxMessage(2, 'plain text'));
      inboxes.append('demo', inboxMessage(3, { nested: { list: [1, null, 'x'] } }));
      expect(inboxes.list('demo')).toStrictEqual([
        inboxMessage(1),
        inboxMessage(3, { nested: { list: [1, null, 'x'] } }),
      ]);
      expect(inboxes.list('Demo')).toStrictEqual([inboxMessage(2, 'plain text')]);
      expect(inboxes.list('nothing-yet')).toEqual([]);
    });

    it('returns copies: what a caller does to the list is not stored', () => {
      const { inboxes } = open();
      inboxes.append('demo', inboxMessage(1));
      inboxes.list('demo').push(inboxMessage(2));
      expect(inboxes.list('demo')).toHaveLength(1);
    });

    it('removes one inbox and clears them all', () => {
      const { inboxes } = open();
      inboxes.append('a', inboxMessage(1));
      inboxes.append('b', inboxMessage(2));
      expect(inboxes.remove('a')).toBe(true);
      expect(inboxes.remove('a')).toBe(false);
      expect(inboxes.list('a')).toEqual([]);
      expect(inboxes.list('b')).toHaveLength(1);
      inboxes.append('a', inboxMessage(3));
      expect(inboxes.list('a')).toStrictEqual([inboxMessage(3)]);
      inboxes.clear();
      expect(inboxes.list('a')).toEqual([]);
      expect(inboxes.list('b')).toEqual([]);
    });
  });

  describe('retention (retainDeliveries)', () => {
    /** Saves a copy with the new status, as the SQLite store always hands out copies. */
    const saveStatus = (store: Store, id: string, status: DeliveryStatus) => {
      const current = store.deliveries.get(id);
      if (!current) throw new Error(`${id} missing`);
      store.deliveries.save({ ...current, status });
    };

    it('evicts the oldest settled deliveries in journal order, never a pending or retrying one', () => {
      const store = open({ retainDeliveries: 3 });
      const { deliveries } = store;
      deliveries.insert(delivery('d1', 'flow-a', 'lunch@contoso.com', 'appt-1', 'pending'));
      deliveries.insert(delivery('d2', 'flow-a', 'lunch@contoso.com', 'appt-1', 'delivered'));
      deliveries.insert(delivery('d3', 'flow-b', 'lunch@contoso.com', 'appt-2', 'failed'));
      expect(deliveries.evicted()).toBe(0);
      deliveries.insert(delivery('d4', 'flow-b', 'lunch@contoso.com', 'appt-2', 'retrying'));
      // Four: the oldest settled one goes, not the older pending d1.
      expect(ids(deliveries.list())).toEqual(['d1', 'd3', 'd4']);
      expect(deliveries.get('d2')).toBeUndefined();
      expect(deliveries.evicted()).toBe(1);

      deliveries.insert(delivery('d5', 'flow-a', 'lunch@contoso.com', 'appt-3', 'delivered'));
      expect(ids(deliveries.list())).toEqual(['d1', 'd4', 'd5']);
      deliveries.insert(delivery('d6', 'flow-a', 'lunch@contoso.com', 'appt-3', 'pending'));
      expect(ids(deliveries.list())).toEqual(['d1', 'd4', 'd6']);
      deliveries.insert(delivery('d7', 'flow-b', 'lunch@contoso.com', 'appt-4', 'pending'));
      // Nothing settled is left: the journal holds more than 3 rather than lose one in flight.
      expect(ids(deliveries.list())).toEqual(['d1', 'd4', 'd6', 'd7']);
      expect(deliveries.evicted()).toBe(3);

      // Settling one lets it go at once, the journal being over its limit.
      saveStatus(store, 'd4', 'delivered');
      expect(ids(deliveries.list())).toEqual(['d1', 'd6', 'd7']);
      expect(deliveries.evicted()).toBe(4);
      // At the limit, settling evicts nothing.
      saveStatus(store, 'd7', 'delivered');
      saveStatus(store, 'd1', 'failed');
      expect(ids(deliveries.list())).toEqual(['d1', 'd6', 'd7']);

      // d1 settled after d7 but is older: it goes first.
      deliveries.insert(delivery('d8', 'flow-a', 'lunch@contoso.com', 'appt-5', 'delivered'));
      expect(ids(deliveries.list())).toEqual(['d6', 'd7', 'd8']);
      // A redelivered d7 is in flight again: the next to go is d8.
      saveStatus(store, 'd7', 'pending');
      deliveries.insert(delivery('d9', 'flow-b', 'lunch@contoso.com', 'appt-5', 'pending'));
      expect(ids(deliveries.list())).toEqual(['d6', 'd7', 'd9']);
      expect(deliveries.get('d7')?.status).toBe('pending');
      expect(deliveries.evicted()).toBe(6);
    });

    it('never lists an evicted delivery, whatever the filter', () => {
      const { deliveries } = open({ retainDeliveries: 2 });
      deliveries.insert(delivery('d1', 'flow-a', 'lunch@contoso.com', 'appt-1', 'retrying'));
      deliveries.insert(delivery('d2', 'flow-a', 'Lunch@contoso.com', 'appt-1', 'delivered'));
      deliveries.insert(delivery('d3', 'flow-b', 'clinic@contoso.com', 'appt-1', 'failed'));
      deliveries.insert(delivery('d4', 'flow-a', 'lunch@contoso.com', 'appt-2', 'delivered'));
      expect(ids(deliveries.list())).toEqual(['d1', 'd4']);
      expect(ids(deliveries.list({ webhookId: 'flow-a' }))).toEqual(['d1', 'd4']);
      expect(deliveries.list({ webhookId: 'flow-b' })).toEqual([]);
      expect(ids(deliveries.list({ appointmentId: 'appt-1' }))).toEqual(['d1']);
      expect(ids(deliveries.list({ appointmentId: 'appt-2' }))).toEqual(['d4']);
      expect(ids(deliveries.list({ mailbox: 'LUNCH@contoso.com' }))).toEqual(['d1', 'd4']);
      expect(deliveries.list({ mailbox: 'clinic@contoso.com' })).toEqual([]);
      expect(ids(deliveries.list({ status: 'delivered' }))).toEqual(['d4']);
      expect(deliveries.list({ status: 'failed' })).toEqual([]);
      expect(deliveries.get('d2')).toBeUndefined();
      expect(deliveries.get('d3')).toBeUndefined();
      // What is kept still saves in place, and the lookups follow.
      const kept = deliveries.get('d1');
      if (!kept) throw new Error('d1 missing');
      deliveries.save({ ...kept, attempts: [attempt(1, 'retry')] });
      expect(deliveries.list({ appointmentId: 'appt-1' })[0]?.attempts).toEqual([attempt(1, 'retry')]);
      expect(ids(deliveries.list({ webhookId: 'flow-a', status: 'retrying' }))).toEqual(['d1']);
    });

    it('counts what it evicted until clear(), then starts over', () => {
      const { deliveries } = open({ retainDeliveries: 2 });
      for (let n = 1; n <= 5; n++)
        deliveries.insert(delivery(`d${n}`, 'flow-a', 'lunch@contoso.com', `appt-${n}`, 'delivered'));
      expect(ids(deliveries.list())).toEqual(['d4', 'd5']);
      expect(deliveries.evicted()).toBe(3);
      deliveries.clear();
      expect(deliveries.evicted()).toBe(0);
      expect(deliveries.list()).toEqual([]);
      for (let n = 6; n <= 8; n++)
        deliveries.insert(delivery(`d${n}`, 'flow-a', 'lunch@contoso.com', 'appt-1', 'failed'));
      expect(ids(deliveries.list({ appointmentId: 'appt-1' }))).toEqual(['d7', 'd8']);
      expect(deliveries.evicted()).toBe(1);
    });

    it('keeps everything and evicts nothing when retention is off', () => {
      const { deliveries, inboxes } = open();
      for (let n = 1; n <= 20; n++) {
        deliveries.insert(delivery(`d${n}`, 'flow-a', 'lunch@contoso.com', 'appt-1', 'delivered'));
        inboxes.append('demo', inboxMessage(n % 10));
      }
      expect(deliveries.list()).toHaveLength(20);
      expect(deliveries.evicted()).toBe(0);
      expect(inboxes.list('demo')).toHaveLength(20);
      expect(inboxes.evicted('demo')).toBe(0);
    });

    it('keeps the newest messages of each inbox and counts the others per inbox', () => {
      const { inboxes } = open({ retainDeliveries: 2 });
      for (let n = 1; n <= 5; n++) inboxes.append('a', inboxMessage(n));
      inboxes.append('b', inboxMessage(6));
      expect(inboxes.list('a')).toStrictEqual([inboxMessage(4), inboxMessage(5)]);
      expect(inboxes.evicted('a')).toBe(3);
      expect(inboxes.list('b')).toStrictEqual([inboxMessage(6)]);
      expect(inboxes.evicted('b')).toBe(0);
      expect(inboxes.evicted('never')).toBe(0);

      // Emptying an inbox starts its count over; the others keep theirs.
      expect(inboxes.remove('a')).toBe(true);
      expect(inboxes.evicted('a')).toBe(0);
      for (let n = 7; n <= 9; n++) inboxes.append('a', inboxMessage(n));
      expect(inboxes.list('a')).toStrictEqual([inboxMessage(8), inboxMessage(9)]);
      expect(inboxes.evicted('a')).toBe(1);
      for (let n = 1; n <= 3; n++) inboxes.append('b', inboxMessage(n));
      expect(inboxes.evicted('b')).toBe(2);

      inboxes.clear();
      expect(inboxes.evicted('a')).toBe(0);
      expect(inboxes.evicted('b')).toBe(0);
      expect(inboxes.list('a')).toEqual([]);
    });
  });

  describe('businesses', () => {
    const business = (email: string, displayName: string): BusinessDocument => ({
      business: { id: email, displayName },
      services: [{ id: 'svc1', displayName: 'Consultation', defaultDuration: 'PT30M' }],
      staffMembers: [
        { id: 's1', displayName: 'Ada', emailAddress: 'ada@contoso.com', role: 'administrator' },
      ],
      customers: [],
      customQuestions: [],
    });

    it('gives back what was saved from the same seed, and nothing for another seed', () => {
      const { businesses } = open();
      expect(businesses.load('seed-a')).toBeUndefined();
      businesses.replaceAll('seed-a', [business('lunch@contoso.com', 'Lunch'), business('b@x.com', 'B')]);
      businesses.save(business('LUNCH@contoso.com', 'Lunch, renamed'));
      expect(businesses.load('seed-a')).toStrictEqual([
        business('LUNCH@contoso.com', 'Lunch, renamed'),
        business('b@x.com', 'B'),
      ]);
      expect(businesses.load('seed-b')).toBeUndefined();
      businesses.replaceAll('seed-b', [business('c@x.com', 'C')]);
      expect(businesses.load('seed-a')).toBeUndefined();
      expect(businesses.load('seed-b')).toStrictEqual([business('c@x.com', 'C')]);
    });
  });

  it('clearing one aggregate leaves the others', () => {
    const store = open();
    store.subscriptions.addWithinLimit(subscription('wh-1', 'lunch@contoso.com'), 5);
    store.appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
    store.deliveries.insert(delivery('d-1', 'wh-1', 'lunch@contoso.com', 'appt-1'));
    store.inboxes.append('demo', inboxMessage(1));
    store.subscriptions.clear();
    expect(store.appointments.listByBusiness('lunch@contoso.com')).toHaveLength(1);
    expect(store.deliveries.list()).toHaveLength(1);
    store.appointments.clear();
    expect(store.deliveries.list()).toHaveLength(1);
    store.deliveries.clear();
    expect(store.inboxes.list('demo')).toHaveLength(1);
    store.inboxes.clear();
    expect(store.subscriptions.list()).toEqual([]);
  });
});

describe('sqlite store durability', () => {
  it('keeps a change and the deliveries it made whole or not at all', () => {
    const store = openSqlite();
    expect(store.atomically(() => 42)).toBe(42);
    expect(() =>
      store.atomically(() => {
        store.appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
        store.deliveries.insert(delivery('d-1', 'wh-1', 'lunch@contoso.com', 'appt-1'));
        throw new Error('killed before the change was whole');
      }),
    ).toThrow('killed before the change was whole');
    expect(store.appointments.get('lunch@contoso.com', 'appt-1')).toBeUndefined();
    expect(store.deliveries.list()).toEqual([]);

    store.atomically(() => {
      store.appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
      store.deliveries.insert(delivery('d-2', 'wh-1', 'lunch@contoso.com', 'appt-2'));
    });
    store.close();
    const reopened = openSqlite();
    expect(reopened.appointments.get('lunch@contoso.com', 'appt-2')).toBeDefined();
    expect(ids(reopened.deliveries.list())).toEqual(['d-2']);
  });

  function fill(store: Store): { subscriptions: Subscription[]; deliveries: Delivery[] } {
    const subscriptions = [
      subscription('wh-b', 'Lunch@Contoso.com'),
      subscription('wh-a', 'clinic@contoso.com'),
      subscription('wh-c', 'lunch@contoso.com'),
    ];
    for (const s of subscriptions) store.subscriptions.addWithinLimit(s, 5);
    store.appointments.insert(appointment('lunch@contoso.com', 'appt-2'));
    store.appointments.insert(appointment('lunch@contoso.com', 'appt-1'));
    store.appointments.replace('appt-1', appointment('lunch@contoso.com', 'appt-5', 'Sam'));

    const deliveries = [
      delivery('d-2', 'wh-b', 'Lunch@Contoso.com', 'appt-2'),
      delivery('d-1', 'wh-c', 'lunch@contoso.com', 'appt-2'),
      delivery('d-3', 'wh-a', 'clinic@contoso.com', 'appt-7'),
    ];
    for (const d of deliveries) store.deliveries.insert(d);
    const [retrying, delivered] = deliveries;
    if (!retrying || !delivered) throw new Error('fixture');
    retrying.status = 'retrying';
    retrying.attempts.push(attempt(1, 'retry'));
    retrying.nextAttemptAt = '2026-01-05T08:05:00.000Z';
    store.deliveries.save(retrying);
    delivered.status = 'delivered';
    delivered.attempts.push(attempt(1, 'delivered'));
    store.deliveries.save(delivered);
    store.inboxes.append('demo', inboxMessage(1));
    store.inboxes.append('other', inboxMessage(2, 'text'));
    store.inboxes.append('demo', inboxMessage(3));
    return { subscriptions, deliveries };
  }

  it('keeps every aggregate across close and reopen', () => {
    const first = openSqlite();
    const written = fill(first);
    first.close();

    const reopened = openSqlite();
    expect(reopened.subscriptions.list()).toStrictEqual(written.subscriptions);
    expect(reopened.subscriptions.listByMailbox('LUNCH@contoso.com').map((s) => s.webhookId)).toEqual([
      'wh-b',
      'wh-c',
    ]);
    expect(reopened.appointments.listByBusiness('lunch@contoso.com')).toStrictEqual([
      appointment('lunch@contoso.com', 'appt-2'),
      appointment('lunch@contoso.com', 'appt-5', 'Sam'),
    ]);
    expect(reopened.appointments.get('lunch@contoso.com', 'appt-1')).toBeUndefined();
    expect(reopened.deliveries.list()).toStrictEqual(written.deliveries);
    expect(reopened.deliveries.get('d-2')?.attempts).toEqual([attempt(1, 'retry')]);
    expect(ids(reopened.deliveries.list({ status: 'retrying' }))).toEqual(['d-2']);
    expect(ids(reopened.deliveries.list({ status: 'delivered', mailbox: 'LUNCH@CONTOSO.COM' }))).toEqual([
      'd-1',
    ]);
    expect(reopened.inboxes.list('demo')).toStrictEqual([inboxMessage(1), inboxMessage(3)]);
    expect(reopened.inboxes.list('other')).toStrictEqual([inboxMessage(2, 'text')]);

    // The limit still counts what was there before the restart, and new rows go after the old ones.
    expect(reopened.subscriptions.addWithinLimit(subscription('wh-d', 'lunch@contoso.com'), 2)).toBe(false);
    reopened.deliveries.insert(delivery('d-0', 'wh-b', 'lunch@contoso.com', 'appt-2'));
    expect(ids(reopened.deliveries.list({ webhookId: 'wh-b' }))).toEqual(['d-2', 'd-0']);
  });

  it('creates a missing folder holding one WAL database at schema version 4', () => {
    const dataDir = join(tmpDir, 'nested', 'data');
    const store = openSqlite(dataDir);
    store.subscriptions.addWithinLimit(subscription('wh-1', 'lunch@contoso.com'), 5);
    store.close();
    store.close(); // closing twice is harmless

    expect(readdirSync(dataDir)).toContain(databaseFileName);
    const db = new Database(join(dataDir, databaseFileName), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(4);
    } finally {
      db.close();
    }
    // Opening again runs the (idempotent) schema again without harm.
    expect(openSqlite(dataDir).subscriptions.list()).toHaveLength(1);
  });

  it('upgrades a version 1 database (no inbox table) and keeps its rows', () => {
    const store = openSqlite();
    store.subscriptions.addWithinLimit(subscription('wh-1', 'lunch@contoso.com'), 5);
    store.close();
    // What an emulator before the inbox table left behind.
    const old = new Database(join(tmpDir, databaseFileName));
    old.exec('DROP TABLE inbox_messages');
    old.pragma('user_version = 1');
    old.close();

    const upgraded = openSqlite();
    expect(upgraded.subscriptions.list().map((s) => s.webhookId)).toEqual(['wh-1']);
    upgraded.inboxes.append('demo', inboxMessage(1));
    expect(upgraded.inboxes.list('demo')).toStrictEqual([inboxMessage(1)]);
  });

  it('keeps retention and its counts across a restart, and applies a smaller limit on reopening', () => {
    const first = openSqlite(tmpDir, { retainDeliveries: 3 });
    first.deliveries.insert(delivery('d0', 'wh-1', 'lunch@contoso.com', 'appt-1', 'retrying'));
    for (let n = 1; n <= 5; n++)
      first.deliveries.insert(delivery(`d${n}`, 'wh-1', 'lunch@contoso.com', 'appt-1', 'delivered'));
    for (let n = 1; n <= 5; n++) first.inboxes.append('demo', inboxMessage(n));
    expect(ids(first.deliveries.list())).toEqual(['d0', 'd4', 'd5']);
    first.close();

    // The counts are kept with the rows: the journal after a restart still lacks what went before.
    const same = openSqlite(tmpDir, { retainDeliveries: 3 });
    expect(ids(same.deliveries.list())).toEqual(['d0', 'd4', 'd5']);
    expect(same.deliveries.evicted()).toBe(3);
    expect(same.inboxes.list('demo')).toStrictEqual([inboxMessage(3), inboxMessage(4), inboxMessage(5)]);
    expect(same.inboxes.evicted('demo')).toBe(2);
    same.deliveries.insert(delivery('d6', 'wh-1', 'lunch@contoso.com', 'appt-1', 'delivered'));
    expect(ids(same.deliveries.list())).toEqual(['d0', 'd5', 'd6']);
    expect(same.deliveries.evicted()).toBe(4);
    same.close();

    // A smaller limit trims on opening; the retrying delivery stays.
    const smaller = openSqlite(tmpDir, { retainDeliveries: 1 });
    expect(ids(smaller.deliveries.list())).toEqual(['d0']);
    expect(smaller.deliveries.evicted()).toBe(6);
    expect(smaller.inboxes.list('demo')).toStrictEqual([inboxMessage(5)]);
    expect(smaller.inboxes.evicted('demo')).toBe(4);
    smaller.close();

    // Without retention: everything kept from now on, and the count of what went before stays.
    const unbounded = openSqlite();
    for (let n = 7; n <= 9; n++)
      unbounded.deliveries.insert(delivery(`d${n}`, 'wh-1', 'lunch@contoso.com', 'appt-1', 'delivered'));
    expect(ids(unbounded.deliveries.list())).toEqual(['d0', 'd7', 'd8', 'd9']);
    expect(unbounded.deliveries.evicted()).toBe(6);
    unbounded.deliveries.clear();
    expect(unbounded.deliveries.evicted()).toBe(0);
  });

  it('upgrades a version 3 database: its rows are counted, then retention applies', () => {
    const store = openSqlite();
    for (let n = 1; n <= 4; n++) {
      store.deliveries.insert(delivery(`d${n}`, 'wh-1', 'lunch@contoso.com', 'appt-1', 'delivered'));
      store.inboxes.append('demo', inboxMessage(n));
    }
    store.close();
    // What an emulator before retention left behind.
    const old = new Database(join(tmpDir, databaseFileName));
    old.exec(`
      DROP TRIGGER deliveries_counted_in; DROP TRIGGER deliveries_counted_out;
      DROP TRIGGER inbox_messages_counted_in; DROP TRIGGER inbox_messages_counted_out;
      DROP INDEX deliveries_settled; DROP TABLE delivery_journal; DROP TABLE inbox_counts;
    `);
    old.pragma('user_version = 3');
    old.close();

    const upgraded = openSqlite(tmpDir, { retainDeliveries: 3 });
    expect(ids(upgraded.deliveries.list())).toEqual(['d2', 'd3', 'd4']);
    expect(upgraded.deliveries.evicted()).toBe(1);
    expect(upgraded.inboxes.list('demo')).toStrictEqual([inboxMessage(2), inboxMessage(3), inboxMessage(4)]);
    expect(upgraded.inboxes.evicted('demo')).toBe(1);
    upgraded.deliveries.insert(delivery('d5', 'wh-1', 'lunch@contoso.com', 'appt-1', 'delivered'));
    expect(ids(upgraded.deliveries.list())).toEqual(['d3', 'd4', 'd5']);
  });

  it('returns copies: a change is stored only by save()', () => {
    const { deliveries } = openSqlite();
    deliveries.insert(delivery('d-1', 'wh-1', 'lunch@contoso.com', 'appt-1'));
    const loaded = deliveries.get('d-1');
    if (!loaded) throw new Error('d-1 missing');
    loaded.status = 'failed';
    expect(deliveries.get('d-1')?.status).toBe('pending');
    deliveries.save(loaded);
    expect(deliveries.get('d-1')?.status).toBe('failed');
  });

  it('loses nothing committed when the process is killed with SIGKILL', async () => {
    const source = join(packageRoot, 'emulator', 'state', 'sqlite', 'sqlite-store.ts');
    const compiled = join(packageRoot, 'dist', 'emulator', 'state', 'sqlite', 'sqlite-store.js');
    if (!existsSync(compiled))
      throw new Error(`${compiled} is missing: run \`npm run build\` first (npm test does it).`);
    if (statSync(source).mtimeMs > statSync(compiled).mtimeMs)
      throw new Error(`${compiled} is older than ${source}: run \`npm run build\` first.`);

    const subscriptions = Array.from({ length: 40 }, (_, i) =>
      subscription(`wh-${i}`, `mailbox-${i % 8}@contoso.com`),
    );
    const inserted = Array.from({ length: 60 }, (_, i) =>
      delivery(`d-${i}`, `wh-${i % 40}`, `mailbox-${i % 8}@contoso.com`, `appt-${i % 5}`),
    );
    const saved = inserted
      .filter((_, i) => i % 3 === 0)
      .map((d, i) => ({
        ...d,
        status: 'retrying' as const,
        attempts: [attempt(1, 'retry')],
        nextAttemptAt: `t-${i}`,
      }));
    const appointments = Array.from({ length: 10 }, (_, i) => appointment('lunch@contoso.com', `appt-${i}`));
    const job = {
      storeUrl: pathToFileURL(compiled).href,
      dataDir: tmpDir,
      subscriptions,
      inserted,
      saved,
      appointments,
    };
    const script = `
      let input = '';
      for await (const chunk of process.stdin) input += chunk;
      const job = JSON.parse(input);
      const { createSqliteStore } = await import(job.storeUrl);
      const store = createSqliteStore(job.dataDir);
      for (const s of job.subscriptions)
        if (!store.subscriptions.addWithinLimit(s, 5)) throw new Error('refused ' + s.webhookId);
      for (const d of job.inserted) store.deliveries.insert(d);
      for (const d of job.saved) store.deliveries.save(d);
      for (const a of job.appointments) store.appointments.insert(a);
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1 << 30); // never closes the store: only SIGKILL ends this process
    `;

    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpDir });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child.on('exit', (_code, signal) => resolve(signal));
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk;
          if (stdout.includes('ready\n')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`writer exited (${code}) before "ready":\n${stderr}`)));
        child.on('error', reject);
        child.stdin.end(JSON.stringify(job));
      });
    } finally {
      // Ends the writer in every case, so a failed test leaves no process behind.
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    // The writer never closed the database, so its commits sit in the WAL, not yet checkpointed.
    expect(existsSync(join(tmpDir, `${databaseFileName}-wal`))).toBe(true);

    const reopened = openSqlite();
    expect(reopened.subscriptions.list()).toStrictEqual(subscriptions);
    const savedById = new Map(saved.map((d) => [d.deliveryId, d]));
    expect(reopened.deliveries.list()).toStrictEqual(inserted.map((d) => savedById.get(d.deliveryId) ?? d));
    expect(ids(reopened.deliveries.list({ status: 'retrying' }))).toEqual(ids(saved));
    expect(reopened.appointments.listByBusiness('lunch@contoso.com')).toStrictEqual(appointments);
    expect(reopened.subscriptions.addWithinLimit(subscription('wh-x', 'mailbox-0@contoso.com'), 5)).toBe(
      false,
    );
  });
});
