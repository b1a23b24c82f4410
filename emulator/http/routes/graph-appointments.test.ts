import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { loadSchemaDocument } from '../../core/schemas/documents.js';
import { getSchemaRegistry, schemaId } from '../../core/schemas/registry.js';
import { formatTriggerTime } from '../../domain/appointment-data.js';
import { zeroGuid } from '../../domain/appointments.js';
import { policyDefaults } from '../../domain/policies.js';
import type { AppointmentData, ChangeType, GraphBookingAppointment } from '../../generated/schema-types.js';
import { waitForSettled } from '../../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from '../../testing/http.js';
import { TestReceiver } from '../../testing/receiver.js';
import { lunch, testSeed } from '../../testing/seed.js';

/**
 * The Graph-shaped appointment actions (docs/contract.md, source [E]) driven by the real
 * @microsoft/microsoft-graph-client against a listening emulator; each change is checked through
 * Graph reads and through what a subscribed flow receives. Errors and the exact shape of Graph's
 * answers are checked through inject.
 */

type Appointment = GraphBookingAppointment & { id: string };

/** A single-entity answer as it appears in a collection, which carries the context once for all. */
function withoutContext({ '@odata.context': _context, ...appointment }: Appointment): Appointment {
  return appointment;
}

/** StartTime and EndTime as the trigger sends them under the default policies. */
function triggerTime(utc: string): string {
  return formatTriggerTime(Date.parse(utc), policyDefaults['time-format']);
}

const businessPath = `/solutions/bookingBusinesses/${encodeURIComponent(lunch)}`;
const appointmentsPath = `${businessPath}/appointments`;
const injectBase = `/v1.0${appointmentsPath}`;

function groupAppointment(overrides: Record<string, unknown> = {}) {
  return {
    serviceId: 'group',
    startDateTime: { dateTime: '2026-01-06T13:00:00', timeZone: 'UTC' },
    customers: [
      {
        name: 'Ana Alvarez',
        emailAddress: 'ana@example.com',
        customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
      },
      {
        name: 'Ben Brown',
        emailAddress: 'ben@example.com',
        customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
      },
    ],
    ...overrides,
  };
}

const carla = {
  name: 'Carla Cruz',
  emailAddress: 'carla@example.com',
  customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
};

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GraphError);
    return error as GraphError;
  }
  throw new Error('expected the Graph call to fail');
}

describe('Graph appointment actions with @microsoft/microsoft-graph-client', () => {
  let emulator: RunningEmulator;
  let client: Client;
  let receiver: TestReceiver;

  beforeEach(async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false });
    receiver = await new TestReceiver().start();
    client = Client.init({
      baseUrl: emulator.url,
      defaultVersion: 'v1.0',
      authProvider: (done) => done(null, 'any-token'),
    });
    for (const changeType of ['Created', 'Updated', 'Deleted'] as const) {
      const response = await subscribe(emulator.app, `${receiver.url}/${changeType}`, { changeType });
      expect(response.statusCode, response.body).toBe(changeType === 'Created' ? 200 : 201);
    }
  });

  afterEach(async () => {
    await emulator.close();
    await receiver.close();
  });

  /** The payloads that reached one trigger, each checked against both schemas. */
  function payloadsFor(changeType: ChangeType): AppointmentData[] {
    return receiver.received
      .filter((request) => request.path === `/${changeType}`)
      .map((request) => {
        expectValidPayload(request.body);
        return request.body as AppointmentData;
      });
  }

  /** Waits until `count` deliveries have settled and as many requests have arrived. */
  async function settled(count: number): Promise<void> {
    const deliveries = await waitForSettled(emulator.app, count);
    expect(deliveries.every((delivery) => delivery.status === 'delivered')).toBe(true);
    await receiver.waitFor(count);
    expect(receiver.received).toHaveLength(count);
  }

  function list(): Promise<{ '@odata.context'?: string; value: Appointment[] }> {
    return client.api(appointmentsPath).get();
  }

  function get(id: string): Promise<Appointment> {
    return client.api(`${appointmentsPath}/${encodeURIComponent(id)}`).get();
  }

  describe('a 1:1 appointment', () => {
    it('is created, listed and read back in Graph shape, and fires Created', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(oneToOneAppointment());
      expect(created.id).toEqual(expect.any(String));
      // Graph shows the all-zero GUID for an appointment made through Graph.
      expect(created.selfServiceAppointmentId).toBe(zeroGuid);
      expect(created.serviceId).toBe('one');
      expect(created.serviceName).toBe('Consultation');
      expect(created.startDateTime).toStrictEqual({
        dateTime: '2026-01-06T09:00:00.0000000Z',
        timeZone: 'UTC',
      });
      expect(created.endDateTime).toStrictEqual({
        dateTime: '2026-01-06T09:30:00.0000000Z',
        timeZone: 'UTC',
      });
      expect(created.duration).toBe('PT30M');
      expect(created.staffMemberIds).toStrictEqual(['s-admin']);
      expect(created.maximumAttendeesCount).toBe(1);
      expect(created.filledAttendeesCount).toBe(1);
      expect(created.customers?.[0]?.customerId).toEqual(expect.any(String));
      expect(created.customers?.[0]?.customQuestionAnswers?.[0]).toMatchObject({
        questionId: 'topic',
        question: 'Topic?',
        answerOptions: ['Tax', 'Audit', 'Payroll'],
        selectedOptions: ['Audit'],
        isRequired: true,
      });

      const listed = await list();
      expect(listed['@odata.context']).toEqual(expect.any(String));
      expect(listed.value).toStrictEqual([withoutContext(created)]);
      expect(await get(created.id)).toStrictEqual(created);

      await settled(1);
      const [payload] = payloadsFor('Created');
      expect(payload?.Id).toBe(created.id);
      // The trigger's SelfServiceAppointmentId for a staff booking follows the self-service-id policy.
      expect(payload?.SelfServiceAppointmentId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(payload?.CustomerId).toBe(created.customers?.[0]?.customerId);
      expect(payload?.StartTime).toBe(triggerTime('2026-01-06T09:00:00Z'));
    });

    it('is updated with PATCH: Graph reads and the Updated flow see the change', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(oneToOneAppointment());
      const updated: Appointment = await client.api(`${appointmentsPath}/${created.id}`).patch({
        startDateTime: { dateTime: '2026-01-06T11:00:00', timeZone: 'Europe/Paris' },
        additionalInformation: 'Ground floor',
      });
      expect(updated.id).toBe(created.id);

      const read = await get(created.id);
      expect(read.startDateTime).toStrictEqual({ dateTime: '2026-01-06T10:00:00.0000000Z', timeZone: 'UTC' });
      // Moving the start keeps the length.
      expect(read.endDateTime).toStrictEqual({ dateTime: '2026-01-06T10:30:00.0000000Z', timeZone: 'UTC' });
      expect(read.duration).toBe('PT30M');
      expect(read.additionalInformation).toBe('Ground floor');
      expect(read.customers).toStrictEqual(created.customers);
      expect(read.createdDateTime).toBe(created.createdDateTime);

      await settled(2);
      expect(payloadsFor('Created')).toHaveLength(1);
      const [payload] = payloadsFor('Updated');
      expect(payload?.Id).toBe(created.id);
      expect(payload?.StartTime).toBe(triggerTime('2026-01-06T10:00:00Z'));
      expect(payload?.EndTime).toBe(triggerTime('2026-01-06T10:30:00Z'));
      expect(payload?.AdditionalInfo).toBe('Ground floor');
      expect(payloadsFor('Deleted')).toHaveLength(0);
    });

    it('accepts a read-modify-write PATCH of the whole Graph object', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(oneToOneAppointment());
      const read = await get(created.id);
      const updated: Appointment = await client
        .api(`${appointmentsPath}/${created.id}`)
        .patch({ ...read, serviceNotes: 'Bring the 2025 return' });
      expect(updated.id).toBe(created.id);
      expect((await get(created.id)).serviceNotes).toBe('Bring the 2025 return');
      await settled(2);
      expect(payloadsFor('Updated')[0]?.ServiceNotes).toBe('Bring the 2025 return');
      expect(payloadsFor('Updated')[0]?.StartTime).toBe(triggerTime('2026-01-06T09:00:00Z'));
    });

    it('is cancelled with POST .../cancel: gone from Graph, Deleted fires', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(oneToOneAppointment());
      const answer = await client
        .api(`${appointmentsPath}/${created.id}/cancel`)
        .post({ cancellationMessage: 'The consultant is ill' });
      expect(answer ?? undefined).toBeUndefined();

      const error = await graphError(get(created.id));
      expect(error.statusCode).toBe(404);
      expect(error.code).toBe('AppointmentNotFound');
      expect((await list()).value).toStrictEqual([]);

      await settled(2);
      const [payload] = payloadsFor('Deleted');
      expect(payload?.Id).toBe(created.id);
      // cancel-reason-missing-1on1 is on by default (docs/contract.md (Known quirks)).
      expect(payload).not.toHaveProperty('CancelReason');
    });

    it('is deleted with DELETE: gone from Graph, Deleted fires without a reason', async () => {
      const keep: Appointment = await client
        .api(appointmentsPath)
        .post(oneToOneAppointment({ startDateTime: { dateTime: '2026-01-07T09:00:00', timeZone: 'UTC' } }));
      const created: Appointment = await client.api(appointmentsPath).post(oneToOneAppointment());
      await client.api(`${appointmentsPath}/${created.id}`).delete();

      expect((await graphError(get(created.id))).statusCode).toBe(404);
      expect((await list()).value.map((appointment) => appointment.id)).toStrictEqual([keep.id]);

      await settled(3);
      const deleted = payloadsFor('Deleted');
      expect(deleted).toHaveLength(1);
      expect(deleted[0]?.Id).toBe(created.id);
      expect(deleted[0]).not.toHaveProperty('CancelReason');
    });

    it('surfaces emulator errors as GraphError with status and code', async () => {
      const missing = await graphError(get('no-such-appointment'));
      expect(missing.statusCode).toBe(404);
      expect(missing.code).toBe('AppointmentNotFound');
      const badService = await graphError(
        client.api(appointmentsPath).post(oneToOneAppointment({ serviceId: 'nope' })),
      );
      expect(badService.statusCode).toBe(400);
      expect(badService.code).toBe('ServiceNotFound');
      expect(emulator.app.emulator.state.store.deliveries.list()).toStrictEqual([]);
    });
  });

  describe('a group appointment', () => {
    it('is created, listed, read, updated, cancelled, with deliveries at each step', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(groupAppointment());
      expect(created.maximumAttendeesCount).toBe(5);
      expect(created.filledAttendeesCount).toBe(2);
      expect(created.duration).toBe('PT1H30M');
      expect(created.joinWebUrl).toEqual(expect.any(String));
      expect(created.smsNotificationsEnabled).toBe(true);
      expect(created.staffMemberIds).toStrictEqual(['s-admin', 's-member']);
      expect((await list()).value).toStrictEqual([withoutContext(created)]);
      expect(await get(created.id)).toStrictEqual(created);
      await settled(1);
      const [createdPayload] = payloadsFor('Created');
      expect(createdPayload?.Id).toBe(created.id);
      expect(createdPayload?.Customers).toHaveLength(2);
      expect(createdPayload?.FilledAttendeesCount).toBe(2);

      // A third customer joins.
      const customers = [...(created.customers ?? []), carla];
      const updated: Appointment = await client.api(`${appointmentsPath}/${created.id}`).patch({ customers });
      expect(updated.filledAttendeesCount).toBe(3);
      const read = await get(created.id);
      expect(read.filledAttendeesCount).toBe(3);
      expect(read.customers?.map((customer) => customer.name)).toStrictEqual([
        'Ana Alvarez',
        'Ben Brown',
        'Carla Cruz',
      ]);
      // Existing customers keep their ids.
      expect(read.customers?.slice(0, 2).map((customer) => customer.customerId)).toStrictEqual(
        created.customers?.map((customer) => customer.customerId),
      );
      await settled(2);
      const [updatedPayload] = payloadsFor('Updated');
      expect(updatedPayload?.FilledAttendeesCount).toBe(3);
      expect(updatedPayload?.Customers?.map((customer) => customer.Name)).toStrictEqual([
        'Ana Alvarez',
        'Ben Brown',
        'Carla Cruz',
      ]);
      expect(updatedPayload?.Customers?.[2]?.Answers?.[0]?.SelectedOptions).toStrictEqual([1]);

      await client
        .api(`${appointmentsPath}/${created.id}/cancel`)
        .post({ cancellationMessage: 'Workshop moved online' });
      expect((await graphError(get(created.id))).statusCode).toBe(404);
      expect((await list()).value).toStrictEqual([]);
      await settled(3);
      const [deletedPayload] = payloadsFor('Deleted');
      expect(deletedPayload?.Id).toBe(created.id);
      expect(deletedPayload?.CancelReason).toBe('Workshop moved online');
      expect(deletedPayload?.Customers).toHaveLength(3);
    });

    it('is deleted with DELETE and fires Deleted without a reason', async () => {
      const created: Appointment = await client.api(appointmentsPath).post(groupAppointment());
      await client.api(`${appointmentsPath}/${created.id}`).delete();
      expect((await graphError(get(created.id))).statusCode).toBe(404);
      await settled(2);
      const [payload] = payloadsFor('Deleted');
      expect(payload?.Id).toBe(created.id);
      expect(payload).not.toHaveProperty('CancelReason');
    });

    it('is cancelled with POST .../microsoft.graph.cancel exactly as with .../cancel', async () => {
      const cancelled = new Map<string, Appointment>();
      for (const action of ['cancel', 'microsoft.graph.cancel']) {
        const created: Appointment = await client.api(appointmentsPath).post(groupAppointment());
        const answer = await client
          .api(`${appointmentsPath}/${created.id}/${action}`)
          .post({ cancellationMessage: 'Workshop moved online' });
        expect(answer ?? undefined).toBeUndefined();
        expect((await graphError(get(created.id))).statusCode).toBe(404);
        cancelled.set(action, created);
      }
      expect((await list()).value).toStrictEqual([]);
      await settled(4);
      const deleted = payloadsFor('Deleted');
      expect(deleted).toHaveLength(2);
      // The two appointments differ only in their ids (and the join URL made from the id).
      const sameUpToIds = (action: string) => {
        const payload = deleted.find((candidate) => candidate.Id === cancelled.get(action)?.id);
        expect(payload?.CancelReason).toBe('Workshop moved online');
        return {
          ...payload,
          Id: 'id',
          SelfServiceAppointmentId: 'self-service-id',
          JoinWebURL: 'join-url',
          Customers: payload?.Customers?.map((customer) => ({ ...customer, Id: 'customer-id' })),
        };
      };
      expect(sameUpToIds('microsoft.graph.cancel')).toStrictEqual(sameUpToIds('cancel'));
    });
  });
});

describe('Graph appointment errors', () => {
  let app: FastifyInstance;
  let existing: Appointment;
  let receiver: TestReceiver | undefined;

  beforeEach(async () => {
    app = await buildTestApp();
    const response = await createAppointment(app, oneToOneAppointment());
    expect(response.statusCode, response.body).toBe(201);
    existing = response.json() as Appointment;
  });

  afterEach(async () => {
    await app.close();
    await receiver?.close();
    receiver = undefined;
  });

  function post(body: object) {
    return createAppointment(app, body);
  }

  function expectTarget(response: { json(): { error: { target?: string } } }, target: string): void {
    expect(response.json().error.target).toBe(target);
  }

  /** A failed request changes nothing: the one appointment from beforeEach is all there is. */
  async function expectUnchanged(): Promise<void> {
    const response = await app.inject({ method: 'GET', url: injectBase });
    expect(response.json().value).toStrictEqual([withoutContext(existing)]);
  }

  it('answers 404 MailboxNotFound for an unknown business', async () => {
    const unknown = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent('nobody@nowhere.example')}/appointments`;
    expectError(await app.inject({ method: 'GET', url: unknown }), 404, 'MailboxNotFound');
    expectError(
      await app.inject({ method: 'POST', url: unknown, payload: oneToOneAppointment() }),
      404,
      'MailboxNotFound',
    );
    expectError(
      await app.inject({ method: 'GET', url: `${unknown}/${existing.id}` }),
      404,
      'MailboxNotFound',
    );
  });

  it('answers 404 AppointmentNotFound for an unknown appointment, whatever the action', async () => {
    const url = `${injectBase}/no-such-appointment`;
    expectError(await app.inject({ method: 'GET', url }), 404, 'AppointmentNotFound');
    expectError(
      await app.inject({ method: 'PATCH', url, payload: { additionalInformation: 'x' } }),
      404,
      'AppointmentNotFound',
    );
    expectError(await app.inject({ method: 'DELETE', url }), 404, 'AppointmentNotFound');
    for (const action of ['cancel', 'microsoft.graph.cancel']) {
      expectError(
        await app.inject({ method: 'POST', url: `${url}/${action}`, payload: { cancellationMessage: 'x' } }),
        404,
        'AppointmentNotFound',
      );
    }
  });

  it('does not find an appointment through another business', async () => {
    const other = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent('clinic@fabrikam.example')}/appointments`;
    expectError(
      await app.inject({ method: 'GET', url: `${other}/${existing.id}` }),
      404,
      'AppointmentNotFound',
    );
  });

  it('answers 400 ServiceNotFound for an unknown serviceId', async () => {
    const response = await post(oneToOneAppointment({ serviceId: 'no-such-service' }));
    expectError(response, 400, 'ServiceNotFound');
    expectTarget(response, '/serviceId');
    await expectUnchanged();
  });

  it('answers 400 StaffMemberNotFound for an unknown staff id', async () => {
    const response = await post(oneToOneAppointment({ staffMemberIds: ['s-admin', 's-nobody'] }));
    expectError(response, 400, 'StaffMemberNotFound');
    await expectUnchanged();
  });

  it.each([
    [
      'two customers',
      [
        { name: 'A', emailAddress: 'a@example.com' },
        { name: 'B', emailAddress: 'b@example.com' },
      ],
    ],
    ['no customer', []],
  ])(
    'answers 400 InvalidAppointment at /customers for a 1:1 appointment with %s',
    async (_label, customers) => {
      const response = await post(oneToOneAppointment({ customers }));
      expectError(response, 400, 'InvalidAppointment');
      expectTarget(response, '/customers');
      await expectUnchanged();
    },
  );

  it('answers 400 InvalidAppointment at /customers for a 1:1 appointment without customers', async () => {
    const { customers: _omitted, ...body } = oneToOneAppointment();
    const response = await post(body);
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers');
  });

  it('answers 400 for a group appointment with more customers than maxAttendees', async () => {
    const customers = Array.from({ length: 6 }, (_, n) => ({
      name: `Guest ${n}`,
      emailAddress: `guest${n}@example.com`,
      customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
    }));
    const response = await post(groupAppointment({ customers }));
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers');
    // Exactly the limit is fine.
    const full = await post(groupAppointment({ customers: customers.slice(0, 5) }));
    expect(full.statusCode, full.body).toBe(201);
  });

  it('answers 400 for a group PATCH that overfills it', async () => {
    const created = await post(groupAppointment());
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const customers = Array.from({ length: 6 }, (_, n) => ({
      name: `Guest ${n}`,
      emailAddress: `guest${n}@example.com`,
      customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
    }));
    const response = await app.inject({
      method: 'PATCH',
      url: `${injectBase}/${id}`,
      payload: { customers },
    });
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers');
    const read = await app.inject({ method: 'GET', url: `${injectBase}/${id}` });
    expect(read.json().filledAttendeesCount).toBe(2);
  });

  it.each([
    ['before', '2026-01-06T08:00:00'],
    ['equal to', '2026-01-06T09:00:00'],
  ])('answers 400 InvalidAppointment when endDateTime is %s the start', async (_label, end) => {
    const response = await post(oneToOneAppointment({ endDateTime: { dateTime: end, timeZone: 'UTC' } }));
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/endDateTime');
    await expectUnchanged();
  });

  it('answers 400 InvalidAppointment for a PATCH that puts the end before the start, and keeps the appointment', async () => {
    const response = await app.inject({
      method: 'PATCH',
      url: `${injectBase}/${existing.id}`,
      payload: { endDateTime: { dateTime: '2026-01-06T08:00:00', timeZone: 'UTC' } },
    });
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/endDateTime');
    await expectUnchanged();
  });

  it('answers 400 with the JSON pointer for an unknown questionId', async () => {
    const response = await post(
      oneToOneAppointment({
        customers: [
          {
            name: 'Jordan Miller',
            emailAddress: 'jordan@example.com',
            customQuestionAnswers: [
              { questionId: 'notes', answer: 'fine' },
              { questionId: 'no-such-question', answer: 'x' },
            ],
          },
        ],
      }),
    );
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers/0/customQuestionAnswers/1/questionId');
    await expectUnchanged();
  });

  it('answers 400 with the JSON pointer for a selectedOption that is not an option', async () => {
    const response = await post(
      oneToOneAppointment({
        customers: [
          {
            name: 'Jordan Miller',
            emailAddress: 'jordan@example.com',
            customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Tax', 'Bribery'] }],
          },
        ],
      }),
    );
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers/0/customQuestionAnswers/0/selectedOptions/1');
    await expectUnchanged();
  });

  it('points at the right customer of a group', async () => {
    const response = await post(
      groupAppointment({
        customers: [
          {
            name: 'Ana',
            emailAddress: 'ana@example.com',
            customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
          },
          {
            name: 'Ben',
            emailAddress: 'ben@example.com',
            customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Keto'] }],
          },
        ],
      }),
    );
    expectError(response, 400, 'InvalidAppointment');
    expectTarget(response, '/customers/1/customQuestionAnswers/0/selectedOptions/0');
  });

  it('answers 400 InvalidRequestBody for a body missing serviceId', async () => {
    const { serviceId: _omitted, ...body } = oneToOneAppointment();
    const response = await post(body);
    expectError(response, 400, 'InvalidRequestBody');
    expectTarget(response, '/serviceId');
    await expectUnchanged();
  });

  it.each(['cancel', 'microsoft.graph.cancel'])(
    'answers 400 InvalidRequestBody for a %s without cancellationMessage',
    async (action) => {
      const response = await app.inject({
        method: 'POST',
        url: `${injectBase}/${existing.id}/${action}`,
        payload: {},
      });
      expectError(response, 400, 'InvalidRequestBody');
      await expectUnchanged();
    },
  );

  it('answers 400 for an invalid time zone, on create and on PATCH', async () => {
    const created = await post(
      oneToOneAppointment({
        startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'Mars/Olympus_Mons' },
      }),
    );
    // Graph's wording for a time zone it does not know (TimeZoneNotSupportedException).
    const graphWording =
      "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Mars/Olympus_Mons'.";
    expectError(created, 400, 'TimeZoneNotSupported');
    expectTarget(created, '/startDateTime/timeZone');
    expect(created.json().error.message).toContain(graphWording);
    const patched = await app.inject({
      method: 'PATCH',
      url: `${injectBase}/${existing.id}`,
      payload: { startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'Mars/Olympus_Mons' } },
    });
    expectError(patched, 400, 'TimeZoneNotSupported');
    expectTarget(patched, '/startDateTime/timeZone');
    expect(patched.json().error.message).toContain(graphWording);
    await expectUnchanged();
  });

  it('sends nothing for a rejected change', async () => {
    receiver = await new TestReceiver().start();
    for (const changeType of ['Created', 'Updated', 'Deleted'] as const) {
      const subscribed = await subscribe(app, `${receiver.url}/${changeType}`, { changeType });
      expect(subscribed.statusCode, subscribed.body).toBe(changeType === 'Created' ? 200 : 201);
    }
    expect((await post(oneToOneAppointment({ serviceId: 'no-such-service' }))).statusCode).toBe(400);
    const patched = await app.inject({
      method: 'PATCH',
      url: `${injectBase}/${existing.id}`,
      payload: { endDateTime: { dateTime: '2026-01-06T08:00:00', timeZone: 'UTC' } },
    });
    expect(patched.statusCode).toBe(400);
    const cancelled = await app.inject({
      method: 'POST',
      url: `${injectBase}/no-such/cancel`,
      payload: { cancellationMessage: 'x' },
    });
    expect(cancelled.statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `${injectBase}/no-such` })).statusCode).toBe(404);
    // Deliveries are journalled synchronously with the change, so an empty journal means none were sent.
    expect(app.emulator.state.store.deliveries.list()).toStrictEqual([]);
    expect(receiver.received).toHaveLength(0);
  });
});

describe("Graph's answers for bookingAppointment", () => {
  let app: FastifyInstance;

  /**
   * Every property of Graph v1.0's bookingAppointment: the resource page and the v1.0 metadata
   * (source [E]). Written out here, not read from the schema, so that a property the schema lacks
   * fails the test.
   */
  const graphProperties = [
    'additionalInformation',
    'anonymousJoinWebUrl',
    'appointmentLabel',
    'createdDateTime',
    'customerEmailAddress',
    'customerName',
    'customerNotes',
    'customerPhone',
    'customerTimeZone',
    'customers',
    'duration',
    'endDateTime',
    'filledAttendeesCount',
    'id',
    'isCustomerAllowedToManageBooking',
    'isLocationOnline',
    'joinWebUrl',
    'lastUpdatedDateTime',
    'maximumAttendeesCount',
    'optOutOfCustomerEmail',
    'postBuffer',
    'preBuffer',
    'price',
    'priceType',
    'reminders',
    'selfServiceAppointmentId',
    'serviceId',
    'serviceLocation',
    'serviceName',
    'serviceNotes',
    'smsNotificationsEnabled',
    'staffMemberIds',
    'startDateTime',
  ];

  /** Graph's v1.0 metadata declares these not nullable: always a value of their type. */
  const notNullable = {
    price: expect.any(Number),
    priceType: expect.any(String),
    preBuffer: expect.stringMatching(/^P/),
    postBuffer: expect.stringMatching(/^P/),
    optOutOfCustomerEmail: expect.any(Boolean),
    isLocationOnline: expect.any(Boolean),
    smsNotificationsEnabled: expect.any(Boolean),
    reminders: expect.any(Array),
    customers: expect.any(Array),
    staffMemberIds: expect.any(Array),
    duration: expect.stringMatching(/^P/),
    filledAttendeesCount: expect.any(Number),
    maximumAttendeesCount: expect.any(Number),
    serviceName: expect.any(String),
    startDateTime: expect.objectContaining({ dateTime: expect.any(String) }),
    endDateTime: expect.objectContaining({ dateTime: expect.any(String) }),
  };

  const entityContext = `http://localhost:80/v1.0/$metadata#solutions/bookingBusinesses('${encodeURIComponent(lunch)}')/appointments/$entity`;

  /** A seed whose 1:1 service has buffers and a price, so that defaults can be told from Graph's. */
  const pricedSeed = {
    ...testSeed,
    businesses: testSeed.businesses?.map((business) => ({
      ...business,
      services: business.services?.map((service) =>
        service.id === 'one'
          ? {
              ...service,
              preBufferMinutes: 5,
              postBufferMinutes: 10,
              price: 25,
              priceType: 'fixedPrice' as const,
            }
          : service,
      ),
    })),
  };

  beforeEach(async () => {
    app = await buildTestApp({ seed: pricedSeed });
  });

  afterEach(async () => {
    await app.close();
  });

  async function create(body: object): Promise<Appointment> {
    const response = await createAppointment(app, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function read(id: string): Promise<Appointment> {
    const response = await app.inject({ method: 'GET', url: `${injectBase}/${id}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  function patch(id: string, body: object) {
    return app.inject({ method: 'PATCH', url: `${injectBase}/${id}`, payload: body });
  }

  async function patched(id: string, body: object): Promise<Appointment> {
    const response = await patch(id, body);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  function stored(id: string) {
    return app.emulator.state.store.appointments.get(lunch, id)?.appointment;
  }

  function expectGraphShape(appointment: Appointment): void {
    const data = Object.keys(appointment).filter((name) => !name.startsWith('@'));
    expect(data.sort()).toStrictEqual([...graphProperties].sort());
    expect(appointment).toMatchObject(notNullable);
    const wire = schemaId('graph-booking-appointment', '#/$defs/graphBookingAppointment');
    expect(getSchemaRegistry().check(wire, appointment)).toEqual([]);
  }

  it('carries every Graph v1.0 property, typed, on POST, GET, PATCH and list', async () => {
    const created = await create(oneToOneAppointment());
    const updated = await patched(created.id, { additionalInformation: 'Ground floor' });
    const listed = (await app.inject({ method: 'GET', url: injectBase })).json();
    for (const appointment of [created, await read(created.id), updated, ...listed.value]) {
      expectGraphShape(appointment);
    }
    // What no one set is null, as Graph shows it.
    expect(created).toMatchObject({
      appointmentLabel: null,
      anonymousJoinWebUrl: null,
      serviceLocation: null,
      customerEmailAddress: null,
      customerName: null,
      customerNotes: null,
      customerPhone: null,
      joinWebUrl: null,
    });
  });

  it("takes defaults from the seed's service, Graph's where the seed has none", async () => {
    const oneToOne = await create(oneToOneAppointment());
    expect(oneToOne).toMatchObject({
      preBuffer: 'PT5M',
      postBuffer: 'PT10M',
      price: 25,
      priceType: 'fixedPrice',
      isLocationOnline: false,
      joinWebUrl: null,
      smsNotificationsEnabled: false,
      optOutOfCustomerEmail: false,
      isCustomerAllowedToManageBooking: false,
      reminders: [],
    });
    const group = await create(groupAppointment());
    expect(group).toMatchObject({
      preBuffer: 'PT0S',
      postBuffer: 'PT0S',
      price: 0,
      priceType: 'notSet',
      isLocationOnline: true,
      joinWebUrl: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//),
      smsNotificationsEnabled: true,
    });
  });

  it("follows the request's isLocationOnline over the service's, and the join URL with it", async () => {
    const offline = await create(groupAppointment({ isLocationOnline: false }));
    expect(offline.isLocationOnline).toBe(false);
    expect(offline.joinWebUrl).toBeNull();
    const online = await create(oneToOneAppointment({ isLocationOnline: true }));
    expect(online.isLocationOnline).toBe(true);
    expect(online.joinWebUrl).toEqual(expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//));
  });

  it('keeps every writable property a request sets, annotations dropped, and answers it back', async () => {
    const serviceLocation = {
      displayName: 'Customer location',
      address: {
        street: '123 First Avenue',
        city: 'Buffalo',
        state: 'NY',
        countryOrRegion: 'USA',
        postalCode: '98052',
      },
    };
    const reminders = [
      { message: 'This service is tomorrow', offset: 'P1D', recipients: 'allAttendees' },
      { message: 'Please check traffic', offset: 'PT2H', recipients: 'staff' },
    ];
    const settable = {
      appointmentLabel: 'VIP',
      anonymousJoinWebUrl: 'https://teams.microsoft.com/meet/123?anon=true',
      serviceLocation,
      reminders,
      optOutOfCustomerEmail: true,
      isCustomerAllowedToManageBooking: true,
      customerEmailAddress: 'jordan@example.com',
      customerName: 'Jordan Miller',
      customerNotes: 'Prefers mornings',
      customerPhone: '+1 555 0100',
      smsNotificationsEnabled: true,
      isLocationOnline: true,
      preBuffer: 'PT15M',
      postBuffer: 'PT20M',
      price: 12.5,
      priceType: 'hourly',
    };
    // Annotated the way Graph's own request examples are.
    const created = await create(
      oneToOneAppointment({
        '@odata.type': '#microsoft.graph.bookingAppointment',
        ...settable,
        'priceType@odata.type': '#microsoft.graph.bookingPriceType',
        serviceLocation: {
          '@odata.type': '#microsoft.graph.location',
          ...serviceLocation,
          address: { '@odata.type': '#microsoft.graph.physicalAddress', ...serviceLocation.address },
        },
        'reminders@odata.type': '#Collection(microsoft.graph.bookingReminder)',
        reminders: reminders.map((reminder) => ({
          '@odata.type': '#microsoft.graph.bookingReminder',
          ...reminder,
        })),
      }),
    );
    expect(created).toMatchObject(settable);
    expect(await read(created.id)).toMatchObject(settable);
    // Locations and reminders are of their declared types: no annotation, in answers or in the store.
    expect(JSON.stringify([created.serviceLocation, created.reminders])).not.toContain('@odata');
    expect(JSON.stringify(stored(created.id))).not.toContain('@odata');

    const changed = await patched(created.id, { appointmentLabel: 'Regular', optOutOfCustomerEmail: false });
    expect(changed).toMatchObject({ ...settable, appointmentLabel: 'Regular', optOutOfCustomerEmail: false });
  });

  it('annotates customers with their type and nothing else, in answers only', async () => {
    const created = await create(groupAppointment());
    const responses = [
      created,
      await read(created.id),
      await patched(created.id, { additionalInformation: 'x' }),
    ];
    responses.push((await app.inject({ method: 'GET', url: injectBase })).json().value[0]);
    for (const appointment of responses) {
      expect(appointment).not.toHaveProperty('@odata.type');
      expect(appointment.customers).toHaveLength(2);
      for (const customer of appointment.customers ?? []) {
        expect(customer['@odata.type']).toBe('#microsoft.graph.bookingCustomerInformation');
        for (const answer of customer.customQuestionAnswers ?? [])
          expect(answer).not.toHaveProperty('@odata.type');
      }
      // Declared types carry no annotation in Graph's answers.
      expect(Object.keys(appointment.startDateTime ?? {}).sort()).toStrictEqual(['dateTime', 'timeZone']);
      expect(Object.keys(appointment.endDateTime ?? {}).sort()).toStrictEqual(['dateTime', 'timeZone']);
    }
    expect(JSON.stringify(stored(created.id))).not.toContain('@odata');
  });

  it('gives @odata.context on single-entity answers and on the collection', async () => {
    const created = await create(oneToOneAppointment());
    expect(created['@odata.context']).toBe(entityContext);
    expect((await read(created.id))['@odata.context']).toBe(entityContext);
    expect((await patched(created.id, { additionalInformation: 'x' }))['@odata.context']).toBe(entityContext);
    const listed = (await app.inject({ method: 'GET', url: injectBase })).json();
    expect(listed['@odata.context']).toBe(entityContext.replace(/\/\$entity$/, ''));
    expect(listed.value[0]).not.toHaveProperty('@odata.context');
  });

  it('ignores read-only properties a client sends, on create and on update', async () => {
    const readOnly = {
      id: 'chosen-by-client',
      selfServiceAppointmentId: '11111111-1111-1111-1111-111111111111',
      createdDateTime: '2000-01-01T00:00:00Z',
      lastUpdatedDateTime: '2000-01-01T00:00:00Z',
      duration: 'PT5H',
      filledAttendeesCount: 7,
    };
    const created = await create(oneToOneAppointment(readOnly));
    const computed = {
      selfServiceAppointmentId: zeroGuid,
      duration: 'PT30M',
      filledAttendeesCount: 1,
    };
    expect(created).toMatchObject(computed);
    expect(created.id).not.toBe(readOnly.id);
    expect(created.createdDateTime).not.toBe(readOnly.createdDateTime);
    expect(created.lastUpdatedDateTime).not.toBe(readOnly.lastUpdatedDateTime);

    const updated = await patched(created.id, readOnly);
    expect(updated).toMatchObject({ ...computed, id: created.id, createdDateTime: created.createdDateTime });
    expect(updated.lastUpdatedDateTime).not.toBe(readOnly.lastUpdatedDateTime);
    expect((await read(created.id)).id).toBe(created.id);
    expect((await app.inject({ method: 'GET', url: `${injectBase}/${readOnly.id}` })).statusCode).toBe(404);
  });

  it('reads null as no value where Graph allows null, and refuses it where Graph does not', async () => {
    // Graph's own create example sends nulls.
    const created = await create(oneToOneAppointment({ anonymousJoinWebUrl: null, customerNotes: null }));
    expect(created).toMatchObject({ anonymousJoinWebUrl: null, customerNotes: null });

    await patched(created.id, { appointmentLabel: 'VIP', additionalInformation: 'Ground floor' });
    const cleared = await patched(created.id, { appointmentLabel: null, additionalInformation: null });
    expect(cleared).toMatchObject({ appointmentLabel: null, additionalInformation: null });
    expect(stored(created.id)?.appointmentLabel).toBeUndefined();

    for (const name of ['price', 'isLocationOnline', 'reminders', 'startDateTime'] as const) {
      const refused = await patch(created.id, { [name]: null });
      expectError(refused, 400, 'InvalidRequestBody');
      expect(refused.json().error.target).toBe(`/${name}`);
    }
  });

  it('takes back its own answer in a PATCH and changes nothing', async () => {
    const created = await create(groupAppointment({ appointmentLabel: 'VIP' }));
    const before = await read(created.id);
    const after = await patched(created.id, before);
    expect({ ...after, lastUpdatedDateTime: '' }).toStrictEqual({ ...before, lastUpdatedDateTime: '' });
  });

  it("declares in its schema each property of bookingAppointment in Graph's form too", () => {
    const definitions = loadSchemaDocument('graph-booking-appointment').$defs as Record<
      string,
      { properties: Record<string, unknown> }
    >;
    const data = (definition: string) =>
      Object.keys(definitions[definition]?.properties ?? {}).filter((name) => !name.startsWith('@'));
    expect(data('graphBookingAppointment')).toStrictEqual(data('bookingAppointment'));
    expect([...data('bookingAppointment')].sort()).toStrictEqual([...graphProperties].sort());
  });
});
