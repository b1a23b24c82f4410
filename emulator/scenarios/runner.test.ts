import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../api/start.js';
import { builtInSeedPath, packageRoot } from '../core/paths.js';
import { formatDiagnostic } from '../core/source.js';
import { TestReceiver } from '../testing/receiver.js';
import { positionIn as at, useScenarioFolder } from '../testing/scenario-files.js';
import type { FieldDiff } from './expectations.js';
import { loadScenarioFile } from './load.js';
import type { ScenarioResult, StepFailure } from './results.js';
import { type RunOptions, runScenario, type StepStarted } from './runner.js';

const scenarioFolder = useScenarioFolder('bookings-runner-');
const write = scenarioFolder.write;

const flowLines = [
  'flows:',
  '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: [created, updated, cancelled], url: "inbox:all" }',
  '  - { name: on-create, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:created" }',
  '  - { name: on-update, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: updated, url: "inbox:updated" }',
  '  - { name: on-cancel, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: cancelled, url: "inbox:cancelled" }',
  '  - { name: megan, mailbox: lunch@contoso.example, as: megan@contoso.example, trigger: created, url: "inbox:megan" }',
  '  - { name: bad-token, mailbox: lunch@contoso.example, token: not-a-known-token, trigger: created, url: "inbox:bad" }',
];

/** A scenario with the common flows; `head` lines go before `flows:` (seed, clock, quirks, vars...). */
function scenario(name: string, steps: string[], head: string[] = []): string {
  return [`name: ${name}`, ...head, ...flowLines, 'steps:', ...steps.map((step) => `  ${step}`), ''].join(
    '\n',
  );
}

const jordan =
  'customer: { name: Jordan Miller, email: jordan@example.com, answers: { q1: Audit, q2: nothing } }';
const create1on1 = (ref: string, extra = '') =>
  `- create: { ref: ${ref}, service: svc1, start: 2026-01-06T09:00:00Z, ${jordan}${extra} }`;

async function run(
  text: string,
  options: RunOptions = {},
): Promise<{ result: ScenarioResult; text: string }> {
  const loaded = loadScenarioFile(write(text));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return { result: await runScenario(loaded.loaded, options), text };
}

function expectPassed(result: ScenarioResult): void {
  expect(result.error).toBeUndefined();
  expect(result.failures, JSON.stringify(result.failures, null, 2)).toEqual([]);
  expect(result.moreFailures).toBe(0);
  expect(result.status).toBe('passed');
}

function onlyFailure(result: ScenarioResult): StepFailure {
  expect(result.status).toBe('failed');
  expect(result.failures, JSON.stringify(result.failures, null, 2)).toHaveLength(1);
  return result.failures[0] as StepFailure;
}

/** Where a step's body starts (the failure points at the step). */
function stepPosition(text: string, needle: string): { line: number; col: number } {
  const { line, col } = at(text, needle);
  const lineText = text.split('\n')[line - 1] ?? '';
  // `- verb: { ... }`: the body's brace after the needle.
  const brace = lineText.indexOf('{', col - 1);
  return { line, col: brace >= 0 ? brace + 1 : col };
}

describe('runScenario: steps', () => {
  it('subscribes one trigger through its path and a list through the backend form; unsubscribe stops deliveries', async () => {
    const { result } = await run(
      scenario('subscribe', [
        '- subscribe: { flow: on-create }',
        '- subscribe: { flow: all }',
        create1on1('a1'),
        '- update: { ref: a1, notes: changed }',
        '- expect: { flow: on-create, count: 1, order: [created] }',
        '- expect: { flow: all, count: 2, order: [created, updated] }',
        '- unsubscribe: { flow: on-create }',
        '- unsubscribe: { flow: all, expect: { status: 200 } }',
        create1on1('a2'),
        '- expect: { flow: on-create, count: 1 }',
        '- expect: { flow: all, count: 2 }',
        '- subscribe: { flow: on-create }',
        create1on1('a3'),
        // Deliveries of every subscription the flow had count.
        '- expect: { flow: on-create, count: 2, order: [a1, a3] }',
      ]),
    );
    expectPassed(result);
    expect(result.steps).toBe(14);
    expect(result.expectations).toBe(5);
    expect(result.deliveries).toBe(4);
  });

  it('subscribe and unsubscribe with expect: { status, code } check a refusal', async () => {
    const { result } = await run(
      scenario('refusals', [
        '- subscribe: { flow: megan, expect: { status: 403, code: NotBookingsAdministrator } }',
        '- subscribe: { flow: bad-token, expect: { status: 401, code: Unauthenticated } }',
        '- subscribe: { flow: on-create, expect: { status: 200 } }',
        '- fault: { target: trigger-api, status: 503 }',
        '- unsubscribe: { flow: on-create, expect: { status: 503, code: ServiceUnavailable } }',
        '- unsubscribe: { flow: on-create }',
        create1on1('a1'),
        '- expect: { flow: on-create, count: 0 }',
        '- expect: { flow: megan, count: 0 }',
      ]),
    );
    expectPassed(result);
  });

  it('a refused subscribe without expect fails the step with the status and code', async () => {
    const { result, text } = await run(scenario('refused', ['- subscribe: { flow: megan }']));
    const failure = onlyFailure(result);
    expect(failure).toMatchObject({ step: 1, verb: 'subscribe', ...stepPosition(text, 'subscribe: {') });
    expect(failure.message).toContain('403 NotBookingsAdministrator');
  });

  it('an expect: { status, code } that does not hold fails with field diffs', async () => {
    const { result, text } = await run(
      scenario('wrong-refusal', [
        '- subscribe: { flow: on-create, expect: { status: 403 } }',
        '- subscribe: { flow: megan, expect: { status: 403, code: Unauthenticated } }',
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      {
        step: 1,
        verb: 'subscribe',
        ...stepPosition(text, 'subscribe: { flow: on-create'),
        message: expect.stringContaining('expected status 403'),
        diffs: [{ path: 'status', expected: 403, actual: 200, problem: 'different' }],
      },
      {
        step: 2,
        verb: 'subscribe',
        ...stepPosition(text, 'subscribe: { flow: megan'),
        message: expect.stringContaining('expected error code Unauthenticated'),
        diffs: [
          {
            path: 'code',
            expected: 'Unauthenticated',
            actual: 'NotBookingsAdministrator',
            problem: 'different',
          },
        ],
      },
    ]);
  });

  it('unsubscribing a flow that is not subscribed fails the step', async () => {
    const { result } = await run(scenario('not-subscribed', ['- unsubscribe: { flow: all }']));
    expect(onlyFailure(result).message).toBe('flow "all" is not subscribed');
  });

  it('creates a 1:1 appointment with answers, end, staff, notes and sms', async () => {
    const { result } = await run(
      scenario('create-1on1', [
        '- subscribe: { flow: on-create }',
        '- create:',
        '    ref: a1',
        '    service: svc1',
        '    start: 2026-01-06T09:00:00Z',
        '    end: 2026-01-06T10:00:00Z',
        '    staff: [s1]',
        '    notes: Extra info',
        '    sms: true',
        `    ${jordan}`,
        '- expect:',
        '    flow: on-create',
        '    count: 1',
        '    payload:',
        '      ServiceId: svc1',
        '      ServiceName: Consultation',
        '      StartTime: "01/06/2026 09:00:00"',
        '      EndTime: "01/06/2026 10:00:00"',
        '      AdditionalInfo: Extra info',
        '      IsSMSNotificationsEnabled: true',
        '      MaxAttendeesCount: 1',
        '      FilledAttendeesCount: 1',
        '      CustomerName: Jordan Miller',
        '      CustomerEmail: jordan@example.com',
        '      StaffMembers: [{ Id: s1, DisplayName: Adele Vance }]',
        '      Customers:',
        '        - Name: Jordan Miller',
        '          Answers:',
        '            - { QuestionID: q1, SelectedOptions: [1] }',
        '            - { QuestionID: q2, Answer: nothing }',
      ]),
    );
    expectPassed(result);
  });

  it('creates a group appointment with several customers', async () => {
    const { result } = await run(
      scenario('create-group', [
        '- subscribe: { flow: on-create }',
        '- create:',
        '    ref: g1',
        '    service: svc2',
        '    start: +1d',
        '    customers:',
        '      - { name: A, email: a@example.com, notes: n1, answers: { q3: Vegan } }',
        '      - { name: B, email: b@example.com, answers: { q3: [None, Vegetarian] } }',
        '- expect:',
        '    flow: on-create',
        '    ref: g1',
        '    payload:',
        '      ServiceName: Cooking class',
        '      MaxAttendeesCount: 8',
        '      FilledAttendeesCount: 2',
        '      Customers:',
        '        - { Name: A, Email: a@example.com, Notes: n1, Answers: [{ QuestionID: q3, SelectedOptions: [2] }] }',
        '        - { Name: B, Answers: [{ QuestionID: q3, SelectedOptions: [0, 1] }] }',
        '    absent: [CustomerName, Customers/1/Notes]',
      ]),
    );
    expectPassed(result);
  });

  it('update PATCHes only the fields given', async () => {
    const { result } = await run(
      scenario('update', [
        '- subscribe: { flow: on-update }',
        create1on1('a1', ', notes: first'),
        '- update: { ref: a1, notes: second }',
        '- expect: { flow: on-update, count: 1, payload: { AdditionalInfo: second, CustomerName: Jordan Miller, StartTime: "01/06/2026 09:00:00" } }',
        '- update: { ref: a1, start: 2026-01-06T11:00:00Z, customer: { name: Pat Lee, email: pat@example.com, answers: { q1: Tax } } }',
        '- expect: { flow: on-update, count: 2, payload: { AdditionalInfo: second, CustomerName: Pat Lee, StartTime: "01/06/2026 11:00:00" } }',
      ]),
    );
    expectPassed(result);
  });

  it('cancel sends the cancellation message where the quirks allow it', async () => {
    const steps = [
      '- subscribe: { flow: on-cancel }',
      create1on1('a1'),
      '- create: { ref: g1, service: svc2, start: +1d, customers: [{ name: A, email: a@example.com, answers: { q3: None } }] }',
      '- cancel: { ref: a1, reason: Customer ill }',
      '- expect: { flow: on-cancel, ref: a1, count: 1, absent: [CancelReason, Customers/0/Notes] }',
      '- cancel: { ref: g1, reason: Chef ill }',
      '- expect: { flow: on-cancel, ref: g1, count: 1, payload: { CancelReason: Chef ill } }',
      '- expect: { flow: on-cancel, count: 2, order: [a1, g1] }',
    ];
    expectPassed((await run(scenario('cancel', steps))).result);
    const quirkOff = steps.map((step) =>
      step.startsWith('- expect: { flow: on-cancel, ref: a1')
        ? '- expect: { flow: on-cancel, ref: a1, count: 1, payload: { CancelReason: Customer ill } }'
        : step,
    );
    expectPassed(
      (await run(scenario('cancel-quirk-off', quirkOff, ['quirks: { cancel-reason-missing-1on1: false }'])))
        .result,
    );
  });

  it('delete removes the appointment, which flows see as cancelled', async () => {
    const { result } = await run(
      scenario('delete', [
        '- subscribe: { flow: all }',
        create1on1('a1'),
        '- delete: { ref: a1 }',
        '- expect: { flow: all, ref: a1, count: 2, order: [created, cancelled] }',
        '- delete: { ref: a1, expect: { status: 404, code: AppointmentNotFound } }',
      ]),
    );
    expectPassed(result);
  });

  it('advance by and to move the scenario clock that relative times are based on', async () => {
    const { result } = await run(
      scenario(
        'advance',
        [
          '- subscribe: { flow: on-create }',
          '- create: { ref: a1, service: svc1, start: +1h, customer: { name: A, answers: { q1: Tax } } }',
          '- expect: { flow: on-create, ref: a1, payload: { StartTime: "01/05/2026 09:00:00" } }',
          '- advance: { by: 90m }',
          '- create: { ref: a2, service: svc1, start: +1h, customer: { name: A, answers: { q1: Tax } } }',
          '- expect: { flow: on-create, ref: a2, payload: { StartTime: "01/05/2026 10:30:00" } }',
          '- advance: { to: 2026-01-07T12:00:00Z }',
          '- create: { ref: a3, service: svc1, start: +2h, customer: { name: A, answers: { q1: Tax } } }',
          '- expect: { flow: on-create, ref: a3, payload: { StartTime: "01/07/2026 14:00:00" } }',
          '- advance: { to: +1d }',
          '- create: { ref: a4, service: svc1, start: +0s, customer: { name: A, answers: { q1: Tax } } }',
          '- expect: { flow: on-create, ref: a4, payload: { StartTime: "01/08/2026 12:00:00" } }',
        ],
        ['clock: { start: 2026-01-05T08:00:00Z }'],
      ),
    );
    expectPassed(result);
  });

  it('the scenario clock starts at 2026-01-05T08:00:00Z by default', async () => {
    const { result } = await run(
      scenario('default-clock', [
        '- subscribe: { flow: on-create }',
        '- create: { ref: a1, service: svc1, start: +1h, customer: { name: A, answers: { q1: Tax } } }',
        '- expect: { flow: on-create, payload: { StartTime: "01/05/2026 09:00:00" } }',
      ]),
    );
    expectPassed(result);
  });

  it('webhookLimit and a literal token apply to an in-process run', async () => {
    const { result } = await run(
      [
        'name: limit',
        'webhookLimit: 1',
        'flows:',
        '  - { name: one, mailbox: lunch@contoso.example, token: admin-token, trigger: created, url: "inbox:one" }',
        '  - { name: two, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: updated, url: "inbox:two" }',
        'steps:',
        '  - subscribe: { flow: one }',
        '  - subscribe: { flow: two, expect: { status: 429, code: WebhookLimitExceeded } }',
        '',
      ].join('\n'),
    );
    expectPassed(result);
  });

  it('advancing to the past fails the step', async () => {
    const { result } = await run(
      scenario(
        'advance-back',
        ['- advance: { to: 2026-01-01T00:00:00Z }'],
        ['clock: { start: 2026-01-05T08:00:00Z }'],
      ),
    );
    expect(onlyFailure(result).message).toMatch(/cannot advance to 2026-01-01T00:00:00.000Z/);
  });

  it('fault trigger-api: the next calls answer the injected status', async () => {
    const { result } = await run(
      scenario('fault-trigger-api', [
        '- fault: { target: trigger-api, status: 503, count: 2 }',
        '- subscribe: { flow: on-create, expect: { status: 503, code: ServiceUnavailable } }',
        '- subscribe: { flow: on-create, expect: { status: 503 } }',
        '- subscribe: { flow: on-create }',
        '- fault: { target: trigger-api, status: 500, retryAfterSeconds: 7 }',
        '- subscribe: { flow: all, expect: { status: 500, code: InternalServerError } }',
        '- subscribe: { flow: all }',
        create1on1('a1'),
        '- expect: { flow: on-create, count: 1 }',
        '- expect: { flow: all, count: 1 }',
      ]),
    );
    expectPassed(result);
  });

  it('fault inbox: the inbox answers the injected status and the delivery is retried', async () => {
    const { result } = await run(
      scenario(
        'fault-inbox',
        [
          '- subscribe: { flow: on-create }',
          '- fault: { target: inbox, inbox: created, status: 503, count: 2 }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 1, failed: 0, attempts: 3, status: 200, within: 10s }',
        ],
        ['retryPolicy: "1s,2s"'],
      ),
    );
    expectPassed(result);
  });

  it('repeat runs its steps with ${i}, or with the variable it names', async () => {
    const { result } = await run(
      scenario('repeat', [
        '- subscribe: { flow: all }',
        '- repeat:',
        '    times: 3',
        '    var: n',
        '    steps:',
        '      - create: { ref: "r${n}", service: svc1, start: +1h, customer: { name: "Customer ${n}", answers: { q1: Tax } } }',
        '      - repeat:',
        '          times: 2',
        '          steps:',
        '            - update: { ref: "r${n}", notes: "note ${n}.${i}" }',
        '- repeat: { times: 0, steps: [{ expect: { flow: all, count: 999 } }] }',
        '- expect: { flow: all, count: 9, order: [r0, updated, updated, r1, updated, updated, r2, updated, updated] }',
        // The latest delivery is r2's second update.
        '- expect: { flow: all, payload: { CustomerName: Customer 2, AdditionalInfo: note 2.1 } }',
        '- expect: { flow: all, event: created, order: [r0, r1, r2], payload: { CustomerName: Customer 2 }, absent: [AdditionalInfo] }',
      ]),
    );
    expectPassed(result);
    expect(result.steps).toBe(1 + 3 * (1 + 2) + 3);
    expect(result.expectations).toBe(3);
  });
});

describe('runScenario: the README example', () => {
  it('runs and passes', async () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Scenario files'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain('name: cancel-1on1-has-no-reason');
    const text = (example ?? '').replace('../fixtures/seeds/demo.yaml', JSON.stringify(builtInSeedPath));
    const { result } = await run(text);
    expectPassed(result);
    expect(result).toMatchObject({ steps: 4, expectations: 1, deliveries: 1 });
  });
});

describe('runScenario: expectations', () => {
  it('count, failed, attempts and status on a delivery that fails for good', async () => {
    const steps = [
      '- subscribe: { flow: on-create }',
      '- fault: { target: inbox, inbox: created, status: 500 }',
      create1on1('a1'),
      '- expect: { flow: on-create, count: 0, failed: 1, attempts: 1, status: 500 }',
      '- fault: { target: inbox, inbox: created, status: 202 }',
      create1on1('a2'),
      '- expect: { flow: on-create, ref: a2, count: 1, failed: 0, attempts: 1, status: 202 }',
      '- expect: { flow: on-create, count: 1, failed: 1, attempts: 2, status: 202 }',
    ];
    expectPassed((await run(scenario('figures', steps, ['retryPolicy: none']))).result);
  });

  it('count, failed, attempts and status that do not hold give one diff each', async () => {
    const { result, text } = await run(
      scenario(
        'figures-fail',
        [
          '- subscribe: { flow: on-create }',
          '- fault: { target: inbox, inbox: created, status: 500 }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 2, failed: 3, attempts: 4, status: 201 }',
        ],
        ['retryPolicy: none'],
      ),
    );
    const failure = onlyFailure(result);
    expect(failure).toMatchObject({ step: 4, verb: 'expect', ...stepPosition(text, 'expect: {') });
    expect(failure.message).toBe(
      'flow "on-create": expectation not met within 5s (count, failed, attempts, status)',
    );
    expect(failure.diffs).toEqual<FieldDiff[]>([
      { path: 'count', expected: 2, actual: 0, problem: 'different' },
      { path: 'failed', expected: 3, actual: 1, problem: 'different' },
      { path: 'attempts', expected: 4, actual: 1, problem: 'different' },
      { path: 'status', expected: 201, actual: 500, problem: 'different' },
    ]);
  });

  it('payload is a partial match: objects may hold more keys, nested arrays must match in length', async () => {
    const { result, text } = await run(
      scenario('payload-fail', [
        '- subscribe: { flow: on-create }',
        '- create: { ref: g1, service: svc2, start: +1d, customers: [{ name: A, email: a@example.com, answers: { q3: Vegan } }, { name: B, email: b@example.com, answers: { q3: None } }] }',
        '- expect:',
        '    flow: on-create',
        '    payload:',
        '      ServiceName: Consultation',
        '      Customers:',
        '        - { Name: A, Answers: [{ QuestionID: q3, SelectedOptions: [1] }] }',
        '        - { Name: B, Phone: "555" }',
        '      StaffMembers: [{ Id: s1 }]',
      ]),
    );
    const failure = onlyFailure(result);
    expect(failure).toMatchObject({
      step: 3,
      verb: 'expect',
      line: at(text, 'flow: on-create\n').line,
      col: 7,
    });
    expect(failure.diffs).toEqual<FieldDiff[]>([
      { path: '/ServiceName', expected: 'Consultation', actual: 'Cooking class', problem: 'different' },
      { path: '/Customers/0/Answers/0/SelectedOptions/0', expected: 1, actual: 2, problem: 'different' },
      { path: '/Customers/1/Phone', expected: '555', actual: undefined, problem: 'missing' },
      {
        path: '/StaffMembers',
        expected: [{ Id: 's1' }],
        actual: [
          { DisplayName: 'Adele Vance', EmailAddress: 'adele@contoso.example', Id: 's1' },
          { DisplayName: 'Megan Bowen', EmailAddress: 'megan@contoso.example', Id: 's2' },
        ],
        problem: 'different',
      },
    ]);
  });

  it('payload and status need a delivery to look at', async () => {
    const { result } = await run(
      scenario('no-delivery', [
        '- subscribe: { flow: on-create }',
        '- expect: { flow: on-create, payload: { Id: x } }',
      ]),
    );
    expect(onlyFailure(result).diffs).toEqual([
      { path: 'deliveries', expected: 'at least one', actual: 0, problem: 'missing' },
    ]);
  });

  it('absent takes Customers/0/Notes style paths (and /pointers)', async () => {
    const { result } = await run(
      scenario('absent', [
        '- subscribe: { flow: on-create }',
        '- create: { ref: g1, service: svc2, start: +1d, customers: [{ name: A, email: a@example.com, notes: n1, answers: { q3: Vegan } }, { name: B, email: b@example.com, answers: { q3: None } }] }',
        '- expect: { flow: on-create, absent: [CancelReason, Customers/1/Notes, Customers/2, /Customers/1/Phone] }',
        '- expect: { flow: on-create, absent: [Customers/0/Notes, /Customers/1/Name, CustomerName] }',
      ]),
    );
    const failure = onlyFailure(result);
    expect(failure.step).toBe(4);
    expect(failure.diffs).toEqual<FieldDiff[]>([
      { path: '/Customers/0/Notes', expected: '(absent)', actual: 'n1', problem: 'unexpected' },
      { path: '/Customers/1/Name', expected: '(absent)', actual: 'B', problem: 'unexpected' },
    ]);
  });

  it('order names each delivery by its event or by its ref', async () => {
    const { result, text } = await run(
      scenario('order', [
        '- subscribe: { flow: all }',
        create1on1('a1'),
        create1on1('a2'),
        '- update: { ref: a1, notes: x }',
        '- cancel: { ref: a2 }',
        '- expect: { flow: all, count: 4, order: [created, created, updated, cancelled] }',
        '- expect: { flow: all, order: [a1, a2, a1, a2] }',
        '- expect: { flow: all, order: [a1, created, updated, a2] }',
        '- expect: { flow: all, order: [a2, a1, a1, a2] }',
        '- expect: { flow: all, order: [created, created, updated] }',
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toEqual([
      {
        step: 9,
        verb: 'expect',
        ...stepPosition(text, 'expect: { flow: all, order: [a2, a1'),
        message: 'flow "all": expectation not met within 5s (order)',
        diffs: [
          {
            path: 'order',
            expected: ['a2', 'a1', 'a1', 'a2'],
            actual: ['created', 'created', 'a1', 'a2'],
            problem: 'different',
          },
        ],
      },
      {
        step: 10,
        verb: 'expect',
        ...stepPosition(text, 'expect: { flow: all, order: [created, created, updated] }'),
        message: 'flow "all": expectation not met within 5s (order)',
        diffs: [
          {
            path: 'order',
            expected: ['created', 'created', 'updated'],
            actual: ['created', 'created', 'updated', 'cancelled'],
            problem: 'different',
          },
        ],
      },
    ]);
  });

  it('ref and event filter the deliveries an expectation looks at', async () => {
    const { result } = await run(
      scenario('filters', [
        '- subscribe: { flow: all }',
        create1on1('a1'),
        create1on1('a2'),
        '- update: { ref: a1, notes: x }',
        '- update: { ref: a1, notes: y }',
        '- cancel: { ref: a2 }',
        '- expect: { flow: all, count: 5 }',
        '- expect: { flow: all, ref: a1, count: 3, order: [created, updated, updated] }',
        '- expect: { flow: all, ref: a2, count: 2, order: [created, cancelled] }',
        '- expect: { flow: all, event: updated, count: 2, payload: { AdditionalInfo: y } }',
        '- expect: { flow: all, event: created, count: 2, order: [a1, a2] }',
        '- expect: { flow: all, ref: a2, event: updated, count: 0 }',
        '- expect: { flow: all, ref: a1, event: cancelled, count: 0 }',
        '- expect: { flow: all, ref: a2, event: cancelled, count: 1 }',
      ]),
    );
    expectPassed(result);
  });

  it('within waits on the scenario clock: a retry due in 40s fails within 30s and passes within 1m', async () => {
    const { result, text } = await run(
      scenario(
        'within',
        [
          '- subscribe: { flow: on-create }',
          '- fault: { target: inbox, inbox: created, status: 500 }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 1, within: 30s }',
          '- expect: { flow: on-create, count: 1, attempts: 2, within: 1m }',
        ],
        ['retryPolicy: 40s'],
      ),
    );
    const failure = onlyFailure(result);
    expect(failure).toMatchObject({
      step: 4,
      verb: 'expect',
      ...stepPosition(text, 'expect: { flow: on-create, count: 1, within: 30s'),
      message: 'flow "on-create": expectation not met within 30s (count)',
      diffs: [{ path: 'count', expected: 1, actual: 0, problem: 'different' }],
    });
    expect(result.expectations).toBe(2);
  });

  it('advance runs the retries that fall due on the way', async () => {
    const { result } = await run(
      scenario(
        'advance-retries',
        [
          '- subscribe: { flow: on-create }',
          '- fault: { target: inbox, inbox: created, status: 500, count: 2 }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 0, attempts: 1, status: 500, within: 0s }',
          '- advance: { by: 45s }',
          '- expect: { flow: on-create, count: 0, attempts: 2, status: 500, within: 0s }',
          '- advance: { by: 2m }',
          '- expect: { flow: on-create, count: 1, attempts: 3, status: 200, within: 0s }',
        ],
        ['retryPolicy: "40s,1m"'],
      ),
    );
    expectPassed(result);
  });

  it('the default within is 5s', async () => {
    const steps = (delay: string) =>
      scenario(
        `within-default-${delay}`,
        [
          '- subscribe: { flow: on-create }',
          '- fault: { target: inbox, inbox: created, status: 500 }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 1 }',
        ],
        [`retryPolicy: ${delay}`],
      );
    expectPassed((await run(steps('4s'))).result);
    expect(onlyFailure((await run(steps('6s'))).result).message).toContain('within 5s');
  });
});

describe('runScenario: variables and fake data', () => {
  it('takes variables from vars: in any string of a step', async () => {
    const { result } = await run(
      scenario(
        'vars',
        [
          '- subscribe: { flow: "${flow}" }',
          '- create: { ref: "${ref}", service: "${service}", start: "${start}", customer: { name: "${who} Miller", email: "${who}@example.com", answers: { q1: Tax } }, notes: "${count} ${flag}" }',
          '- expect: { flow: "${flow}", ref: "${ref}", count: 1, within: "${wait}", payload: { ServiceId: svc1, CustomerName: Jordan Miller, CustomerEmail: Jordan@example.com, AdditionalInfo: 3 true, StartTime: "01/05/2026 10:00:00" } }',
        ],
        [
          'vars: { flow: on-create, ref: a1, service: svc1, who: Jordan, count: 3, flag: true, start: +2h, wait: 1s }',
        ],
      ),
    );
    expectPassed(result);
  });

  it('an unknown variable fails its step, not the run; later steps still run', async () => {
    const { result, text } = await run(
      scenario('unknown-var', [
        '- subscribe: { flow: on-create }',
        '- create: { ref: a1, service: svc1, start: +1h, customer: { name: "${nobody}" } }',
        '- create: { ref: a2, service: svc1, start: +1h, customer: { name: "${fake:nothing}" } }',
        create1on1('a3'),
        '- expect: { flow: on-create, count: 1 }',
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toBeUndefined();
    expect(result.steps).toBe(5);
    expect(result.expectations).toBe(1);
    expect(result.failures).toEqual([
      {
        step: 2,
        verb: 'create',
        ...stepPosition(text, 'create: { ref: a1'),
        message: 'unknown variable "${nobody}"',
      },
      {
        step: 3,
        verb: 'create',
        ...stepPosition(text, 'create: { ref: a2'),
        message: expect.stringMatching(/^unknown fake kind "nothing"/),
      },
    ]);
  });

  it('an unknown variable inside a repeat names the iteration', async () => {
    const { result, text } = await run(
      scenario('unknown-var-repeat', [
        '- repeat: { times: 2, var: k, steps: [{ advance: { by: "${k}${nope}s" } }] }',
      ]),
    );
    expect(result.failures.map((failure) => failure.message)).toEqual([
      'unknown variable "${nope}" (k=0)',
      'unknown variable "${nope}" (k=1)',
    ]);
    // Each failure points at the step inside the repeat.
    const inner = stepPosition(text, 'advance: {');
    expect(result.failures.map((failure) => [failure.step, failure.line, failure.col])).toEqual([
      [1, inner.line, inner.col],
      [2, inner.line, inner.col],
    ]);
  });

  const fakeScenario = scenario('fake', [
    '- subscribe: { flow: all }',
    '- create: { ref: a1, service: svc1, start: +1d, customer: { fake: true, answers: { q1: Tax } }, notes: "${fake:sentence}" }',
    '- create: { ref: a2, service: svc1, start: +1d, customer: { name: "${fake:name}", email: "${fake:email}", phone: "${fake:phone}", answers: { q1: Tax } }, notes: "${fake:word} ${fake:uuid}" }',
    // Fails on purpose: the diffs show the values the run made up.
    '- expect: { flow: all, ref: a1, payload: { CustomerName: "?", CustomerEmail: "?", CustomerPhone: "?", AdditionalInfo: "?" } }',
    '- expect: { flow: all, ref: a2, payload: { CustomerName: "?", CustomerEmail: "?", CustomerPhone: "?", AdditionalInfo: "?" } }',
  ]);

  const madeUp = (result: ScenarioResult) =>
    result.failures.flatMap((failure) => (failure.diffs ?? []).map((diff) => [diff.path, diff.actual]));

  it('${fake:...} and customer: { fake: true } give the same values for the same seed', async () => {
    const first = (await run(fakeScenario, { seed: 42 })).result;
    const again = (await run(fakeScenario, { seed: 42 })).result;
    expect(first.failures).toHaveLength(2);
    const values = madeUp(first);
    expect(values).toHaveLength(8);
    for (const [path, value] of values) {
      expect(typeof value, String(path)).toBe('string');
      expect(value).not.toContain('${');
      expect(value).not.toBe('?');
    }
    const byPath = (index: number, path: string) =>
      first.failures[index]?.diffs?.find((diff) => diff.path === path)?.actual as string;
    expect(byPath(0, '/CustomerEmail')).toMatch(/@/);
    expect(byPath(1, '/CustomerEmail')).toMatch(/@/);
    expect(byPath(1, '/AdditionalInfo')).toMatch(
      / [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    // Two fake names in one run differ.
    expect(byPath(0, '/CustomerName')).not.toBe(byPath(1, '/CustomerName'));
    expect(madeUp(again)).toEqual(values);
    expect(again).toEqual({ ...first, file: again.file, durationMs: again.durationMs });
  });

  it('another seed gives other values', async () => {
    const one = madeUp((await run(fakeScenario, { seed: 42 })).result);
    const other = madeUp((await run(fakeScenario, { seed: 43 })).result);
    expect(other.map(([path]) => path)).toEqual(one.map(([path]) => path));
    const names = (values: unknown[][]) => values.filter(([path]) => path === '/CustomerName');
    expect(names(other)).not.toEqual(names(one));
    const emails = (values: unknown[][]) => values.filter(([path]) => path === '/CustomerEmail');
    expect(emails(other)).not.toEqual(emails(one));
  });
});

describe('runScenario: failures', () => {
  it('a failing expectation gives failed with the step position and field-by-field diffs', async () => {
    const { result, text } = await run(
      scenario('fails', [
        '- subscribe: { flow: on-create }',
        create1on1('a1'),
        '- expect: { flow: on-create, count: 2, payload: { CustomerName: Pat Lee, CustomerEmail: jordan@example.com } }',
      ]),
    );
    expect(result).toMatchObject({
      status: 'failed',
      steps: 3,
      expectations: 1,
      deliveries: 1,
      moreFailures: 0,
    });
    expect(result.failures).toEqual([
      {
        step: 3,
        verb: 'expect',
        ...stepPosition(text, 'expect: {'),
        message: 'flow "on-create": expectation not met within 5s (count, /CustomerName)',
        diffs: [
          { path: 'count', expected: 2, actual: 1, problem: 'different' },
          { path: '/CustomerName', expected: 'Pat Lee', actual: 'Jordan Miller', problem: 'different' },
        ],
      },
    ]);
  });

  it('a failing step does not stop the steps after it', async () => {
    const { result, text } = await run(
      scenario('keeps-going', [
        '- subscribe: { flow: on-create }',
        '- create: { ref: a1, service: svc1, start: +1h }',
        '- update: { ref: a1, notes: x }',
        '- expect: { flow: on-create, count: 5 }',
        create1on1('a2'),
        '- expect: { flow: on-create, ref: a2, count: 1 }',
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.steps).toBe(6);
    expect(result.expectations).toBe(2);
    expect(result.deliveries).toBe(1);
    expect(result.failures.map((failure) => [failure.step, failure.verb, failure.line])).toEqual([
      [2, 'create', at(text, 'create: { ref: a1').line],
      [3, 'update', at(text, 'update: {').line],
      [4, 'expect', at(text, 'count: 5').line],
    ]);
    expect(result.failures[0]?.message).toMatch(/answered 400 InvalidAppointment/);
    expect(result.failures[1]?.message).toBe('ref "a1" has no appointment (its create failed or never ran)');
  });

  it('keeps 50 failures and counts the rest', async () => {
    const { result } = await run(
      scenario('many-failures', [
        '- repeat: { times: 60, steps: [{ expect: { flow: all, count: 1, within: 0s } }] }',
      ]),
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(50);
    expect(result.moreFailures).toBe(10);
    expect(result.failures[49]?.message).toContain('(i=49)');
  });
});

describe('runScenario: options', () => {
  let receiver: TestReceiver | undefined;
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await emulator?.close();
    emulator = undefined;
  });

  it('flowUrls sends a flow to another URL instead of its inbox', async () => {
    receiver = await new TestReceiver().start();
    const { result } = await run(
      scenario('flow-urls', [
        '- subscribe: { flow: on-create }',
        '- subscribe: { flow: all }',
        create1on1('a1'),
        '- expect: { flow: on-create, count: 1, status: 200, payload: { CustomerName: Jordan Miller } }',
        '- expect: { flow: all, count: 1 }',
      ]),
      { flowUrls: new Map([['on-create', `${receiver.url}/api/flow`]]) },
    );
    expectPassed(result);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.path).toBe('/api/flow');
    expect(receiver.received[0]?.body).toMatchObject({ CustomerName: 'Jordan Miller', ServiceId: 'svc1' });
  });

  it("flowUrls: the receiver's answers are what the expectation sees", async () => {
    receiver = await new TestReceiver((n) => ({ status: n === 1 ? 429 : 200 })).start();
    const { result } = await run(
      scenario(
        'flow-urls-retry',
        [
          '- subscribe: { flow: on-create }',
          create1on1('a1'),
          '- expect: { flow: on-create, count: 1, attempts: 2, status: 200, within: 10s }',
        ],
        ['retryPolicy: 3s'],
      ),
      { flowUrls: new Map([['on-create', receiver.url]]) },
    );
    expectPassed(result);
    expect(receiver.received).toHaveLength(2);
  });

  const remoteScenario = [
    'name: remote',
    'seed:',
    '  users: [{ upn: owner@shop.example }]',
    '  businesses:',
    '    - email: shop@shop.example',
    '      displayName: Shop',
    '      staff: [{ id: s1, displayName: Owner, emailAddress: owner@shop.example, role: administrator }]',
    '      services: [{ id: cut, displayName: Haircut, maxAttendees: 1 }]',
    'quirks: { cancel-reason-missing-1on1: false }',
    'flows:',
    '  - { name: all, mailbox: shop@shop.example, as: owner@shop.example, trigger: [created, updated, cancelled], url: "inbox:all" }',
    'steps:',
    '  - subscribe: { flow: all }',
    '  - create: { ref: a1, service: cut, start: +1d, customer: { name: Kim, email: kim@example.com } }',
    '  - update: { ref: a1, notes: two }',
    '  - cancel: { ref: a1, reason: Sorry }',
    '  - expect: { flow: all, count: 3, order: [created, updated, cancelled], payload: { ServiceName: Haircut, CancelReason: Sorry, AdditionalInfo: two } }',
    '  - fault: { target: inbox, inbox: all, status: 500 }',
    '  - create: { ref: a2, service: cut, start: +1d, customer: { name: Lee, email: lee@example.com } }',
    '  - expect: { flow: all, ref: a2, count: 1, attempts: 2, within: 1m }',
    '  - expect: { flow: all, count: 9, failed: 1 }',
    '',
  ].join('\n');

  it('emulatorUrl runs against a running emulator, reset to the scenario seed, with the in-process results', async () => {
    emulator = await startEmulator({ logLevel: false });
    const local = (await run(remoteScenario)).result;
    const loaded = loadScenarioFile(write(remoteScenario, 'remote.yaml'));
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const remote = await runScenario(loaded.loaded, { emulatorUrl: emulator.url });
    const comparable = (result: ScenarioResult) => ({ ...result, file: '', durationMs: 0 });
    expect(local.failures.map((failure) => failure.step)).toEqual([9]);
    expect(comparable(remote)).toEqual(comparable(local));
    expect(remote.deliveries).toBe(4);

    // The running emulator now serves the scenario's seed and holds this run's deliveries.
    const journal = (await (await fetch(`${emulator.url}/_emulator/deliveries`)).json()) as {
      deliveries: unknown[];
    };
    expect(journal.deliveries).toHaveLength(4);
    expect(
      emulator.context.state.store.deliveries.list({}).every((d) => d.mailbox === 'shop@shop.example'),
    ).toBe(true);

    // A second run starts from a fresh state again.
    const again = await runScenario(loaded.loaded, { emulatorUrl: emulator.url });
    expect(comparable(again)).toEqual(comparable(local));
  });

  it('emulatorUrl: faults a previous run left behind are gone', async () => {
    emulator = await startEmulator({ logLevel: false });
    const { result: first } = await run(
      scenario('leaves-faults', [
        '- fault: { target: trigger-api, status: 503, count: 5 }',
        '- fault: { target: inbox, inbox: created, status: 500, count: 5 }',
      ]),
      { emulatorUrl: emulator.url },
    );
    expectPassed(first);
    const { result } = await run(
      scenario('after-faults', [
        '- subscribe: { flow: on-create }',
        create1on1('a1'),
        '- expect: { flow: on-create, count: 1, attempts: 1 }',
      ]),
      { emulatorUrl: emulator.url },
    );
    expectPassed(result);
  });

  it("emulatorUrl: quirks are reset to the scenario's, the defaults when it names none", async () => {
    // The emulator was started with a quirk switched off; the scenario does not mention quirks.
    emulator = await startEmulator({ logLevel: false, quirks: { 'cancel-reason-missing-1on1': false } });
    const text = scenario('default-quirks', [
      '- subscribe: { flow: on-cancel }',
      create1on1('a1'),
      '- cancel: { ref: a1, reason: Customer ill }',
      '- expect: { flow: on-cancel, count: 1, absent: [CancelReason] }',
    ]);
    const local = (await run(text)).result;
    expectPassed(local);
    const remote = (await run(text, { emulatorUrl: emulator.url })).result;
    expect(remote.failures).toEqual(local.failures);
    expect(remote.status).toBe('passed');
  });

  it('emulatorUrl that nothing listens on gives status error, not an exception', async () => {
    const probe = await startEmulator({ logLevel: false });
    const url = probe.url;
    await probe.close();
    const { result } = await run(scenario('unreachable', ['- advance: { by: 1s }']), { emulatorUrl: url });
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/cannot reach the emulator/);
    expect(result.steps).toBe(0);
  });

  it('onStep is called as each step starts, repeats unrolled, with its verb and line', async () => {
    const calls: StepStarted[] = [];
    const { result, text } = await run(
      scenario('progress', [
        '- subscribe: { flow: on-create }',
        '- repeat:',
        '    times: 3',
        '    steps:',
        '      - create: { ref: "a${i}", service: svc1, start: +1h, customer: { name: "C${i}", answers: { q1: Tax } } }',
        '      - advance: { by: 1s }',
      ]),
      { onStep: (step) => calls.push(step) },
    );
    expectPassed(result);
    const create = at(text, 'create:').line;
    const advance = at(text, 'advance:').line;
    expect(calls).toEqual([
      { step: 1, verb: 'subscribe', line: at(text, 'subscribe:').line },
      ...[0, 1, 2].flatMap((i) => [
        { step: 2 + 2 * i, verb: 'create', line: create },
        { step: 3 + 2 * i, verb: 'advance', line: advance },
      ]),
    ]);
  });

  it('records how long the scenario took', async () => {
    const { result } = await run(scenario('timed', ['- advance: { by: 1s }']));
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('runs a 10,000-step scenario to passed', { timeout: 120_000 }, async () => {
    const { result } = await run(
      scenario('ten-thousand', [
        '- subscribe: { flow: all }',
        '- repeat:',
        '    times: 2500',
        '    steps:',
        '      - create: { ref: "a${i}", service: svc1, start: +1d, customer: { name: "C ${i}", email: c@example.com, answers: { q1: Tax } } }',
        '      - update: { ref: "a${i}", notes: "n${i}" }',
        '      - cancel: { ref: "a${i}", reason: r }',
        '      - expect: { flow: all, ref: "a${i}", count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: "n${i}" } }',
      ]),
    );
    expectPassed(result);
    expect(result.steps).toBe(10_001);
    expect(result.expectations).toBe(2500);
    expect(result.deliveries).toBe(7500);
  });
});
