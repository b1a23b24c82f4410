import type {
  AppointmentData,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  ChangeType,
  CustomerData,
  CustomQuestion,
  GraphLocation,
  Location,
  PhysicalAddress,
  SeedBusiness,
  StaffMemberData,
} from '../generated/schema-types.js';
import { zeroGuid } from './appointments.js';
import { isoDurationToMs, parseGraphDateTime } from './graph-time.js';
import type { PolicySettings } from './policies.js';
import type { AppointmentRecord } from './store.js';

export interface ChangeContext {
  changeType: ChangeType;
  /** The cancel action's cancellationMessage, when the change is a cancellation. */
  cancellationMessage?: string;
}

/**
 * Sets `key` only when `value` is defined, so an absent Graph field stays absent in the payload.
 * The payload is built by assignment in a fixed key order (the order of its JSON), so that every
 * payload of a kind has the same shape: the schema check and JSON.stringify then run on fast
 * objects, not on the dictionaries Object.fromEntries makes.
 */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** StartTime/EndTime in UTC, in the form the policy time-format names. */
export function formatTriggerTime(epochMs: number, format: PolicySettings['time-format']): string {
  const date = new Date(epochMs);
  if (format === 'invariant') {
    // .NET's invariant culture, as the one real run shows it: MM/dd/yyyy HH:mm:ss.
    return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${pad(
      date.getUTCHours(),
    )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  }
  const iso = date.toISOString();
  return format === 'exchange' ? iso.replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}0000Z`) : iso;
}

const joinUrlSuffix = 'webjoin=true&unified=true';

function joinUrl(graphJoinUrl: string | undefined, policies: PolicySettings): string | undefined {
  if (graphJoinUrl === undefined || policies['join-url-suffix'] === 'off') return graphJoinUrl;
  return `${graphJoinUrl}${graphJoinUrl.includes('?') ? '&' : '?'}${joinUrlSuffix}`;
}

function selfServiceAppointmentId(record: AppointmentRecord, policies: PolicySettings): string {
  const own = record.selfServiceId ?? record.appointment.id;
  if (record.bookedBy === 'customer') return own;
  const choice = policies['self-service-id'];
  return choice === 'zero' ? zeroGuid : choice === 'id' ? record.appointment.id : own;
}

function toLocation(location: GraphLocation | undefined): Location | undefined {
  if (!location) return undefined;
  const address = location.address;
  const converted: Location = {};
  put(converted, 'DisplayName', location.displayName);
  if (address) {
    const physical: PhysicalAddress = {};
    put(physical, 'City', address.city);
    put(physical, 'CountryOrRegion', address.countryOrRegion);
    put(physical, 'PostalCode', address.postalCode);
    put(physical, 'State', address.state);
    put(physical, 'Street', address.street);
    converted.PhysicalAddress = physical;
  }
  return converted;
}

/** Graph's selectedOptions are option texts; the connector sends indexes into AnswerOptions (source [D]). */
function toCustomQuestion(answer: BookingQuestionAnswer, policies: PolicySettings): CustomQuestion {
  const options = answer.answerOptions ?? [];
  const isChoice = options.length > 0;
  const question = {} as CustomQuestion;
  put(question, 'QuestionID', answer.questionId);
  put(question, 'Question', answer.question);
  put(question, 'IsRequired', answer.isRequired);
  if (!isChoice) {
    put(question, 'Answer', answer.answer);
    return question;
  }
  const selected: number[] = [];
  for (const text of answer.selectedOptions ?? []) {
    const index = options.indexOf(text);
    if (index >= 0) selected.push(index);
  }
  if (policies['choice-answer-missing'] !== 'on') {
    question.Answer = selected.map((index) => options[index]).join(', ');
  }
  question.AnswerOptions = [...options];
  question.SelectedOptions = selected;
  return question;
}

function toCustomerData(
  customer: BookingCustomerInformation,
  dropNotes: boolean,
  policies: PolicySettings,
): CustomerData {
  const data = {} as CustomerData;
  put(data, 'Email', customer.emailAddress);
  put(data, 'Id', customer.customerId);
  put(data, 'Location', toLocation(customer.location));
  put(data, 'Name', customer.name);
  if (!dropNotes) put(data, 'Notes', customer.notes);
  put(data, 'TimeZone', customer.timeZone);
  data.Answers = toCustomQuestions(customer, policies);
  return data;
}

function toCustomQuestions(customer: BookingCustomerInformation, policies: PolicySettings): CustomQuestion[] {
  const answers = customer.customQuestionAnswers ?? [];
  const questions: CustomQuestion[] = [];
  for (const answer of answers) questions.push(toCustomQuestion(answer, policies));
  return questions;
}

function epochOf(value: AppointmentRecord['appointment']['startDateTime']): number {
  const parsed = value ? parseGraphDateTime(value) : undefined;
  if (!parsed?.ok) throw new Error('stored appointment has no valid start or end');
  return parsed.epochMs;
}

/**
 * The stored Graph-shaped appointment as the connector's AppointmentData (docs/contract.md mapping).
 * 1:1 fills the top-level Customer* fields and also lists the customer in Customers; group fills
 * only Customers. Every policy that shapes a payload (docs/policies.md) applies here.
 */
export function toAppointmentData(
  record: AppointmentRecord,
  business: SeedBusiness,
  change: ChangeContext,
  policies: PolicySettings,
): AppointmentData {
  const appointment = record.appointment;
  const customers = appointment.customers ?? [];
  const maxAttendees = appointment.maximumAttendeesCount ?? 1;
  const isOneToOne = maxAttendees === 1;
  const dropOneToOneNotes = isOneToOne && policies['customer-notes-missing-1on1'] === 'on';
  const dropOneToOneReason = isOneToOne && policies['cancel-reason-missing-1on1'] === 'on';
  const withBuffers = policies['buffers-in-times'] === 'on';
  const start =
    epochOf(appointment.startDateTime) - (withBuffers ? isoDurationToMs(appointment.preBuffer) : 0);
  const end = epochOf(appointment.endDateTime) + (withBuffers ? isoDurationToMs(appointment.postBuffer) : 0);
  const seconds = Math.round((end - start) / 1000);
  const staff: StaffMemberData[] = [];
  for (const id of appointment.staffMemberIds ?? []) {
    const member = business.staff?.find((candidate) => candidate.id === id);
    const entry = {} as StaffMemberData;
    put(entry, 'DisplayName', member?.displayName);
    put(entry, 'EmailAddress', member?.emailAddress);
    entry.Id = id;
    staff.push(entry);
  }
  const withReason =
    change.changeType === 'Deleted' && change.cancellationMessage !== undefined && !dropOneToOneReason;

  const data = {} as AppointmentData;
  put(data, 'AdditionalInfo', appointment.additionalInformation);
  data.Customers = customers.map((customer) => toCustomerData(customer, dropOneToOneNotes, policies));
  data.Duration = policies['duration-unit'] === 'minutes' ? Math.round(seconds / 60) : seconds;
  data.EndTime = formatTriggerTime(end, policies['time-format']);
  data.FilledAttendeesCount = appointment.filledAttendeesCount ?? customers.length;
  put(data, 'Id', appointment.id);
  data.IsSMSNotificationsEnabled = appointment.smsNotificationsEnabled ?? false;
  put(data, 'JoinWebURL', joinUrl(appointment.joinWebUrl, policies));
  data.MaxAttendeesCount = maxAttendees;
  data.SelfServiceAppointmentId = selfServiceAppointmentId(record, policies);
  put(data, 'ServiceId', appointment.serviceId);
  put(data, 'ServiceName', appointment.serviceName);
  put(data, 'ServiceNotes', appointment.serviceNotes);
  data.StaffMembers = staff;
  data.StartTime = formatTriggerTime(start, policies['time-format']);
  put(data, 'TrackingData', record.trackingData);
  if (withReason) put(data, 'CancelReason', change.cancellationMessage);
  const customer = customers[0];
  if (!isOneToOne || !customer) return data;
  put(data, 'CustomerEmail', customer.emailAddress);
  put(data, 'CustomerId', customer.customerId);
  put(data, 'CustomerLocation', toLocation(customer.location));
  put(data, 'CustomerName', customer.name);
  if (!dropOneToOneNotes) put(data, 'CustomerNotes', customer.notes);
  data.CustomQuestionAnswers = toCustomQuestions(customer, policies);
  put(data, 'CustomerPhone', customer.phone);
  put(data, 'CustomerTimeZone', appointment.customerTimeZone ?? customer.timeZone);
  return data;
}
