import type { Faker } from '@faker-js/faker';
import { toQuestionAnswers } from '../domain/answers.js';
import type {
  AddCustomer,
  AddStaff,
  AppointmentFields,
  Book,
  BookingAppointment,
  BookingCustomer,
  BookingCustomerInformation,
  BookingStaffMember,
  Customer,
  SeedBusiness,
  SelfServiceBooking,
} from '../generated/schema-types.js';
import { StepFailed } from './step-failed.js';
import { resolveTime } from './template.js';

/** A customer or staff member an addCustomer or addStaff step saved under its ref. */
export interface SavedEntity {
  mailbox: string;
  id: string;
  displayName: string;
  emailAddress: string;
  phone?: string;
}

/**
 * What a step's fields are read against: the business it reaches (its seed), seeded fakes, the
 * scenario clock, and the customers and staff saved so far by ref.
 */
export interface StepContext {
  mailbox: string;
  business: SeedBusiness | undefined;
  faker: Faker;
  nowMs: number;
  customers: ReadonlyMap<string, SavedEntity>;
  staff: ReadonlyMap<string, SavedEntity>;
}

/** The body of an addCustomer step: Graph's bookingCustomer. */
export function customerBody(step: AddCustomer): BookingCustomer {
  return {
    '@odata.type': '#microsoft.graph.bookingCustomer',
    displayName: step.displayName,
    emailAddress: step.emailAddress,
    ...(step.phone === undefined ? {} : { phones: [{ number: step.phone, type: 'mobile' }] }),
  };
}

/** The body of an addStaff step: Graph's bookingStaffMember, without the step's id (Graph gives one). */
export function staffBody(step: AddStaff): BookingStaffMember {
  return {
    '@odata.type': '#microsoft.graph.bookingStaffMember',
    displayName: step.displayName,
    emailAddress: step.emailAddress,
    role: step.role,
  };
}

/** What a ref names, saved in the business the step reaches; a failed step otherwise. */
function saved(
  kind: 'customer' | 'staff',
  ref: string,
  entities: ReadonlyMap<string, SavedEntity>,
  context: StepContext,
): SavedEntity {
  const entity = entities.get(ref);
  const verb = kind === 'customer' ? 'addCustomer' : 'addStaff';
  if (!entity)
    throw new StepFailed(`${kind} ref "${ref}" names nothing saved (its ${verb} failed or never ran)`);
  if (entity.mailbox.toLowerCase() !== context.mailbox.toLowerCase())
    throw new StepFailed(
      `${kind} ref "${ref}" was added to ${entity.mailbox}, not to ${context.mailbox} where this step books`,
    );
  return entity;
}

/** Each staff entry is a ref of an addStaff step or, when no step saved that name, a staff member's id. */
function staffMemberIds(staff: readonly string[], context: StepContext): string[] {
  return staff.map((name) =>
    context.staff.has(name) ? saved('staff', name, context.staff, context).id : name,
  );
}

const isoAt = (time: string, nowMs: number) => new Date(resolveTime(time, nowMs)).toISOString();

/** A scenario's customer as Graph's bookingCustomerInformation; `fake: true` fills the gaps with seeded fakes. */
function graphCustomer(
  customer: Customer,
  context: StepContext,
  serviceId: string | undefined,
): BookingCustomerInformation {
  const { faker } = context;
  const known =
    customer.ref === undefined ? undefined : saved('customer', customer.ref, context.customers, context);
  const out: BookingCustomerInformation = {
    ...(known === undefined ? {} : { customerId: known.id }),
    name: customer.name ?? known?.displayName ?? (customer.fake ? faker.person.fullName() : 'Customer'),
    emailAddress:
      customer.email ??
      known?.emailAddress ??
      (customer.fake ? faker.internet.email().toLowerCase() : 'customer@example.com'),
  };
  const phone =
    customer.phone ??
    known?.phone ??
    (customer.fake ? faker.phone.number({ style: 'international' }) : undefined);
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
  if (fields.staff !== undefined) body.staffMemberIds = staffMemberIds(fields.staff, context);
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
  if (fields.staff !== undefined) body.staff = staffMemberIds(fields.staff, context);
  if (fields.notes !== undefined) body.notes = fields.notes;
  if (fields.sms !== undefined) body.sms = fields.sms;
  if (fields.trackingData !== undefined) body.trackingData = fields.trackingData;
  return body;
}
