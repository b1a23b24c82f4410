import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import type { AppointmentData, BookingAppointment, ChangeType, Quirks } from '../generated/schema-types.js';
import { waitForSettled } from '../testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
  subscribeBody,
  triggerBase,
} from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';
import { adminAuth, lunch } from '../testing/seed.js';

/** Each quirk of docs/contract.md (Known quirks), with its default and switched, at start-up and at run time. */

type Created = BookingAppointment & { id: string };

const appointmentsPath = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(lunch)}/appointments`;

function groupAppointment() {
  return {
    serviceId: 'group',
    startDateTime: { dateTime: '2026-01-06T13:00:00', timeZone: 'UTC' },
    customers: [
      {
        name: 'Ana Alvarez',
        emailAddress: 'ana@example.com',
        notes: 'Needs a ramp',
        customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
      },
      { name: 'Ben Brown', emailAddress: 'ben@example.com', notes: 'Arrives late' },
    ],
  };
}

describe('quirk policies (docs/contract.md, known quirks)', () => {
  let app: FastifyInstance | undefined;
  const receivers: TestReceiver[] = [];

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const receiver of receivers.splice(0)) await receiver.close();
  });

  async function start(options: EmulatorOptions = {}): Promise<FastifyInstance> {
    app = await buildTestApp(options);
    return app;
  }

  async function receiverFor(target: FastifyInstance, changeType: ChangeType): Promise<TestReceiver> {
    const receiver = await new TestReceiver().start();
    receivers.push(receiver);
    const response = await subscribe(target, `${receiver.url}/${changeType.toLowerCase()}`, { changeType });
    expect(response.statusCode, response.body).toBe(changeType === 'Created' ? 200 : 201);
    return receiver;
  }

  async function create(target: FastifyInstance, body: object): Promise<Created> {
    const response = await createAppointment(target, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Created;
  }

  function cancel(target: FastifyInstance, id: string, cancellationMessage: string) {
    return target.inject({
      method: 'POST',
      url: `${appointmentsPath}/${encodeURIComponent(id)}/cancel`,
      payload: { cancellationMessage },
    });
  }

  function patch(target: FastifyInstance, id: string, body: object) {
    return target.inject({
      method: 'PATCH',
      url: `${appointmentsPath}/${encodeURIComponent(id)}`,
      payload: body,
    });
  }

  function setQuirks(target: FastifyInstance, quirks: Quirks): Promise<LightMyRequestResponse> {
    return target.inject({ method: 'PATCH', url: '/_emulator/quirks', payload: quirks });
  }

  /** The one payload a receiver got, checked against both schemas. */
  async function onlyPayload(receiver: TestReceiver): Promise<AppointmentData> {
    const [request] = await receiver.waitFor(1);
    expect(receiver.received).toHaveLength(1);
    expectValidPayload(request?.body);
    return request?.body as AppointmentData;
  }

  /** The appointment's own self-service id, which the payload carries under self-service-id=fresh. */
  function selfServiceIdOf(target: FastifyInstance, id: string): string | undefined {
    return target.emulator.store.appointments.get(lunch, id)?.selfServiceId;
  }

  function journal(target: FastifyInstance) {
    return target.emulator.store.deliveries.list();
  }

  describe('cancel-reason-missing-1on1', () => {
    it('is on by default: a 1:1 cancellation has no CancelReason, but keeps the customer notes', async () => {
      const target = await start();
      const deleted = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      const response = await cancel(target, created.id, 'The consultant is ill');
      expect(response.statusCode, response.body).toBe(204);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(deleted);
      expect(payload.Id).toBe(created.id);
      expect(payload).not.toHaveProperty('CancelReason');
      expect(payload.CustomerNotes).toBe('Prefers mornings');
      expect(payload.Customers?.[0]?.Notes).toBe('Prefers mornings');
    });

    it('off: a 1:1 cancellation carries CancelReason and the customer notes', async () => {
      const target = await start({ quirks: { 'cancel-reason-missing-1on1': false } });
      const deleted = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      const response = await cancel(target, created.id, 'The consultant is ill');
      expect(response.statusCode, response.body).toBe(204);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(deleted);
      expect(payload.CancelReason).toBe('The consultant is ill');
      expect(payload.CustomerNotes).toBe('Prefers mornings');
      expect(payload.Customers?.[0]?.Notes).toBe('Prefers mornings');
    });

    it.each([
      ['on (default)', {}],
      ['off', { quirks: { 'cancel-reason-missing-1on1': false } }],
    ] as const)(
      'group cancellations always carry CancelReason and notes (quirk %s)',
      async (_label, options) => {
        const target = await start(options);
        const deleted = await receiverFor(target, 'Deleted');
        const created = await create(target, groupAppointment());
        const response = await cancel(target, created.id, 'Workshop moved online');
        expect(response.statusCode, response.body).toBe(204);
        await waitForSettled(target, 1);
        const payload = await onlyPayload(deleted);
        expect(payload.CancelReason).toBe('Workshop moved online');
        expect(payload.Customers?.map((customer) => customer.Notes)).toStrictEqual([
          'Needs a ramp',
          'Arrives late',
        ]);
      },
    );

    it('a Graph DELETE (no cancellation message) carries no CancelReason even with the quirk off', async () => {
      const target = await start({ quirks: { 'cancel-reason-missing-1on1': false } });
      const deleted = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      const response = await target.inject({
        method: 'DELETE',
        url: `${appointmentsPath}/${encodeURIComponent(created.id)}`,
      });
      expect(response.statusCode, response.body).toBe(204);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(deleted);
      expect(payload).not.toHaveProperty('CancelReason');
      expect(payload.Id).toBe(created.id);
    });
  });

  describe('customer-notes-missing-1on1', () => {
    it('is off by default: the 1:1 Created payload carries the customer notes (the real run)', async () => {
      const target = await start();
      const createdReceiver = await receiverFor(target, 'Created');
      await create(target, oneToOneAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      expect(payload.CustomerNotes).toBe('Prefers mornings');
      expect(payload.Customers?.[0]?.Notes).toBe('Prefers mornings');
    });

    it('on: leaves the 1:1 customer notes out, and only them (CancelReason follows its own policy)', async () => {
      const target = await start({
        policies: { 'customer-notes-missing-1on1': 'on', 'cancel-reason-missing-1on1': 'off' },
      });
      const deleted = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      await cancel(target, created.id, 'The consultant is ill');
      await waitForSettled(target, 1);
      const payload = await onlyPayload(deleted);
      expect(payload.CancelReason).toBe('The consultant is ill');
      expect(payload).not.toHaveProperty('CustomerNotes');
      expect(payload.Customers?.[0]).not.toHaveProperty('Notes');
    });

    it('on: leaves the 1:1 customer notes out of the Created payload too', async () => {
      const target = await start({ policies: { 'customer-notes-missing-1on1': 'on' } });
      const createdReceiver = await receiverFor(target, 'Created');
      await create(target, oneToOneAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      expect(payload).not.toHaveProperty('CustomerNotes');
      expect(payload.Customers?.[0]).not.toHaveProperty('Notes');
    });
  });

  describe('choice-answer-missing', () => {
    it('is on by default: choice questions carry SelectedOptions and AnswerOptions but no Answer', async () => {
      const target = await start();
      const createdReceiver = await receiverFor(target, 'Created');
      await create(target, oneToOneAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      const choice = payload.CustomQuestionAnswers?.find((question) => question.QuestionID === 'topic');
      expect(choice).toBeDefined();
      expect(choice).not.toHaveProperty('Answer');
      expect(choice?.SelectedOptions).toStrictEqual([1]);
      expect(choice?.AnswerOptions).toStrictEqual(['Tax', 'Audit', 'Payroll']);
      expect(payload.Customers?.[0]?.Answers?.[0]).not.toHaveProperty('Answer');
      // Text questions keep their Answer.
      const text = payload.CustomQuestionAnswers?.find((question) => question.QuestionID === 'notes');
      expect(text?.Answer).toBe('Bring coffee');
    });

    it('off: the Answer of a choice question is the selected option text', async () => {
      const target = await start({ quirks: { 'choice-answer-missing': false } });
      const createdReceiver = await receiverFor(target, 'Created');
      await create(target, oneToOneAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      const choice = payload.CustomQuestionAnswers?.find((question) => question.QuestionID === 'topic');
      expect(choice?.Answer).toBe('Audit');
      expect(choice?.SelectedOptions).toStrictEqual([1]);
      expect(choice?.AnswerOptions).toStrictEqual(['Tax', 'Audit', 'Payroll']);
      expect(payload.Customers?.[0]?.Answers?.[0]?.Answer).toBe('Audit');
    });

    it('off: group answers carry the option text too', async () => {
      const target = await start({ quirks: { 'choice-answer-missing': false } });
      const createdReceiver = await receiverFor(target, 'Created');
      await create(target, groupAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      expect(payload.Customers?.[0]?.Answers).toStrictEqual([
        {
          QuestionID: 'diet',
          Question: 'Diet?',
          IsRequired: true,
          Answer: 'Vegan',
          AnswerOptions: ['None', 'Vegan'],
          SelectedOptions: [1],
        },
      ]);
    });
  });

  describe('update-fires-on-create', () => {
    it('is off by default: creating fires only Created subscriptions', async () => {
      const target = await start();
      const createdReceiver = await receiverFor(target, 'Created');
      const updatedReceiver = await receiverFor(target, 'Updated');
      const created = await create(target, oneToOneAppointment());
      // Deliveries are journalled when the change happens, so this is already complete.
      expect(journal(target).map((delivery) => delivery.changeType)).toStrictEqual(['Created']);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(createdReceiver);
      expect(payload.Id).toBe(created.id);
      expect(updatedReceiver.received).toHaveLength(0);
    });

    it('on: an Updated subscription also receives the create', async () => {
      const target = await start({ quirks: { 'update-fires-on-create': true } });
      const createdReceiver = await receiverFor(target, 'Created');
      const updatedReceiver = await receiverFor(target, 'Updated');
      const deletedReceiver = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      expect(journal(target)).toHaveLength(2);
      await waitForSettled(target, 2);
      expect((await onlyPayload(createdReceiver)).Id).toBe(created.id);
      const createdPayload = await onlyPayload(createdReceiver);
      const updatedPayload = await onlyPayload(updatedReceiver);
      expect(updatedPayload.Id).toBe(created.id);
      expect(updatedPayload.SelfServiceAppointmentId).toBe(createdPayload.SelfServiceAppointmentId);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: a subscription listing both Created and Updated receives the create exactly once', async () => {
      const target = await start({ quirks: { 'update-fires-on-create': true } });
      const receiver = await new TestReceiver().start();
      receivers.push(receiver);
      // The connector's backend form: one path, change_type tells the triggers apart.
      const response = await target.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/`,
        headers: adminAuth,
        payload: subscribeBody(`${receiver.url}/both`, ['Created', 'Updated']),
      });
      expect(response.statusCode, response.body).toBe(200);
      const created = await create(target, oneToOneAppointment());
      expect(journal(target)).toHaveLength(1);
      await waitForSettled(target, 1);
      expect((await onlyPayload(receiver)).Id).toBe(created.id);
    });

    it('on: a real update still reaches an Updated subscription once', async () => {
      const target = await start({ quirks: { 'update-fires-on-create': true } });
      const updatedReceiver = await receiverFor(target, 'Updated');
      const created = await create(target, oneToOneAppointment());
      const response = await patch(target, created.id, { additionalInformation: 'Third floor' });
      expect(response.statusCode, response.body).toBe(200);
      await waitForSettled(target, 2);
      await updatedReceiver.waitFor(2);
      expect(updatedReceiver.received).toHaveLength(2);
      for (const request of updatedReceiver.received) expectValidPayload(request.body);
      expect((updatedReceiver.received[1]?.body as AppointmentData | undefined)?.AdditionalInfo).toBe(
        'Third floor',
      );
    });
  });

  describe('reschedule-new-id', () => {
    const moved = { startDateTime: { dateTime: '2026-01-07T11:00:00', timeZone: 'UTC' } };

    it('is off by default: a PATCH that moves the appointment keeps its id', async () => {
      const target = await start();
      const updatedReceiver = await receiverFor(target, 'Updated');
      const deletedReceiver = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      const response = await patch(target, created.id, moved);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().id).toBe(created.id);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(target, created.id));
      expect(payload.StartTime).toBe('01/07/2026 11:00:00');
      expect(payload.EndTime).toBe('01/07/2026 11:30:00');
      const read = await target.inject({ method: 'GET', url: `${appointmentsPath}/${created.id}` });
      expect(read.statusCode).toBe(200);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: the move yields a new id everywhere, the old id is gone, and no Deleted delivery is sent', async () => {
      const target = await start({ quirks: { 'reschedule-new-id': true } });
      const updatedReceiver = await receiverFor(target, 'Updated');
      const deletedReceiver = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      const response = await patch(target, created.id, moved);
      expect(response.statusCode, response.body).toBe(200);
      const newId = response.json().id as string;
      expect(newId).toEqual(expect.any(String));
      expect(newId).not.toBe(created.id);
      // Graph shows the all-zero self-service id for staff-made appointments, moved or not.
      expect(response.json().selfServiceAppointmentId).toBe('00000000-0000-0000-0000-000000000000');

      expect(journal(target).map((delivery) => delivery.changeType)).toStrictEqual(['Updated']);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(target, newId));
      expect(payload.SelfServiceAppointmentId).not.toBe(newId);
      expect(payload.Id).toBe(newId);
      expect(payload.StartTime).toBe('01/07/2026 11:00:00');
      expect(journal(target)[0]?.appointmentId).toBe(newId);

      expectError(
        await target.inject({ method: 'GET', url: `${appointmentsPath}/${created.id}` }),
        404,
        'AppointmentNotFound',
      );
      const read = await target.inject({ method: 'GET', url: `${appointmentsPath}/${newId}` });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().startDateTime.dateTime).toBe('2026-01-07T11:00:00.0000000Z');
      const list = await target.inject({ method: 'GET', url: appointmentsPath });
      expect(list.json().value.map((appointment: Created) => appointment.id)).toStrictEqual([newId]);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: an update that does not move the appointment keeps its id', async () => {
      const target = await start({ quirks: { 'reschedule-new-id': true } });
      const updatedReceiver = await receiverFor(target, 'Updated');
      const created = await create(target, oneToOneAppointment());
      const response = await patch(target, created.id, { additionalInformation: 'Third floor' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().id).toBe(created.id);
      await waitForSettled(target, 1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(target, created.id));
    });
  });

  describe('switching at run time', () => {
    it('GET /_emulator/quirks shows the quirk policies at their defaults, as booleans', async () => {
      const target = await start();
      const response = await target.inject({ method: 'GET', url: '/_emulator/quirks' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toStrictEqual({
        'cancel-reason-missing-1on1': true,
        'customer-notes-missing-1on1': false,
        'choice-answer-missing': true,
        'update-fires-on-create': false,
        'reschedule-new-id': false,
      });
    });

    it('PATCH /_emulator/quirks takes effect for the next change', async () => {
      const target = await start();
      const createdReceiver = await receiverFor(target, 'Created');

      await create(target, oneToOneAppointment());
      await createdReceiver.waitFor(1);

      const switched = await setQuirks(target, { 'choice-answer-missing': false });
      expect(switched.statusCode, switched.body).toBe(200);
      expect(switched.json()['choice-answer-missing']).toBe(false);
      expect(switched.json()['cancel-reason-missing-1on1']).toBe(true);
      await create(target, oneToOneAppointment());
      await createdReceiver.waitFor(2);

      const back = await setQuirks(target, { 'choice-answer-missing': true });
      expect(back.statusCode, back.body).toBe(200);
      await create(target, oneToOneAppointment());
      await createdReceiver.waitFor(3);
      await waitForSettled(target, 3);

      const answers = createdReceiver.received.map((request) => {
        expectValidPayload(request.body);
        return (request.body as AppointmentData).CustomQuestionAnswers?.[0]?.Answer;
      });
      expect(answers).toStrictEqual([undefined, 'Audit', undefined]);
    });

    it('switching update-fires-on-create at run time routes the next create', async () => {
      const target = await start();
      const updatedReceiver = await receiverFor(target, 'Updated');
      await create(target, oneToOneAppointment());
      expect(journal(target)).toHaveLength(0);
      expect((await setQuirks(target, { 'update-fires-on-create': true })).statusCode).toBe(200);
      const second = await create(target, oneToOneAppointment());
      expect(journal(target)).toHaveLength(1);
      await waitForSettled(target, 1);
      expect((await onlyPayload(updatedReceiver)).Id).toBe(second.id);
    });

    it('switching reschedule-new-id and cancel-reason-missing-1on1 at run time', async () => {
      const target = await start();
      const updatedReceiver = await receiverFor(target, 'Updated');
      const deletedReceiver = await receiverFor(target, 'Deleted');
      const created = await create(target, oneToOneAppointment());
      expect(
        (await setQuirks(target, { 'reschedule-new-id': true, 'cancel-reason-missing-1on1': false }))
          .statusCode,
      ).toBe(200);
      const moved = await patch(target, created.id, {
        startDateTime: { dateTime: '2026-01-08T09:00:00', timeZone: 'UTC' },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const newId = moved.json().id as string;
      expect(newId).not.toBe(created.id);
      const cancelled = await cancel(target, newId, 'No longer needed');
      expect(cancelled.statusCode, cancelled.body).toBe(204);
      await waitForSettled(target, 2);
      expect((await onlyPayload(updatedReceiver)).Id).toBe(newId);
      const deletedPayload = await onlyPayload(deletedReceiver);
      expect(deletedPayload.Id).toBe(newId);
      expect(deletedPayload.CancelReason).toBe('No longer needed');
    });

    it('rejects an unknown quirk name', async () => {
      const target = await start();
      expectError(await setQuirks(target, { 'no-such-quirk': true } as Quirks), 400, 'InvalidRequestBody');
      const response = await target.inject({ method: 'GET', url: '/_emulator/quirks' });
      expect(response.json()).not.toHaveProperty('no-such-quirk');
    });

    it('POST /_emulator/reset restores the configured quirks, not the defaults', async () => {
      const configured = {
        'cancel-reason-missing-1on1': true,
        'customer-notes-missing-1on1': false,
        'choice-answer-missing': false,
        'update-fires-on-create': true,
        'reschedule-new-id': false,
      };
      const target = await start({
        quirks: { 'choice-answer-missing': false, 'update-fires-on-create': true },
      });
      const switched = await setQuirks(target, {
        'choice-answer-missing': true,
        'update-fires-on-create': false,
        'reschedule-new-id': true,
        'cancel-reason-missing-1on1': false,
      });
      expect(switched.statusCode).toBe(200);
      const reset = await target.inject({ method: 'POST', url: '/_emulator/reset' });
      expect(reset.statusCode).toBe(204);
      const quirks = await target.inject({ method: 'GET', url: '/_emulator/quirks' });
      expect(quirks.json()).toStrictEqual(configured);

      // Behaviour follows: the Updated flow (subscriptions are cleared by reset) gets the create,
      // with the choice answer text.
      const updatedReceiver = await receiverFor(target, 'Updated');
      const created = await create(target, oneToOneAppointment());
      await waitForSettled(target, 1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.CustomQuestionAnswers?.[0]?.Answer).toBe('Audit');
    });
  });
});
