/**
 * Issue 8, point 2: model-based fuzzing of the trigger API and the Graph-shaped actions. fast-check
 * generates command sequences (subscribe on every path form, with every kind of caller and URL,
 * concurrent bursts, unsubscribe, the mailbox list, appointment create / update / cancel / delete,
 * redelivery to the same or another URL, clock moves, resets); each runs through `inject()` against a fresh emulator on a virtual clock,
 * its answer is compared with the model's, and after EVERY command the invariants are checked:
 * at most five flows per mailbox, each made by an administrator of its business, and every
 * delivery journaled goes to an allowlisted host of a flow that was live when the change happened
 * (hardening-tests/fuzz/world.ts). Deliveries really go out, to a receiver on 127.0.0.1 that the
 * forbidden spellings would reach too; at the end every journaled delivery arrived exactly once.
 *
 * Replay a failure: fast-check prints `seed` and `path`; run
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run hardening-tests/fuzz-triggers-and-graph.test.ts
 * FUZZ_RUNS=<n> runs more (or fewer) sequences than the default.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryIdHeader } from '../emulator/delivery/engine.js';
import { profileAllowlist } from '../emulator/domain/allowlist.js';
import type { ChangeType } from '../emulator/generated/schema-types.js';
import { buildTestApp } from '../emulator/testing/http.js';
import { TestReceiver } from '../emulator/testing/receiver.js';
import { clinic, lunch } from '../emulator/testing/seed.js';
import type { FuzzCommand, Target } from './fuzz/command.js';
import { AdvanceClock, Redeliver, Reset } from './fuzz/control-commands.js';
import {
  ChangeAppointment,
  CreateAppointment,
  changeActions,
  serviceChoices,
} from './fuzz/graph-commands.js';
import {
  type BodyShape,
  bodyShapes,
  ListMailboxes,
  type Route,
  Subscribe,
  SubscribeBurst,
  type TriggerPath,
  Unsubscribe,
} from './fuzz/trigger-commands.js';
import {
  allowedUrls,
  callers,
  clockStartMs,
  forbiddenUrls,
  mailboxSpellings,
  newModel,
  type UrlChoice,
  unknownMailbox,
} from './fuzz/world.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 80);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = process.env.FUZZ_PATH;
const maxCommands = 60;

/** Generated URLs that the default allowlist must refuse: no loopback name, no Power Platform suffix. */
const allowlistSuffixes = profileAllowlist('default').map((pattern) => pattern.replace(/^\*/, ''));
const isAllowlistedName = (host: string) =>
  allowlistSuffixes.some((suffix) => host === suffix || host.endsWith(suffix));

const urlChoice: fc.Arbitrary<UrlChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...allowedUrls) },
  { weight: 4, arbitrary: fc.constantFrom(...forbiddenUrls) },
  {
    weight: 1,
    arbitrary: fc
      .webUrl({ withQueryParameters: true, withFragments: true })
      .filter((url) => !isAllowlistedName(new URL(url).hostname))
      .map((template) => ({ label: 'generated', template, allowed: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((text) => !text.includes('{port}'))
      .map((template) => ({ label: 'garbage', template, allowed: false })),
  },
);

const callerChoice = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...callers.slice(0, 3)) },
  { weight: 2, arbitrary: fc.constantFrom(...callers) },
);
const route: fc.Arbitrary<Route> = fc.record({
  mailbox: fc.oneof({ weight: 3, arbitrary: fc.constant(lunch) }, fc.constantFrom(...mailboxSpellings)),
  encodeMailbox: fc.boolean(),
  viaConnection: fc.boolean(),
});
const triggerPaths: Array<[TriggerPath, ChangeType | null]> = [
  ['AppointmentCreated', 'Created'],
  ['AppointmentUpdated', 'Updated'],
  ['AppointmentDeleted', 'Deleted'],
  ['', null],
];
const bodyShape: fc.Arbitrary<BodyShape> = fc.oneof(
  { weight: 9, arbitrary: fc.constant<BodyShape>('valid') },
  fc.constantFrom(...bodyShapes),
);
const changeTypeSet = fc.subarray<ChangeType>(['Created', 'Updated', 'Deleted'], { minLength: 1 });

const subscribe = fc
  .tuple(callerChoice, route, fc.constantFrom(...triggerPaths), urlChoice, changeTypeSet, bodyShape)
  .map(
    ([caller, where, [path, pathType], url, backendTypes, shape]) =>
      new Subscribe(caller, where, path, url, pathType === null ? backendTypes : [pathType], shape),
  );
const targetChoice: fc.Arbitrary<Target> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('live' as const), index: fc.nat(20) }) },
  fc.record({ kind: fc.constant('gone' as const), index: fc.nat(20) }),
  fc.constant({ kind: 'unknown' as const }),
);

const unsubscribe = fc
  .tuple(callerChoice, route, targetChoice)
  .map(([caller, where, target]) => new Unsubscribe(caller, where, target));
const createAppointment = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: fc.constant(lunch) }, fc.constantFrom(clinic, unknownMailbox)),
    fc.constantFrom(...serviceChoices),
  )
  .map(([mailbox, service]) => new CreateAppointment(mailbox, service));
const changeAppointment = fc
  .tuple(fc.constantFrom(...changeActions), targetChoice)
  .map(([action, target]) => new ChangeAppointment(action, target));

/** fc.commands picks each entry equally often; an entry listed twice runs twice as often. */
const commandArbitraries: Array<fc.Arbitrary<FuzzCommand>> = [
  subscribe,
  subscribe,
  subscribe,
  fc
    .tuple(fc.integer({ min: 2, max: 8 }), fc.constantFrom(...allowedUrls), changeTypeSet)
    .map(([count, url, changeTypes]) => new SubscribeBurst(count, url, changeTypes)),
  unsubscribe,
  unsubscribe,
  fc
    .tuple(fc.constantFrom(...callers), fc.boolean())
    .map(([caller, header]) => new ListMailboxes(caller, header)),
  createAppointment,
  createAppointment,
  changeAppointment,
  changeAppointment,
  fc
    .tuple(targetChoice, fc.option(urlChoice, { nil: null }))
    .map(([target, url]) => new Redeliver(target, url)),
  fc.integer({ min: 1, max: 90 }).map((minutes) => new AdvanceClock(minutes)),
  fc.constant(new Reset()),
];

describe('fuzzing the trigger API and the Graph actions against a model', () => {
  let receiver: TestReceiver;
  let port = 0;
  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    port = Number(new URL(receiver.url).port);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('keeps every rule after every command, and loses or misroutes no delivery', async () => {
    const counter = { requests: 0 };
    let commandsRun = 0;
    let deliveries = 0;
    const property = fc.asyncProperty(
      fc.commands(commandArbitraries, { maxCommands, size: 'max' }),
      async (commands) => {
        const app = await buildTestApp({
          clock: { virtualStart: new Date(clockStartMs).toISOString() },
          retryPolicy: 'none',
          idSeed: 8,
        });
        const receivedBefore = receiver.received.length;
        const model = newModel();
        try {
          await fc.asyncModelRun(() => ({ model, real: { app, port, counter } }), commands);
          commandsRun += [...commands].length;
          await app.emulator.services.deliveries.drain();
          for (const delivery of app.emulator.state.store.deliveries.list()) {
            expect(delivery.status, JSON.stringify(delivery.attempts.at(-1))).toBe('delivered');
          }
          const arrived = receiver.received
            .slice(receivedBefore)
            .map((request) => request.headers[deliveryIdHeader]);
          expect(arrived.sort()).toEqual([...model.journaled].sort());
          deliveries += arrived.length;
        } finally {
          await app.close();
        }
      },
    );
    await fc.assert(property, {
      numRuns,
      ...(seed === undefined ? {} : { seed }),
      ...(path === undefined ? {} : { path }),
    });
    // Bounded, but thousands: the issue asks for thousands of generated requests in all.
    if (numRuns >= 80) expect(counter.requests).toBeGreaterThanOrEqual(2000);
    console.info(
      `fuzz: ${numRuns} sequences, ${commandsRun} commands, ${counter.requests} requests, ${deliveries} deliveries`,
    );
  }, 180_000);
});
