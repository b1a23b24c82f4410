/** Fuzz commands on the Graph-shaped appointment actions: each change fires the triggers (docs/contract.md (The callback)). */
import { oneToOneAppointment } from '../../emulator/testing/http.js';
import { clinic, lunch } from '../../emulator/testing/seed.js';
import { FuzzCommand, pickTarget, type Target } from './command.js';
import {
  deliveriesFor,
  expectStatus,
  type FuzzModel,
  type FuzzReal,
  type ModelAppointment,
  seededMailbox,
  send,
} from './world.js';

const start = { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' };
const customer = (n: number) => ({ name: `Customer ${n}`, emailAddress: `customer${n}@example.com` });

/** A valid body for each seeded service, and one naming a service nobody has. */
const appointmentBodies = {
  one: () => oneToOneAppointment(),
  group: () => ({
    serviceId: 'group',
    startDateTime: start,
    customers: [1, 2].map((n) => ({
      ...customer(n),
      customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['Vegan'] }],
    })),
  }),
  checkup: () => ({ serviceId: 'checkup', startDateTime: start, customers: [customer(3)] }),
  missing: () => ({ serviceId: 'no-such-service', startDateTime: start, customers: [customer(4)] }),
} as const;
export type ServiceChoice = keyof typeof appointmentBodies;
export const serviceChoices = Object.keys(appointmentBodies) as ServiceChoice[];

const servicesOf: Record<string, readonly ServiceChoice[]> = {
  [lunch]: ['one', 'group'],
  [clinic]: ['checkup'],
};

const appointmentsPath = (mailbox: string) =>
  `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`;

export class CreateAppointment extends FuzzCommand {
  constructor(
    readonly mailbox: string,
    readonly service: ServiceChoice,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const response = await send(real, {
      method: 'POST',
      url: appointmentsPath(this.mailbox),
      payload: appointmentBodies[this.service](),
    });
    const mailbox = seededMailbox(this.mailbox);
    if (mailbox === undefined) return expectStatus(response, 404, 'MailboxNotFound');
    if (!servicesOf[mailbox]?.includes(this.service)) return expectStatus(response, 400, 'ServiceNotFound');
    expectStatus(response, 201);
    const created: ModelAppointment = { mailbox, id: (response.json() as { id: string }).id };
    model.appointments.push(created);
    deliveriesFor(model, created, 'Created');
  }

  toString(): string {
    return `CreateAppointment(${this.mailbox}, ${this.service})`;
  }
}

export const changeActions = ['update', 'cancel', 'delete'] as const;
export type ChangeAction = (typeof changeActions)[number];

/** PATCH (Updated), POST .../cancel or DELETE (both Deleted) of a live, gone or unknown appointment. */
export class ChangeAppointment extends FuzzCommand {
  constructor(
    readonly action: ChangeAction,
    readonly target: Target,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const appointment = pickTarget(this.target, model.appointments, model.goneAppointments) ?? {
      mailbox: lunch,
      id: 'no-such-appointment',
    };
    const url = `${appointmentsPath(appointment.mailbox)}/${encodeURIComponent(appointment.id)}`;
    const response = await send(
      real,
      this.action === 'update'
        ? { method: 'PATCH', url, payload: { additionalInformation: `changed at ${model.nowMs}` } }
        : this.action === 'cancel'
          ? { method: 'POST', url: `${url}/cancel`, payload: { cancellationMessage: 'Fuzzed away' } }
          : { method: 'DELETE', url },
    );
    const index = model.appointments.indexOf(appointment);
    if (index < 0) return expectStatus(response, 404, 'AppointmentNotFound');
    expectStatus(response, this.action === 'update' ? 200 : 204);
    deliveriesFor(model, appointment, this.action === 'update' ? 'Updated' : 'Deleted');
    if (this.action !== 'update') {
      model.appointments.splice(index, 1);
      model.goneAppointments.push(appointment);
    }
  }

  toString(): string {
    return `ChangeAppointment(${this.action}, ${JSON.stringify(this.target)})`;
  }
}
