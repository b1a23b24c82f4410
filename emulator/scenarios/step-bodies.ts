import type { Faker } from '@faker-js/faker';
import { toQuestionAnswers } from '../domain/answers.js';
import type {
  AppointmentFields,
  Book,
  BookingAppointment,
  BookingCustomerInformation,
  Customer,
  SeedBusiness,
  SelfServiceBooking,
} from '../generated/schema-types.js';
import { resolveTime } from './template.js';

/** What a step's fields are read against: the seed business, seeded fakes and the scenario clock. */
export interface StepContext {
  business: SeedBusiness | undefined;
  faker: Faker;
  nowMs: number;
}

const isoAt = (time: string, nowMs: number) => new Date(resolveTime(time, nowMs)).toISOString();

/** A scenario's customer as Graph's bookingCustomerInformation; `fake: true` fills the gaps with seeded fakes. */
function graphCustomer(
  customer: Customer,
  context: StepContext,
  serviceId: string | undefined,
): BookingCustomerInformation {
  const { faker } = context;
  const out: BookingCustomerInformation = {
    name: customer.name ?? (customer.fake ? faker.person.fullName() : 'Customer'),
    emailAddress:
      customer.email ?? (customer.fake ? faker.internet.email().toLowerCase() : 'customer@example.com'),
  };
  const phone =
    customer.phone ?? (customer.fake ? faker.phone.number({ style: 'international' }) : undefined);
  if (phone !== undefined) out.phone = phone;
  if (customer.notes !== undefined) out.notes = customer.notes;
  if (customer.timeZone !== undefined) out.timeZone = customer.timeZone;
  if (customer.location !== undefined) out.location = customer.location;
  if (customer.answers) {
    const service = context.business?.services?.find((candidate) => candidate.id === serviceId);
    out.customQuestionAnswers = toQuestionAnswers(customer.answers, service);
  }
  return out;
}

/** The Graph body of a `create` or `update` step: only the fields the step gives. */
export function graphAppointmentBody(fields: AppointmentFields, context: StepContext): BookingAppointment {
  const body: BookingAppointment = {};
  if (fields.service !== undefined) body.serviceId = fields.service;
  if (fields.start !== undefined)
    body.startDateTime = { dateTime: isoAt(fields.start, context.nowMs), timeZone: 'UTC' };
  if (fields.end !== undefined)
    body.endDateTime = { dateTime: isoAt(fields.end, context.nowMs), timeZone: 'UTC' };
  const customers = fields.customers ?? (fields.customer ? [fields.customer] : undefined);
  if (customers)
    body.customers = customers.map((customer) => graphCustomer(customer, context, fields.service));
  if (fields.staff !== undefined) body.staffMemberIds = fields.staff;
  if (fields.notes !== undefined) body.additionalInformation = fields.notes;
  if (fields.sms !== undefined) body.smsNotificationsEnabled = fields.sms;
  return body;
}

/**
 * The booking page's form for a `book` step, or why it cannot be made: a customer books for one
 * person on the page.
 */
export function bookingPageBody(fields: Book, context: StepContext): SelfServiceBooking | string {
  const customers = fields.customers ?? (fields.customer ? [fields.customer] : []);
  const [customer] = customers;
  if (customers.length !== 1 || !customer)
    return 'book: a customer books for one person on the booking page; give customer:';
  const { answers, ...who } = customer;
  const person = graphCustomer(who, context, undefined);
  const body: SelfServiceBooking = {
    service: fields.service ?? '',
    start: isoAt(fields.start ?? '', context.nowMs),
    customer: {
      name: person.name ?? '',
      email: person.emailAddress ?? '',
      ...(person.phone === undefined ? {} : { phone: person.phone }),
      ...(person.notes === undefined ? {} : { notes: person.notes }),
      ...(person.timeZone === undefined ? {} : { timeZone: person.timeZone }),
      ...(person.location === undefined ? {} : { location: person.location }),
    },
  };
  if (answers !== undefined) body.answers = answers;
  if (fields.end !== undefined) body.end = isoAt(fields.end, context.nowMs);
  if (fields.staff !== undefined) body.staff = fields.staff;
  if (fields.notes !== undefined) body.notes = fields.notes;
  if (fields.sms !== undefined) body.sms = fields.sms;
  if (fields.trackingData !== undefined) body.trackingData = fields.trackingData;
  return body;
}
