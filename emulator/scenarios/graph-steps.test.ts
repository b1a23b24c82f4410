import { describe, expect, it } from 'vitest';
import { startEmulator } from '../api/start.js';
import { createEmulatorClient } from '../client/client.js';
import { injectTransport } from '../client/transport.js';
import { formatDiagnostic } from '../core/source.js';
import type { AppointmentData } from '../generated/schema-types.js';
import { positionIn as at, useScenarioFolder } from '../testing/scenario-files.js';
import { loadScenarioFile } from './load.js';
import type { ScenarioResult, StepFailure } from './results.js';
import { runScenario } from './runner.js';

/** addCustomer and addStaff: a scenario saves Graph entities by ref and books with them. */

const scenarioFolder = useScenarioFolder('bookings-graph-steps-');
const write = scenarioFolder.write;

/**
 * Nia is a user of the seed (she may sign in) but no staff member of Contoso Lunch: only an
 * addStaff step makes her one. Clinic is a second business, for refs used in the wrong one.
 */
const seedLines = [
  'seed:',
  '  users: [{ upn: adele@contoso.example }, { upn: nia@contoso.example }]',
  '  businesses:',
  '    - email: lunch@contoso.example',
  '      displayName: Contoso Lunch',
  '      staff: [{ id: s1, displayName: Adele Vance, emailAddress: adele@contoso.example, role: administrator }]',
  '      services:',
  '        - id: svc1',
  '          displayName: Consultation',
  '          durationMinutes: 30',
  '          maxAttendees: 1',
  '          staffMemberIds: [s1]',
  '          customQuestions: [{ id: q1, question: Topic?, answerOptions: [Tax, Audit], isRequired: true }]',
  '    - email: clinic@contoso.example',
  '      displayName: Contoso Clinic',
  '      staff: [{ id: c1, displayName: Adele Vance, emailAddress: adele@contoso.example, role: administrator }]',
  '      services: [{ id: checkup, displayName: Check-up, durationMinutes: 20, maxAttendees: 1 }]',
];

const flowLines = [
  'flows:',
  '  - { name: nia-created, mailbox: lunch@contoso.example, as: nia@contoso.example, trigger: created, url: "inbox:nia" }',
];

function scenario(name: string, steps: string[], head: string[] = []): string {
  return [
    `name: ${name}`,
    ...head,
    ...seedLines,
    ...flowLines,
    'steps:',
    ...steps.map((step) => `  ${step}`),
    '',
  ].join('\n');
}

async function run(text: string): Promise<ScenarioResult> {
  const loaded = loadScenarioFile(write(text));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return runScenario(loaded.loaded);
}

function expectPassed(result: ScenarioResult): void {
  expect(result.error).toBeUndefined();
  expect(result.failures, JSON.stringify(result.failures, null, 2)).toEqual([]);
  expect(result.status).toBe('passed');
}

function onlyFailure(result: ScenarioResult): StepFailure {
  expect(result.status).toBe('failed');
  expect(result.failures, JSON.stringify(result.failures, null, 2)).toHaveLength(1);
  return result.failures[0] as StepFailure;
}

const addNia =
  '- addStaff: { mailbox: lunch@contoso.example, ref: nia, displayName: Nia Novak, emailAddress: nia@contoso.example, role: administrator }';
const addJordan =
  '- addCustomer: { mailbox: lunch@contoso.example, ref: jordan, displayName: Jordan Miller, emailAddress: jordan@example.com, phone: "+1 555 0100" }';
const createFor = (customer: string, extra = '') =>
  `- create: { ref: a1, mailbox: lunch@contoso.example, service: svc1, start: 2026-01-06T09:00:00Z, customer: ${customer}${extra} }`;

describe('addStaff and addCustomer steps', () => {
  it('a staff member added as administrator subscribes a flow; an appointment for a saved customer reaches it', async () => {
    const result = await run(
      scenario('graph-steps', [
        // Before addStaff, Nia is a user but not staff: the trigger API refuses her.
        '- subscribe: { flow: nia-created, expect: { status: 403, code: NotBookingsAdministrator } }',
        addNia,
        '- subscribe: { flow: nia-created }',
        addJordan,
        createFor('{ ref: jordan, answers: { q1: Audit } }', ', staff: [nia]'),
        '- expect:',
        '    flow: nia-created',
        '    ref: a1',
        '    count: 1',
        '    payload:',
        '      CustomerName: Jordan Miller',
        '      CustomerEmail: jordan@example.com',
        '      CustomerPhone: "+1 555 0100"',
        '      StaffMembers: [{ DisplayName: Nia Novak, EmailAddress: nia@contoso.example }]',
      ]),
    );
    expectPassed(result);
    expect(result.steps).toBe(6);
    expect(result.deliveries).toBe(1);
  });

  it("books with the saved customer's Graph id: the payload's CustomerId is the customer's id in Graph", async () => {
    const emulator = await startEmulator({ logLevel: false });
    try {
      const loaded = loadScenarioFile(
        write(
          scenario('customer-id', [
            addNia,
            '- subscribe: { flow: nia-created }',
            addJordan,
            createFor('{ ref: jordan, answers: { q1: Tax } }'),
            '- expect: { flow: nia-created, count: 1, payload: { CustomerEmail: jordan@example.com } }',
          ]),
        ),
      );
      if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
      expectPassed(await runScenario(loaded.loaded, { emulatorUrl: emulator.url }));

      const client = createEmulatorClient({ transport: injectTransport(emulator.app) });
      const customers = await client.listCustomers('lunch@contoso.example');
      const jordan = customers.value.find((customer) => customer.emailAddress === 'jordan@example.com');
      expect(jordan?.phones).toEqual([{ number: '+1 555 0100', type: 'mobile' }]);
      const [message] = (await client.inbox.read('nia')).messages;
      expect((message?.body as AppointmentData | undefined)?.CustomerId).toBe(jordan?.id);
    } finally {
      await emulator.close();
    }
  });

  it('a staff entry is a ref, an addStaff id, or else an id sent as it is', async () => {
    const result = await run(
      scenario('staff-names', [
        '- addStaff: { mailbox: lunch@contoso.example, id: s-nia, displayName: Nia Novak, emailAddress: nia@contoso.example, role: administrator }',
        '- subscribe: { flow: nia-created }',
        createFor('{ name: Pat Lee, email: pat@example.com, answers: { q1: Tax } }', ', staff: [s-nia]'),
        '- expect: { flow: nia-created, count: 1, payload: { StaffMembers: [{ DisplayName: Nia Novak }] } }',
        `- create: { ref: a2, mailbox: lunch@contoso.example, service: svc1, start: 2026-01-07T09:00:00Z, customer: { name: Pat Lee, email: pat@example.com, answers: { q1: Tax } }, staff: [nobody], expect: { code: StaffMemberNotFound } }`,
      ]),
    );
    expectPassed(result);
  });

  it('a failing addCustomer fails its step with the Graph error code and message; expect checks a refusal', async () => {
    const text = scenario(
      'refused',
      [
        '- addCustomer: { mailbox: "${missing}", ref: x, displayName: X, emailAddress: x@example.com }',
        '- addCustomer: { mailbox: "${missing}", displayName: X, emailAddress: x@example.com, expect: { status: 404, code: MailboxNotFound } }',
      ],
      ['vars: { missing: nobody@contoso.example }'],
    );
    const failure = onlyFailure(await run(text));
    expect(failure).toMatchObject({ step: 1, verb: 'addCustomer', line: at(text, 'addCustomer').line });
    expect(failure.message).toMatch(
      /^POST \/v1\.0\/solutions\/bookingBusinesses\/nobody%40contoso\.example\/customers answered 404 MailboxNotFound: .*nobody@contoso\.example/,
    );
  });

  it('a customer ref from another business, or whose addCustomer failed, fails the booking step', async () => {
    const result = await run(
      scenario('wrong-business', [
        '- addCustomer: { mailbox: clinic@contoso.example, ref: pat, displayName: Pat Lee, emailAddress: pat@example.com }',
        createFor('{ ref: pat, answers: { q1: Tax } }'),
      ]),
    );
    expect(onlyFailure(result).message).toBe(
      'customer ref "pat" was added to clinic@contoso.example, not to lunch@contoso.example where this step books',
    );
  });
});

describe('lint of addStaff and addCustomer', () => {
  it('names a customer ref no earlier addCustomer saved, and a mailbox the seed lacks', () => {
    const text = scenario('lint', [
      '- addStaff: { mailbox: nowhere@contoso.example, displayName: N, emailAddress: n@example.com, role: viewer }',
      createFor('{ ref: later, answers: { q1: Tax } }'),
      '- addCustomer: { mailbox: lunch@contoso.example, ref: later, displayName: L, emailAddress: l@example.com }',
      '- update: { ref: a1, customer: { ref: later } }',
    ]);
    const loaded = loadScenarioFile(write(text));
    expect(loaded.ok).toBe(false);
    const messages = loaded.ok ? [] : loaded.diagnostics.map((diagnostic) => diagnostic.message);
    expect(messages).toEqual([
      'no business has the mailbox "nowhere@contoso.example" in the seed',
      'customer ref "later" is not saved by an earlier addCustomer step',
    ]);
  });

  it('refuses an addStaff without a role and a role Graph does not have', () => {
    const text = scenario('lint-schema', [
      '- addStaff: { mailbox: lunch@contoso.example, displayName: N, emailAddress: n@example.com }',
      '- addStaff: { mailbox: lunch@contoso.example, displayName: N, emailAddress: n@example.com, role: owner }',
    ]);
    const loaded = loadScenarioFile(write(text));
    expect(loaded.ok).toBe(false);
    const messages = loaded.ok ? [] : loaded.diagnostics.map(formatDiagnostic).join('\n');
    expect(messages).toContain('/steps/0/addStaff/role is required but missing');
    expect(messages).toContain('/steps/1/addStaff/role must be one of ["administrator",');
  });
});
