import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import type { AppointmentData, Quirks } from '../generated/schema-types.js';
import {
  type Created,
  type DeliveryHarness,
  onlyPayload,
  startHarness,
} from '../testing/delivery-harness.js';
import {
  appointmentsPath,
  expectError,
  expectValidPayload,
  oneToOneAppointment,
  subscribeBody,
  triggerBase,
} from '../testing/http.js';
import { adminAuth, lunch } from '../testing/seed.js';

/** Each quirk of docs/contract.md (Known quirks), with its default and switched, at start-up and at run time. */

/** The test seed's group service with two customers who left notes and answered the required diet question. */
function groupAppointment() {
  const ana = { name: 'Ana Alvarez', emailAddress: 'ana@example.com', notes: 'Needs a ramp' };
  const ben = { name: 'Ben Brown', emailAddress: 'ben@example.com', notes: 'Arrives late' };
  return {
    serviceId: 'group',
    startDateTime: { dateTime: '2026-01-06T13:00:00', timeZone: 'UTC' },
    customers: [
      { ...ana, customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }] },
      { ...ben, customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }] },
    ],
  };
}

function setQuirks(h: DeliveryHarness, quirks: Quirks): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'PATCH', url: '/_emulator/quirks', payload: quirks });
}

/** The appointment's own self-service id, which the payload carries under self-service-id=fresh. */
function selfServiceIdOf(h: DeliveryHarness, id: string): string | undefined {
  return h.app.emulator.state.store.appointments.get(lunch, id)?.selfServiceId;
}

/** Deliveries are journalled when the change happens, so what this lists is already complete. */
function journal(h: DeliveryHarness) {
  return h.app.emulator.state.store.deliveries.list();
}

/** Creates `body` with a Created flow subscribed; the one payload that flow got. */
async function createdPayload(body: object, options: EmulatorOptions = {}): Promise<AppointmentData> {
  const h = await startHarness(options);
  const created = await h.receiverFor('Created');
  await h.create(body);
  await h.waitForSettled(1);
  return onlyPayload(created);
}

/** Creates `body` and cancels it with `message` (asserting 204) with a Deleted flow subscribed; what that flow got. */
async function cancelledPayload(body: object, message: string, options: EmulatorOptions = {}) {
  const h = await startHarness(options);
  const deleted = await h.receiverFor('Deleted');
  const created = await h.create(body);
  const response = await h.cancel(created.id, message);
  expect(response.statusCode, response.body).toBe(204);
  await h.waitForSettled(1);
  return { created, payload: await onlyPayload(deleted) };
}

/**
 * With an Updated and a Deleted flow subscribed, creates a 1:1 appointment and patches it with
 * `patch`, asserting 200.
 */
async function patchedWithFlows(patch: object, options: EmulatorOptions = {}) {
  const h = await startHarness(options);
  const updatedReceiver = await h.receiverFor('Updated');
  const deletedReceiver = await h.receiverFor('Deleted');
  const created = await h.create(oneToOneAppointment());
  const response = await h.patch(created.id, patch);
  expect(response.statusCode, response.body).toBe(200);
  return { h, updatedReceiver, deletedReceiver, created, response };
}

describe('quirk policies (docs/contract.md, known quirks)', () => {
  describe('cancel-reason-missing-1on1', () => {
    it('is on by default: a 1:1 cancellation has no CancelReason, but keeps the customer notes', async () => {
      const { created, payload } = await cancelledPayload(oneToOneAppointment(), 'The consultant is ill');
      expect(payload.Id).toBe(created.id);
      expect(payload).not.toHaveProperty('CancelReason');
      expect(payload.CustomerNotes).toBe('Prefers mornings');
      expect(payload.Customers?.[0]?.Notes).toBe('Prefers mornings');
    });

    it('off: a 1:1 cancellation carries CancelReason and the customer notes', async () => {
      const { payload } = await cancelledPayload(oneToOneAppointment(), 'The consultant is ill', {
        quirks: { 'cancel-reason-missing-1on1': false },
      });
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
        const { payload } = await cancelledPayload(groupAppointment(), 'Workshop moved online', options);
        expect(payload.CancelReason).toBe('Workshop moved online');
        expect(payload.Customers?.map((customer) => customer.Notes)).toStrictEqual([
          'Needs a ramp',
          'Arrives late',
        ]);
      },
    );

    it('a Graph DELETE (no cancellation message) carries no CancelReason even with the quirk off', async () => {
      const h = await startHarness({ quirks: { 'cancel-reason-missing-1on1': false } });
      const deleted = await h.receiverFor('Deleted');
      const created = await h.create(oneToOneAppointment());
      const response = await h.delete(created.id);
      expect(response.statusCode, response.body).toBe(204);
      await h.waitForSettled(1);
      const payload = await onlyPayload(deleted);
      expect(payload).not.toHaveProperty('CancelReason');
      expect(payload.Id).toBe(created.id);
    });
  });

  describe('customer-notes-missing-1on1', () => {
    it('is off by default: the 1:1 Created payload carries the customer notes (the real run)', async () => {
      const payload = await createdPayload(oneToOneAppointment());
      expect(payload.CustomerNotes).toBe('Prefers mornings');
      expect(payload.Customers?.[0]?.Notes).toBe('Prefers mornings');
    });

    it('on: leaves the 1:1 customer notes out, and only them (CancelReason follows its own policy)', async () => {
      const { payload } = await cancelledPayload(oneToOneAppointment(), 'The consultant is ill', {
        policies: { 'customer-notes-missing-1on1': 'on', 'cancel-reason-missing-1on1': 'off' },
      });
      expect(payload.CancelReason).toBe('The consultant is ill');
      expect(payload).not.toHaveProperty('CustomerNotes');
      expect(payload.Customers?.[0]).not.toHaveProperty('Notes');
    });

    it('on: leaves the 1:1 customer notes out of the Created payload too', async () => {
      const payload = await createdPayload(oneToOneAppointment(), {
        policies: { 'customer-notes-missing-1on1': 'on' },
      });
      expect(payload).not.toHaveProperty('CustomerNotes');
      expect(payload.Customers?.[0]).not.toHaveProperty('Notes');
    });
  });

  describe('choice-answer-missing', () => {
    it('is on by default: choice questions carry SelectedOptions and AnswerOptions but no Answer', async () => {
      const payload = await createdPayload(oneToOneAppointment());
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
      const payload = await createdPayload(oneToOneAppointment(), {
        quirks: { 'choice-answer-missing': false },
      });
      const choice = payload.CustomQuestionAnswers?.find((question) => question.QuestionID === 'topic');
      expect(choice?.Answer).toBe('Audit');
      expect(choice?.SelectedOptions).toStrictEqual([1]);
      expect(choice?.AnswerOptions).toStrictEqual(['Tax', 'Audit', 'Payroll']);
      expect(payload.Customers?.[0]?.Answers?.[0]?.Answer).toBe('Audit');
    });

    it('off: group answers carry the option text too', async () => {
      const payload = await createdPayload(groupAppointment(), {
        quirks: { 'choice-answer-missing': false },
      });
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
      const h = await startHarness();
      const createdReceiver = await h.receiverFor('Created');
      const updatedReceiver = await h.receiverFor('Updated');
      const created = await h.create(oneToOneAppointment());
      expect(journal(h).map((delivery) => delivery.changeType)).toStrictEqual(['Created']);
      await h.waitForSettled(1);
      const payload = await onlyPayload(createdReceiver);
      expect(payload.Id).toBe(created.id);
      expect(updatedReceiver.received).toHaveLength(0);
    });

    it('on: an Updated subscription also receives the create', async () => {
      const h = await startHarness({ quirks: { 'update-fires-on-create': true } });
      const createdReceiver = await h.receiverFor('Created');
      const updatedReceiver = await h.receiverFor('Updated');
      const deletedReceiver = await h.receiverFor('Deleted');
      const created = await h.create(oneToOneAppointment());
      expect(journal(h)).toHaveLength(2);
      await h.waitForSettled(2);
      expect((await onlyPayload(createdReceiver)).Id).toBe(created.id);
      const createdPayload = await onlyPayload(createdReceiver);
      const updatedPayload = await onlyPayload(updatedReceiver);
      expect(updatedPayload.Id).toBe(created.id);
      expect(updatedPayload.SelfServiceAppointmentId).toBe(createdPayload.SelfServiceAppointmentId);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: a subscription listing both Created and Updated receives the create exactly once', async () => {
      const h = await startHarness({ quirks: { 'update-fires-on-create': true } });
      const receiver = await h.receiver();
      // The connector's backend form: one path, change_type tells the triggers apart.
      const response = await h.app.inject({
        method: 'POST',
        url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(lunch)}/webhook/`,
        headers: adminAuth,
        payload: subscribeBody(`${receiver.url}/both`, ['Created', 'Updated']),
      });
      expect(response.statusCode, response.body).toBe(200);
      const created = await h.create(oneToOneAppointment());
      expect(journal(h)).toHaveLength(1);
      await h.waitForSettled(1);
      expect((await onlyPayload(receiver)).Id).toBe(created.id);
    });

    it('on: a real update still reaches an Updated subscription once', async () => {
      const { h, updatedReceiver } = await patchedWithFlows(
        { additionalInformation: 'Third floor' },
        { quirks: { 'update-fires-on-create': true } },
      );
      await h.waitForSettled(2);
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
      const { h, updatedReceiver, deletedReceiver, created, response } = await patchedWithFlows(moved);
      expect(response.json().id).toBe(created.id);
      await h.waitForSettled(1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(h, created.id));
      expect(payload.StartTime).toBe('01/07/2026 11:00:00');
      expect(payload.EndTime).toBe('01/07/2026 11:30:00');
      const read = await h.app.inject({ method: 'GET', url: appointmentsPath(lunch, created.id) });
      expect(read.statusCode).toBe(200);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: the move yields a new id everywhere, the old id is gone, and no Deleted delivery is sent', async () => {
      const { h, updatedReceiver, deletedReceiver, created, response } = await patchedWithFlows(moved, {
        quirks: { 'reschedule-new-id': true },
      });
      const newId = response.json().id as string;
      expect(newId).toEqual(expect.any(String));
      expect(newId).not.toBe(created.id);
      // Graph shows the all-zero self-service id for staff-made appointments, moved or not.
      expect(response.json().selfServiceAppointmentId).toBe('00000000-0000-0000-0000-000000000000');

      expect(journal(h).map((delivery) => delivery.changeType)).toStrictEqual(['Updated']);
      await h.waitForSettled(1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(h, newId));
      expect(payload.SelfServiceAppointmentId).not.toBe(newId);
      expect(payload.Id).toBe(newId);
      expect(payload.StartTime).toBe('01/07/2026 11:00:00');
      expect(journal(h)[0]?.appointmentId).toBe(newId);

      expectError(
        await h.app.inject({ method: 'GET', url: appointmentsPath(lunch, created.id) }),
        404,
        'AppointmentNotFound',
      );
      const read = await h.app.inject({ method: 'GET', url: appointmentsPath(lunch, newId) });
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().startDateTime.dateTime).toBe('2026-01-07T11:00:00.0000000Z');
      const list = await h.app.inject({ method: 'GET', url: appointmentsPath() });
      expect(list.json().value.map((appointment: Created) => appointment.id)).toStrictEqual([newId]);
      expect(deletedReceiver.received).toHaveLength(0);
    });

    it('on: an update that does not move the appointment keeps its id', async () => {
      const { h, updatedReceiver, created, response } = await patchedWithFlows(
        { additionalInformation: 'Third floor' },
        { quirks: { 'reschedule-new-id': true } },
      );
      expect(response.json().id).toBe(created.id);
      await h.waitForSettled(1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.SelfServiceAppointmentId).toBe(selfServiceIdOf(h, created.id));
    });
  });

  describe('switching at run time', () => {
    it('GET /_emulator/quirks shows the quirk policies at their defaults, as booleans', async () => {
      const h = await startHarness();
      const response = await h.app.inject({ method: 'GET', url: '/_emulator/quirks' });
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
      const h = await startHarness();
      const createdReceiver = await h.receiverFor('Created');

      await h.create(oneToOneAppointment());
      await createdReceiver.waitFor(1);

      const switched = await setQuirks(h, { 'choice-answer-missing': false });
      expect(switched.statusCode, switched.body).toBe(200);
      expect(switched.json()['choice-answer-missing']).toBe(false);
      expect(switched.json()['cancel-reason-missing-1on1']).toBe(true);
      await h.create(oneToOneAppointment());
      await createdReceiver.waitFor(2);

      const back = await setQuirks(h, { 'choice-answer-missing': true });
      expect(back.statusCode, back.body).toBe(200);
      await h.create(oneToOneAppointment());
      await createdReceiver.waitFor(3);
      await h.waitForSettled(3);

      const answers = createdReceiver.received.map((request) => {
        expectValidPayload(request.body);
        return (request.body as AppointmentData).CustomQuestionAnswers?.[0]?.Answer;
      });
      expect(answers).toStrictEqual([undefined, 'Audit', undefined]);
    });

    it('switching update-fires-on-create at run time routes the next create', async () => {
      const h = await startHarness();
      const updatedReceiver = await h.receiverFor('Updated');
      await h.create(oneToOneAppointment());
      expect(journal(h)).toHaveLength(0);
      expect((await setQuirks(h, { 'update-fires-on-create': true })).statusCode).toBe(200);
      const second = await h.create(oneToOneAppointment());
      expect(journal(h)).toHaveLength(1);
      await h.waitForSettled(1);
      expect((await onlyPayload(updatedReceiver)).Id).toBe(second.id);
    });

    it('switching reschedule-new-id and cancel-reason-missing-1on1 at run time', async () => {
      const h = await startHarness();
      const updatedReceiver = await h.receiverFor('Updated');
      const deletedReceiver = await h.receiverFor('Deleted');
      const created = await h.create(oneToOneAppointment());
      expect(
        (await setQuirks(h, { 'reschedule-new-id': true, 'cancel-reason-missing-1on1': false })).statusCode,
      ).toBe(200);
      const moved = await h.patch(created.id, {
        startDateTime: { dateTime: '2026-01-08T09:00:00', timeZone: 'UTC' },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const newId = moved.json().id as string;
      expect(newId).not.toBe(created.id);
      const cancelled = await h.cancel(newId, 'No longer needed');
      expect(cancelled.statusCode, cancelled.body).toBe(204);
      await h.waitForSettled(2);
      expect((await onlyPayload(updatedReceiver)).Id).toBe(newId);
      const deletedPayload = await onlyPayload(deletedReceiver);
      expect(deletedPayload.Id).toBe(newId);
      expect(deletedPayload.CancelReason).toBe('No longer needed');
    });

    it('rejects an unknown quirk name', async () => {
      const h = await startHarness();
      expectError(await setQuirks(h, { 'no-such-quirk': true } as Quirks), 400, 'InvalidRequestBody');
      const response = await h.app.inject({ method: 'GET', url: '/_emulator/quirks' });
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
      const h = await startHarness({
        quirks: { 'choice-answer-missing': false, 'update-fires-on-create': true },
      });
      const switched = await setQuirks(h, {
        'choice-answer-missing': true,
        'update-fires-on-create': false,
        'reschedule-new-id': true,
        'cancel-reason-missing-1on1': false,
      });
      expect(switched.statusCode).toBe(200);
      const reset = await h.app.inject({ method: 'POST', url: '/_emulator/reset' });
      expect(reset.statusCode).toBe(204);
      const quirks = await h.app.inject({ method: 'GET', url: '/_emulator/quirks' });
      expect(quirks.json()).toStrictEqual(configured);

      // Behaviour follows: the Updated flow (subscriptions are cleared by reset) gets the create,
      // with the choice answer text.
      const updatedReceiver = await h.receiverFor('Updated');
      const created = await h.create(oneToOneAppointment());
      await h.waitForSettled(1);
      const payload = await onlyPayload(updatedReceiver);
      expect(payload.Id).toBe(created.id);
      expect(payload.CustomQuestionAnswers?.[0]?.Answer).toBe('Audit');
    });
  });
});
