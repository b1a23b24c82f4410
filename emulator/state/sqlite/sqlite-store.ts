import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BusinessDocument } from '../../domain/businesses/documents.js';
import type {
  AppointmentRecord,
  AppointmentStore,
  BusinessStore,
  DeliveryFilter,
  DeliveryStore,
  InboxStore,
  RetentionOptions,
  Store,
  SubscriptionStore,
} from '../../domain/store.js';
import { isSettledStatus } from '../../domain/store.js';
import type { Delivery, InboxMessage, Subscription } from '../../generated/schema-types.js';

/** The one database file kept in `--data-dir`. */
export const databaseFileName = 'bookings-emulator.db';

/**
 * Schema migrations: `migrations[n]` brings a database from `user_version` n to n + 1. Every
 * statement is idempotent, so opening an existing database re-runs nothing harmful. Append, never
 * edit, once released.
 *
 * Each table keeps the record as JSON text (`data`, the source of truth, returned as is) plus the
 * columns the queries filter on. `seq` is the rowid: a new row gets max(rowid) + 1, so ordering by
 * it is insertion order, and an upsert of an existing key keeps its `seq`, like `Map.set` keeps a
 * key's position in the memory store. Indexes need no explicit `seq` column: SQLite ends every
 * index entry with the rowid, so `WHERE x = ? ORDER BY seq` reads the index in order, with no sort.
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS subscriptions (
    seq INTEGER PRIMARY KEY,
    webhook_id TEXT NOT NULL UNIQUE,
    mailbox TEXT NOT NULL,
    data TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS subscriptions_by_mailbox ON subscriptions (mailbox);

  CREATE TABLE IF NOT EXISTS appointments (
    seq INTEGER PRIMARY KEY,
    business_email TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (business_email, appointment_id)
  ) STRICT;

  CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL,
    mailbox TEXT NOT NULL,
    appointment_id TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id);
  CREATE INDEX IF NOT EXISTS deliveries_by_mailbox ON deliveries (mailbox);
  CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status);
  CREATE INDEX IF NOT EXISTS deliveries_by_appointment ON deliveries (appointment_id);
  `,
  // 1 -> 2: what the built-in inboxes received, so a restart keeps it beside the journal.
  `
  CREATE TABLE IF NOT EXISTS inbox_messages (
    seq INTEGER PRIMARY KEY,
    inbox TEXT NOT NULL,
    data TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS inbox_messages_by_inbox ON inbox_messages (inbox);
  `,
  // 2 -> 3: the businesses as Graph shows them, with the fingerprint of the seed they came from.
  `
  CREATE TABLE IF NOT EXISTS businesses (
    seq INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS business_seed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
  ) STRICT;
  `,
  // 3 -> 4: retention (start --retain-deliveries). The journal and each inbox count what they keep
  // (triggers, so every write path counts) and what retention evicted, so that neither an insert
  // nor an eviction has to count rows; settled deliveries get an index in journal order, the order
  // they are evicted in. Counts start from the rows already there.
  `
  CREATE TABLE IF NOT EXISTS delivery_journal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    kept INTEGER NOT NULL,
    evicted INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO delivery_journal (id, kept, evicted) SELECT 1, count(*), 0 FROM deliveries;
  CREATE TRIGGER IF NOT EXISTS deliveries_counted_in AFTER INSERT ON deliveries
    BEGIN UPDATE delivery_journal SET kept = kept + 1 WHERE id = 1; END;
  CREATE TRIGGER IF NOT EXISTS deliveries_counted_out AFTER DELETE ON deliveries
    BEGIN UPDATE delivery_journal SET kept = kept - 1 WHERE id = 1; END;
  CREATE INDEX IF NOT EXISTS deliveries_settled ON deliveries (seq)
    WHERE status IN ('delivered', 'failed');

  CREATE TABLE IF NOT EXISTS inbox_counts (
    inbox TEXT PRIMARY KEY,
    kept INTEGER NOT NULL,
    evicted INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO inbox_counts (inbox, kept, evicted)
    SELECT inbox, count(*), 0 FROM inbox_messages GROUP BY inbox;
  CREATE TRIGGER IF NOT EXISTS inbox_messages_counted_in AFTER INSERT ON inbox_messages
    BEGIN
      INSERT INTO inbox_counts (inbox, kept, evicted) VALUES (NEW.inbox, 1, 0)
        ON CONFLICT (inbox) DO UPDATE SET kept = kept + 1;
    END;
  CREATE TRIGGER IF NOT EXISTS inbox_messages_counted_out AFTER DELETE ON inbox_messages
    BEGIN UPDATE inbox_counts SET kept = kept - 1 WHERE inbox = OLD.inbox; END;
  `,
];

/** Lower-cased in JavaScript, not with SQL `lower()`, which folds ASCII only: same key as the memory store. */
const mailboxKey = (mailbox: string) => mailbox.toLowerCase();

const parseAll = <T>(rows: string[]): T[] => rows.map((data) => JSON.parse(data) as T);
const parseOne = <T>(data: string | undefined): T | undefined =>
  data === undefined ? undefined : (JSON.parse(data) as T);

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  // Writers wait for a lock instead of failing at once (a second process on the same directory).
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // NORMAL, not FULL. In WAL mode a commit has written its frames to the -wal file (write(2), in
  // the OS page cache) before it returns; the kernel keeps them when the process dies, so SIGKILL,
  // a crash or an OOM kill loses nothing committed. NORMAL skips only the fsync at each commit:
  // just a power cut or an OS crash can lose the last commits, and never corrupts the database.
  // FULL would add an fsync to every write (each delivery attempt), which a local emulator does not
  // need to survive power loss.
  db.pragma('synchronous = NORMAL');
  migrate(db, file);
  return db;
}

function migrate(db: Database.Database, file: string): void {
  const target = migrations.length;
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > target) {
      throw new Error(
        `${file} has schema version ${current}; this emulator knows up to ${target}. ` +
          'Use a newer emulator or another --data-dir.',
      );
    }
    for (const sql of migrations.slice(current)) db.exec(sql);
    if (current !== target) db.pragma(`user_version = ${target}`);
  }).immediate();
}

function sqliteSubscriptionStore(db: Database.Database): SubscriptionStore {
  const upsert = db.prepare<[{ webhookId: string; mailbox: string; data: string }]>(
    `INSERT INTO subscriptions (webhook_id, mailbox, data) VALUES (@webhookId, @mailbox, @data)
     ON CONFLICT (webhook_id) DO UPDATE SET mailbox = excluded.mailbox, data = excluded.data`,
  );
  const countByMailbox = db
    .prepare<[string], number>('SELECT count(*) FROM subscriptions WHERE mailbox = ?')
    .pluck();
  const getOne = db.prepare<[string], string>('SELECT data FROM subscriptions WHERE webhook_id = ?').pluck();
  const removeOne = db.prepare<[string]>('DELETE FROM subscriptions WHERE webhook_id = ?');
  const listByMailbox = db
    .prepare<[string], string>('SELECT data FROM subscriptions WHERE mailbox = ? ORDER BY seq')
    .pluck();
  const listAll = db.prepare<[], string>('SELECT data FROM subscriptions ORDER BY seq').pluck();
  const clearAll = db.prepare<[]>('DELETE FROM subscriptions');
  // The count and the insert in one transaction. IMMEDIATE takes the write lock before the count,
  // so not even another process on the same file can insert between the check and the write.
  const addWithinLimit = db.transaction((subscription: Subscription, limit: number): boolean => {
    const mailbox = mailboxKey(subscription.mailbox);
    if ((countByMailbox.get(mailbox) ?? 0) >= limit) return false;
    upsert.run({ webhookId: subscription.webhookId, mailbox, data: JSON.stringify(subscription) });
    return true;
  }).immediate;

  return {
    addWithinLimit,
    get: (webhookId) => parseOne<Subscription>(getOne.get(webhookId)),
    remove: (webhookId) => removeOne.run(webhookId).changes > 0,
    listByMailbox: (mailbox) => parseAll<Subscription>(listByMailbox.all(mailboxKey(mailbox))),
    list: () => parseAll<Subscription>(listAll.all()),
    clear: () => {
      clearAll.run();
    },
  };
}

function sqliteAppointmentStore(db: Database.Database): AppointmentStore {
  const upsert = db.prepare<[{ businessEmail: string; appointmentId: string; data: string }]>(
    `INSERT INTO appointments (business_email, appointment_id, data)
     VALUES (@businessEmail, @appointmentId, @data)
     ON CONFLICT (business_email, appointment_id) DO UPDATE SET data = excluded.data`,
  );
  const getOne = db
    .prepare<[string, string], string>(
      'SELECT data FROM appointments WHERE business_email = ? AND appointment_id = ?',
    )
    .pluck();
  const removeOne = db.prepare<[string, string]>(
    'DELETE FROM appointments WHERE business_email = ? AND appointment_id = ?',
  );
  const listByBusiness = db
    .prepare<[string], string>('SELECT data FROM appointments WHERE business_email = ? ORDER BY seq')
    .pluck();
  const clearAll = db.prepare<[]>('DELETE FROM appointments');

  const insert = (record: AppointmentRecord): void => {
    upsert.run({
      businessEmail: mailboxKey(record.businessEmail),
      appointmentId: record.appointment.id,
      data: JSON.stringify(record),
    });
  };
  // Like the memory store: delete the old key, then insert (the record goes to the end of the order).
  const replace = db.transaction((previousId: string, record: AppointmentRecord): void => {
    removeOne.run(mailboxKey(record.businessEmail), previousId);
    insert(record);
  }).immediate;

  return {
    insert,
    get: (businessEmail, appointmentId) =>
      parseOne<AppointmentRecord>(getOne.get(mailboxKey(businessEmail), appointmentId)),
    replace,
    remove: (businessEmail, appointmentId) =>
      removeOne.run(mailboxKey(businessEmail), appointmentId).changes > 0,
    listByBusiness: (businessEmail) =>
      parseAll<AppointmentRecord>(listByBusiness.all(mailboxKey(businessEmail))),
    clear: () => {
      clearAll.run();
    },
  };
}

/** The filter fields, in the bit order used to pick one of the prepared list statements. */
const deliveryFilterColumns = [
  ['webhookId', 'webhook_id'],
  ['mailbox', 'mailbox'],
  ['status', 'status'],
  ['appointmentId', 'appointment_id'],
] as const satisfies readonly (readonly [keyof DeliveryFilter, string])[];
// Does not compile when DeliveryFilter (generated from the Control API schema) gains a field
// that has no column here.
const _everyFilterFieldHasAColumn: Record<
  Exclude<keyof DeliveryFilter, (typeof deliveryFilterColumns)[number][0]>,
  never
> = {};

interface DeliveryRow {
  deliveryId: string;
  webhookId: string;
  mailbox: string;
  appointmentId: string;
  status: string;
  data: string;
}

function sqliteDeliveryStore(db: Database.Database, retain: number | undefined): DeliveryStore {
  // Insert and save both write every column. The filter columns never change after insert, and
  // an upsert keeps the row's seq, so a saved delivery keeps its place in list().
  const upsert = db.prepare<[DeliveryRow]>(
    `INSERT INTO deliveries (delivery_id, webhook_id, mailbox, appointment_id, status, data)
     VALUES (@deliveryId, @webhookId, @mailbox, @appointmentId, @status, @data)
     ON CONFLICT (delivery_id) DO UPDATE SET
       webhook_id = excluded.webhook_id, mailbox = excluded.mailbox,
       appointment_id = excluded.appointment_id, status = excluded.status, data = excluded.data`,
  );
  const getOne = db.prepare<[string], string>('SELECT data FROM deliveries WHERE delivery_id = ?').pluck();
  const clearAll = db.prepare<[]>('DELETE FROM deliveries');
  const kept = db.prepare<[], number>('SELECT kept FROM delivery_journal WHERE id = 1').pluck();
  const evicted = db.prepare<[], number>('SELECT evicted FROM delivery_journal WHERE id = 1').pluck();
  const resetEvicted = db.prepare<[]>('UPDATE delivery_journal SET evicted = 0 WHERE id = 1');
  const addEvicted = db.prepare<[number]>('UPDATE delivery_journal SET evicted = evicted + ? WHERE id = 1');
  // Reads the deliveries_settled index from its start: the oldest settled rows, and no others.
  const evictOldestSettled = db.prepare<[number]>(
    `DELETE FROM deliveries WHERE seq IN (
       SELECT seq FROM deliveries WHERE status IN ('delivered', 'failed') ORDER BY seq LIMIT ?)`,
  );
  // One statement per combination of filter fields (index = bit mask), all prepared here, so each
  // filter is an equality the planner can serve from that column's index.
  const listStatements = Array.from({ length: 1 << deliveryFilterColumns.length }, (_, mask) => {
    const conditions = deliveryFilterColumns
      .filter((_column, bit) => mask & (1 << bit))
      .map(([, column]) => `${column} = ?`);
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    return db.prepare<string[], string>(`SELECT data FROM deliveries${where} ORDER BY seq`).pluck();
  });

  // Writes the whole record: status, attempts, and nextAttemptAt (gone when the object lacks it).
  const write = (delivery: Delivery): void => {
    upsert.run({
      deliveryId: delivery.deliveryId,
      webhookId: delivery.webhookId,
      mailbox: mailboxKey(delivery.mailbox),
      appointmentId: delivery.appointmentId,
      status: delivery.status,
      data: JSON.stringify(delivery),
    });
  };

  /** With retention: the oldest settled deliveries go while the journal holds more than it may keep. */
  const evictPastLimit = (): void => {
    if (retain === undefined) return;
    const excess = (kept.get() ?? 0) - retain;
    if (excess <= 0) return;
    const removed = evictOldestSettled.run(excess).changes;
    if (removed > 0) addEvicted.run(removed);
  };
  // The write and the eviction it allows commit together.
  const insert = db.transaction((delivery: Delivery) => {
    write(delivery);
    evictPastLimit();
  }).immediate;
  const save = db.transaction((delivery: Delivery) => {
    write(delivery);
    if (isSettledStatus(delivery.status)) evictPastLimit();
  }).immediate;
  // A journal kept under a larger limit (or none) is brought down to this one on opening.
  if (retain !== undefined) db.transaction(evictPastLimit).immediate();

  return {
    insert: retain === undefined ? write : insert,
    get: (deliveryId) => parseOne<Delivery>(getOne.get(deliveryId)),
    save: retain === undefined ? write : save,
    evicted: () => evicted.get() ?? 0,
    list(filter: DeliveryFilter = {}): Delivery[] {
      let mask = 0;
      const values: string[] = [];
      deliveryFilterColumns.forEach(([field], bit) => {
        const value = filter[field];
        if (value === undefined) return;
        mask |= 1 << bit;
        values.push(field === 'mailbox' ? mailboxKey(value) : value);
      });
      const statement = listStatements[mask];
      if (!statement) throw new Error(`no delivery list statement for filter mask ${mask}`);
      return parseAll<Delivery>(statement.all(...values));
    },
    clear: db.transaction(() => {
      clearAll.run();
      resetEvicted.run();
    }).immediate,
  };
}

function sqliteInboxStore(db: Database.Database, retain: number | undefined): InboxStore {
  const insert = db.prepare<[string, string]>('INSERT INTO inbox_messages (inbox, data) VALUES (?, ?)');
  const listByInbox = db
    .prepare<[string], string>('SELECT data FROM inbox_messages WHERE inbox = ? ORDER BY seq')
    .pluck();
  const removeInbox = db.prepare<[string]>('DELETE FROM inbox_messages WHERE inbox = ?');
  const clearAll = db.prepare<[]>('DELETE FROM inbox_messages');
  const kept = db.prepare<[string], number>('SELECT kept FROM inbox_counts WHERE inbox = ?').pluck();
  const evicted = db.prepare<[string], number>('SELECT evicted FROM inbox_counts WHERE inbox = ?').pluck();
  const overLimit = db.prepare<[number], string>('SELECT inbox FROM inbox_counts WHERE kept > ?').pluck();
  const evictOldest = db.prepare<[string, number]>(
    `DELETE FROM inbox_messages WHERE seq IN (
       SELECT seq FROM inbox_messages WHERE inbox = ? ORDER BY seq LIMIT ?)`,
  );
  const addEvicted = db.prepare<[number, string]>(
    'UPDATE inbox_counts SET evicted = evicted + ? WHERE inbox = ?',
  );
  const forgetCounts = db.prepare<[string]>('DELETE FROM inbox_counts WHERE inbox = ?');
  const forgetAllCounts = db.prepare<[]>('DELETE FROM inbox_counts');

  /** With retention: the inbox keeps its newest messages. */
  const evictPastLimit = (name: string): void => {
    if (retain === undefined) return;
    const excess = (kept.get(name) ?? 0) - retain;
    if (excess <= 0) return;
    const removed = evictOldest.run(name, excess).changes;
    if (removed > 0) addEvicted.run(removed, name);
  };
  const append = db.transaction((name: string, message: InboxMessage) => {
    insert.run(name, JSON.stringify(message));
    evictPastLimit(name);
  }).immediate;
  // Inboxes kept under a larger limit (or none) are brought down to this one on opening.
  if (retain !== undefined) {
    db.transaction(() => {
      for (const name of overLimit.all(retain)) evictPastLimit(name);
    }).immediate();
  }

  return {
    append: (name, message) => {
      append(name, message);
    },
    list: (name) => parseAll<InboxMessage>(listByInbox.all(name)),
    evicted: (name) => evicted.get(name) ?? 0,
    remove: db.transaction((name: string) => {
      const removed = removeInbox.run(name).changes > 0;
      forgetCounts.run(name);
      return removed;
    }).immediate,
    clear: db.transaction(() => {
      clearAll.run();
      forgetAllCounts.run();
    }).immediate,
  };
}

function sqliteBusinessStore(db: Database.Database): BusinessStore {
  const fingerprint = db.prepare<[], string>('SELECT fingerprint FROM business_seed WHERE id = 1').pluck();
  const setFingerprint = db.prepare<[string]>(
    `INSERT INTO business_seed (id, fingerprint) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint`,
  );
  const listAll = db.prepare<[], string>('SELECT data FROM businesses ORDER BY seq').pluck();
  const upsert = db.prepare<[string, string]>(
    `INSERT INTO businesses (email, data) VALUES (?, ?)
     ON CONFLICT (email) DO UPDATE SET data = excluded.data`,
  );
  const clearAll = db.prepare<[]>('DELETE FROM businesses');
  const save = (document: BusinessDocument) => {
    upsert.run(mailboxKey(document.business.id), JSON.stringify(document));
  };
  const replaceAll = db.transaction((seedFingerprint: string, documents: readonly BusinessDocument[]) => {
    clearAll.run();
    for (const document of documents) save(document);
    setFingerprint.run(seedFingerprint);
  });

  return {
    load: (seedFingerprint) =>
      fingerprint.get() === seedFingerprint ? parseAll<BusinessDocument>(listAll.all()) : undefined,
    replaceAll: (seedFingerprint, documents) => replaceAll.immediate(seedFingerprint, documents),
    save,
  };
}

/**
 * A durable `Store` in `dataDir/bookings-emulator.db` (the folder is created when missing). Every
 * method is one statement or one transaction, so each returns with its change committed. Records
 * come back as fresh objects parsed from JSON: a change to a returned record is not stored until
 * it is passed to `save()` (deliveries) or `insert()`/`replace()`.
 *
 * With `retainDeliveries`, the journal and each inbox are brought within the limit on opening and
 * kept there. The evicted counts live in the database beside the rows, so they survive a restart
 * (the journal after a restart still lacks what was evicted before it); `clear()` (a reset), or
 * removing an inbox, sets them back to 0.
 */
export function createSqliteStore(
  dataDir: string,
  options: RetentionOptions = {},
): Store & { close(): void } {
  mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(join(dataDir, databaseFileName));
  return {
    businesses: sqliteBusinessStore(db),
    // IMMEDIATE, as the other writes: the lock is taken before the first read. A transaction
    // inside it (a delivery's insert, the five-flow count) becomes a savepoint of this one.
    atomically: (change) => db.transaction(change).immediate(),
    subscriptions: sqliteSubscriptionStore(db),
    appointments: sqliteAppointmentStore(db),
    deliveries: sqliteDeliveryStore(db, options.retainDeliveries),
    inboxes: sqliteInboxStore(db, options.retainDeliveries),
    close() {
      if (db.open) db.close();
    },
  };
}
