import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startEmulator } from '../api/start.js';
import { formatDiagnostic } from '../core/source.js';
import type { DeliveryList, Inbox } from '../generated/schema-types.js';
import { useScenarioFolder } from '../testing/scenario-files.js';
import { type LoadedScenario, loadScenarioFile } from './load.js';
import { jsonReport } from './reporters/json.js';
import { junitReport } from './reporters/junit.js';
import { summarise } from './results.js';
import { journalRetention } from './retention.js';
import { type RunOptions, runScenario } from './runner.js';
import { LocalTarget } from './targets/local.js';

const folder = useScenarioFolder('bookings-retention-');

const flow =
  '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: [created, updated, cancelled], url: "inbox:all" }';

const create = (ref: string) =>
  `- create: { ref: "${ref}", service: svc1, start: +1d, customer: { name: "C", email: c@example.com, answers: { q1: Tax } } }`;

/** create, update, cancel and expect one appointment per round: the bench's scenario. */
const rounds = (times: number, expectLine = defaultExpect) => [
  '- repeat:',
  `    times: ${times}`,
  '    steps:',
  `      ${create('a${i}')}`,
  '      - update: { ref: "a${i}", notes: "n${i}" }',
  '      - cancel: { ref: "a${i}", reason: r }',
  `      ${expectLine}`,
];
const defaultExpect =
  '- expect: { flow: all, ref: "a${i}", count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: "n${i}" } }';

function load(steps: string[], head: string[] = [], flows = [flow]): LoadedScenario {
  const text = [
    'name: retention',
    ...head,
    'flows:',
    ...flows,
    'steps:',
    '  - subscribe: { flow: all }',
    ...steps.map((step) => `  ${step}`),
    '',
  ].join('\n');
  const loaded = loadScenarioFile(folder.write(text));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return loaded.loaded;
}

const retention = (loaded: LoadedScenario, flowUrls?: Map<string, string>) =>
  journalRetention(loaded.scenario, { vars: new Map(), ...(flowUrls ? { flowUrls } : {}) });

/** What the scenario's own emulator held when the run ended, read over its control API. */
interface Held {
  journal: DeliveryList;
  inbox: Inbox;
}

/** Runs the scenario and reads the journal and the inbox of its emulator just before it closes. */
async function runAndInspect(loaded: LoadedScenario, options: RunOptions = {}) {
  const held: Held[] = [];
  const close = LocalTarget.prototype.close;
  const spy = vi.spyOn(LocalTarget.prototype, 'close').mockImplementation(async function (this: LocalTarget) {
    held.push({
      journal: (await this.call('GET', '/_emulator/deliveries')).body as DeliveryList,
      inbox: (await this.call('GET', '/_emulator/inbox/all')).body as Inbox,
    });
    return close.call(this);
  });
  try {
    const result = await runScenario(loaded, options);
    return { result, held: held[0] as Held };
  } finally {
    spy.mockRestore();
  }
}

/** The scenario's result, everything the reports show. */
const reports = (result: Awaited<ReturnType<typeof runScenario>>) => {
  const report = summarise([{ ...result, durationMs: 0 }]);
  return { json: jsonReport(report), junit: junitReport(report) };
};

describe('journalRetention', () => {
  it('sizes the journal by what one round reads, whatever the number of rounds', () => {
    const short = retention(load(rounds(300)));
    const long = retention(load(rounds(3000)));
    expect(short).toBeDefined();
    expect(long).toBe(short);
    // Each round journals 3 deliveries; far fewer than 300 rounds' are kept.
    expect(short).toBeLessThan(300);
  });

  it('keeps everything when an expectation reads a whole flow, or an old ref, after the rounds', () => {
    expect(retention(load([...rounds(300), '- expect: { flow: all, count: 900 }']))).toBeUndefined();
    expect(
      retention(load([create('old'), ...rounds(300), '- expect: { flow: all, ref: old, count: 1 }'])),
    ).toBeUndefined();
  });

  it('widens the window for an expectation that reads a ref made many steps earlier', () => {
    const late = load([
      '- repeat:',
      '    times: 100',
      '    steps:',
      `      - ${create('b${i}').slice(2)}`,
      '- repeat:',
      '    times: 100',
      '    steps:',
      '      - cancel: { ref: "b${i}" }',
      '      - expect: { flow: all, ref: "b${i}", count: 2, order: [created, cancelled] }',
      ...rounds(1000),
    ]);
    const window = retention(late) ?? Number.POSITIVE_INFINITY;
    // b0's created delivery is 100 creates older than its expectation: the window covers them.
    expect(window).toBeGreaterThan(200);
    expect(window).toBeLessThan(3000);
  });

  it('keeps everything where it cannot bound what is read', () => {
    const external =
      '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "https://flows.example/x" }';
    expect(retention(load(rounds(300), [], [external]))).toBeUndefined();
    expect(retention(load(rounds(300)), new Map([['all', 'https://flows.example/x']]))).toBeUndefined();
    expect(
      retention(load(['- fault: { target: inbox, inbox: all, status: 500 }', ...rounds(300)])),
    ).toBeUndefined();
    expect(
      retention(load(['- http: { method: GET, url: "http://127.0.0.1:1/x" }', ...rounds(300)])),
    ).toBeUndefined();
    expect(
      retention(load([...rounds(300), '- expect: { flow: all, ref: "${fake:word}", count: 0 }'])),
    ).toBeUndefined();
  });
});

describe('a run keeps only what its expectations need', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('a long scenario holds a bounded journal and inbox, and reports every delivery', {
    timeout: 60_000,
  }, async () => {
    const loaded = load(rounds(400));
    const window = retention(loaded);
    expect(window).toBeDefined();
    const { result, held } = await runAndInspect(loaded);
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.deliveries).toBe(1200);
    expect(held.journal.deliveries.length).toBeLessThanOrEqual(window as number);
    expect(held.journal.deliveries.length + held.journal.evicted).toBe(1200);
    expect(held.inbox.messages.length).toBeLessThanOrEqual(window as number);
    expect(held.inbox.messages.length + held.inbox.evicted).toBe(1200);
    // The newest are kept: the last round's three deliveries are there.
    expect(held.journal.deliveries.slice(-3).map((delivery) => delivery.changeType)).toEqual([
      'Created',
      'Updated',
      'Deleted',
    ]);
  });

  it('an expectation that reads an old ref late still passes; a journal cut to one round fails it', {
    timeout: 60_000,
  }, async () => {
    const steps = [
      create('old'),
      '- update: { ref: old, notes: first }',
      ...rounds(300),
      '- cancel: { ref: old, reason: late }',
      '- expect: { flow: all, ref: old, count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: first } }',
    ];
    const { result, held } = await runAndInspect(load(steps));
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(held.journal.evicted).toBe(0);

    // The same scenario against an emulator that keeps the last round's worth: old's created and
    // updated deliveries are gone by the time the expectation reads them.
    const roundWindow = retention(load(rounds(300))) as number;
    emulator = await startEmulator({ logLevel: false, retainDeliveries: roundWindow });
    const cut = await runScenario(load(steps), { emulatorUrl: emulator.url });
    expect(cut.status).toBe('failed');
    expect(cut.failures.map((failure) => failure.message)).toEqual([
      expect.stringMatching(/^flow "all": expectation not met within 5s \(count, order\)/),
    ]);
  });

  it('reports are the same as a run that keeps everything, failures included', {
    timeout: 60_000,
  }, async () => {
    const failing =
      '- expect: { flow: all, ref: "a${i}", count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: "n7" } }';
    for (const loaded of [load(rounds(250)), load(rounds(250, failing))]) {
      const kept = await runAndInspect(loaded);
      expect(kept.held.journal.evicted).toBeGreaterThan(0);
      // onDeliveries asks for the whole journal, so that run keeps everything.
      const everything = await runAndInspect(loaded, { onDeliveries: () => {} });
      expect(everything.held.journal.evicted).toBe(0);
      expect(reports(kept.result)).toEqual(reports(everything.result));
    }
  });
});
