import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppointmentData, BookingAppointment, ChangeType } from '../generated/schema-types.js';
import { type RunningEmulator, startEmulator } from '../start.js';
import { waitForSettled } from '../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';
import { lunch, testSeed } from '../testing/seed.js';

/**
 * The Graph-shaped appointment actions (CONTRACT.md §3, source [E]) driven by the real
 * @microsoft/microsoft-graph-client against a listening emulator; each change is checked through
 * Graph reads and through what a subscribed flow receives. Errors are checked through inject.
 */

type Appointment = BookingAppointment & { id: string };

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
      expect(created.selfServiceAppointmentId).toBe(created.id);
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
      expect(listed.value).toStrictEqual([created]);
      expect(await get(created.id)).toStrictEqual(created);

      await settled(1);
      const [payload] = payloadsFor('Created');
      expect(payload?.Id).toBe(created.id);
      expect(payload?.SelfServiceAppointmentId).toBe(created.id);
      expect(payload?.CustomerId).toBe(created.customers?.[0]?.customerId);
      expect(payload?.StartTime).toBe('2026-01-06T09:00:00.0000000Z');
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
      expect(payload?.StartTime).toBe('2026-01-06T10:00:00.0000000Z');
      expect(payload?.EndTime).toBe('2026-01-06T10:30:00.0000000Z');
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
      expect(payloadsFor('Updated')[0]?.StartTime).toBe('2026-01-06T09:00:00.0000000Z');
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
      // cancel-reason-missing-1on1 is on by default (CONTRACT.md §4).
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
      expect(emulator.app.emulator.store.deliveries.list()).toStrictEqual([]);
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
      expect((await list()).value).toStrictEqual([created]);
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
    expect(response.json().value).toStrictEqual([existing]);
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
    expectError(
      await app.inject({ method: 'POST', url: `${url}/cancel`, payload: { cancellationMessage: 'x' } }),
      404,
      'AppointmentNotFound',
    );
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
          { name: 'Ana', emailAddress: 'ana@example.com' },
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

  it('answers 400 InvalidRequestBody for a cancel without cancellationMessage', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `${injectBase}/${existing.id}/cancel`,
      payload: {},
    });
    expectError(response, 400, 'InvalidRequestBody');
    await expectUnchanged();
  });

  it('answers 400 for an invalid time zone, on create and on PATCH', async () => {
    const created = await post(
      oneToOneAppointment({
        startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'Mars/Olympus_Mons' },
      }),
    );
    expectError(created, 400, 'InvalidAppointment');
    expectTarget(created, '/startDateTime');
    const patched = await app.inject({
      method: 'PATCH',
      url: `${injectBase}/${existing.id}`,
      payload: { startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'Mars/Olympus_Mons' } },
    });
    expectError(patched, 400, 'InvalidAppointment');
    expectTarget(patched, '/startDateTime');
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
    expect(app.emulator.store.deliveries.list()).toStrictEqual([]);
    expect(receiver.received).toHaveLength(0);
  });
});
