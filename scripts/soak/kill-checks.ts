import Database from 'better-sqlite3';
import type { EmulatorClient } from '../../emulator/client/client.js';
import type { ChangeRecord } from './kill-ledger.js';
import type { KillFlow } from './kill-load.js';

export interface JournalFigures {
  /** Acknowledged events looked up in the journal: one per change and per flow listening to it. */
  checked: number;
  /** Of those, events with no `delivered` delivery for that flow. Must be 0. */
  missing: number;
  missingExamples: string[];
  /** Deliveries still `pending` or `retrying` after the drain. Must be 0. */
  unsettled: number;
  /** Deliveries the emulator gave up on. Must be 0: the receiver refuses only a first attempt. */
  failed: number;
}

/**
 * The emulator's own account, after the drain: `GET /_emulator/deliveries` must hold a delivered
 * delivery for every acknowledged change and every flow that listens to it, and nothing unsettled.
 */
export async function checkJournal(
  client: EmulatorClient,
  flows: readonly KillFlow[],
  acknowledged: readonly ChangeRecord[],
): Promise<JournalFigures> {
  const webhookOf = new Map(flows.map((flow) => [flow.path, flow.webhookId]));
  const delivered = new Set<string>();
  let unsettled = 0;
  let failed = 0;
  // One mailbox at a time keeps each answer a fraction of the whole journal.
  for (const mailbox of new Set(flows.map((flow) => flow.mailbox))) {
    for (const delivery of (await client.deliveries({ mailbox, status: 'delivered' })).deliveries)
      delivered.add(`${delivery.webhookId}|${delivery.payload.AdditionalInfo}`);
    for (const status of ['pending', 'retrying'] as const)
      unsettled += (await client.deliveries({ mailbox, status })).deliveries.length;
    failed += (await client.deliveries({ mailbox, status: 'failed' })).deliveries.length;
  }
  let checked = 0;
  const missing: string[] = [];
  for (const change of acknowledged)
    for (const path of change.flowPaths) {
      checked += 1;
      if (!delivered.has(`${webhookOf.get(path)}|${change.marker}`)) missing.push(`${path}|${change.marker}`);
    }
  return { checked, missing: missing.length, missingExamples: missing.slice(0, 5), unsettled, failed };
}

/** `PRAGMA integrity_check` on the database, opened read-only: `ok`, or what SQLite found wrong. */
export function integrityCheck(file: string): string {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join('; ');
  } catch (error) {
    return `could not be checked: ${(error as Error).message}`;
  } finally {
    db?.close();
  }
}
