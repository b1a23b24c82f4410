import { describe, expect, it } from 'vitest';
import {
  DeliveryLedger,
  defaultBounds,
  eventKey,
  formatReport,
  judge,
  type SoakOutcome,
} from '../scripts/soak/accounting.js';

const MiB = 1024 * 1024;

function outcome(overrides: Partial<SoakOutcome> = {}): SoakOutcome {
  return {
    deliveries: {
      sent: 100,
      delivered: 100,
      duplicates: 2,
      lost: 0,
      unexpected: 0,
      attempts: 130,
      refusedOnPurpose: 28,
    },
    resources: {
      start: { rssBytes: 70 * MiB, heapUsedBytes: 12 * MiB, openFds: 21 },
      end: { rssBytes: 90 * MiB, heapUsedBytes: 20 * MiB, openFds: 21 },
      peak: { rssBytes: 100 * MiB, heapUsedBytes: 30 * MiB },
      journalBytes: 2 * MiB,
    },
    operationErrors: 0,
    pendingAfterDrain: 0,
    emulatorProblems: [],
    ...overrides,
  };
}

describe('the delivery ledger', () => {
  it('counts sent, delivered, duplicates and lost from what was expected and what was accepted', () => {
    const ledger = new DeliveryLedger();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => eventKey('/flows/x/1-created', id, `m-${id}`)) as [
      string,
      string,
      string,
    ];
    ledger.expect(a);
    ledger.expect(b);
    ledger.expect(c);
    ledger.record(a, 500);
    ledger.record(a, 429);
    ledger.record(a, 200);
    ledger.record(b, 200);
    ledger.record(b, 200);
    ledger.record(c, 503);
    expect(ledger.outstanding()).toBe(1);
    expect(ledger.lostExamples()).toEqual([c]);
    expect(ledger.figures()).toEqual({
      sent: 3,
      delivered: 2,
      duplicates: 1,
      lost: 1,
      unexpected: 0,
      attempts: 6,
      refusedOnPurpose: 3,
    });
  });

  it('counts an accepted event nobody expected as unexpected, not as delivered', () => {
    const ledger = new DeliveryLedger();
    ledger.expect(eventKey('/flows/x/1-updated', 'a', 'm1'));
    ledger.record(eventKey('/flows/x/1-updated', 'a', 'm1'), 200);
    ledger.record(eventKey('/flows/x/2-updated', 'a', 'm1'), 200);
    expect(ledger.figures()).toMatchObject({ sent: 1, delivered: 1, unexpected: 1, lost: 0 });
  });

  it('tells one flow, appointment and change from another', () => {
    const keys = new Set([
      eventKey('/flows/x/1-updated', 'a', 'm1'),
      eventKey('/flows/x/1-updated', 'a', 'm2'),
      eventKey('/flows/x/1-updated', 'b', 'm1'),
      eventKey('/flows/x/2-updated', 'a', 'm1'),
    ]);
    expect(keys.size).toBe(4);
  });
});

describe('the soak verdict', () => {
  it('passes a clean run', () => {
    expect(judge(outcome())).toEqual([]);
  });

  it('fails on a lost event, an unexpected one, a failed call, a pending delivery or an emulator problem', () => {
    const deliveries = { ...outcome().deliveries };
    expect(judge(outcome({ deliveries: { ...deliveries, delivered: 99, lost: 1 } }))).toEqual([
      '1 events lost (never accepted by the receiver)',
    ]);
    expect(judge(outcome({ deliveries: { ...deliveries, unexpected: 2 } }))[0]).toMatch(/2 events arrived/);
    expect(judge(outcome({ operationErrors: 3 }))).toEqual(['3 load calls failed']);
    expect(judge(outcome({ pendingAfterDrain: 4 }))[0]).toMatch(/4 deliveries still pending/);
    expect(judge(outcome({ emulatorProblems: ['the emulator exited during the run'] }))).toEqual([
      'the emulator exited during the run',
    ]);
    expect(judge(outcome({ deliveries: { ...deliveries, sent: 0, delivered: 0 } }))[0]).toMatch(/no events/);
  });

  it('allows the heap to grow by the slack plus what the kept journal explains, and no more', () => {
    const base = outcome();
    const allowed =
      defaultBounds.heapSlackBytes + base.resources.journalBytes * defaultBounds.heapPerJournalByte;
    const at = (growth: number) =>
      outcome({
        resources: {
          ...base.resources,
          end: { ...base.resources.end, heapUsedBytes: base.resources.start.heapUsedBytes + growth },
        },
      });
    expect(judge(at(allowed))).toEqual([]);
    expect(judge(at(allowed + 1))[0]).toMatch(/^heap grew by/);
    const bigJournal = at(allowed + 10 * MiB);
    bigJournal.resources.journalBytes += Math.ceil((10 * MiB) / defaultBounds.heapPerJournalByte);
    expect(judge(bigJournal)).toEqual([]);
  });

  it('fails when RSS outgrows its bound or descriptors stay open', () => {
    const base = outcome();
    const rss = outcome({
      resources: {
        ...base.resources,
        end: { ...base.resources.end, rssBytes: base.resources.start.rssBytes + 400 * MiB },
      },
    });
    expect(judge(rss)[0]).toMatch(/^RSS grew by/);
    const fds = outcome({
      resources: { ...base.resources, end: { ...base.resources.end, openFds: 21 + 3 } },
    });
    expect(judge(fds)).toEqual(['3 file descriptors leaked (21 at start, 24 at end)']);
    const withinSlack = outcome({
      resources: { ...base.resources, end: { ...base.resources.end, openFds: 23 } },
    });
    expect(judge(withinSlack)).toEqual([]);
  });

  it('prints every figure the issue asks for', () => {
    const report = formatReport(outcome(), { seconds: 300, seed: 1, operations: 12_000 });
    for (const row of [
      /events sent\s+100/,
      /delivered at least once\s+100/,
      /duplicates\s+2/,
      /lost\s+0/,
      /RSS start \/ end \/ peak\s+70\.0 MiB \/ 90\.0 MiB \/ 100\.0 MiB/,
      /heap start \/ end \/ peak\s+12\.0 MiB \/ 20\.0 MiB \/ 30\.0 MiB/,
      /open fds start \/ end\s+21 \/ 21/,
    ]) {
      expect(report).toMatch(row);
    }
  });
});
