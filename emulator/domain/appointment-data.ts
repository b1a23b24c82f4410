import type {
  AppointmentData,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  ChangeType,
  CustomerData,
  CustomQuestion,
  GraphLocation,
  Location,
  SeedBusiness,
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

/** Drops undefined values so an absent Graph field stays absent in the payload. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
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
  return compact({
    DisplayName: location.displayName,
    PhysicalAddress: address
      ? compact({
          City: address.city,
          CountryOrRegion: address.countryOrRegion,
          PostalCode: address.postalCode,
          State: address.state,
          Street: address.street,
        })
      : undefined,
  });
}

/** Graph's selectedOptions are option texts; the connector sends indexes into AnswerOptions (source [D]). */
function toCustomQuestion(answer: BookingQuestionAnswer, policies: PolicySettings): CustomQuestion {
  const options = answer.answerOptions ?? [];
  const isChoice = options.length > 0;
  const selected = (answer.selectedOptions ?? [])
    .map((text) => options.indexOf(text))
    .filter((index) => index >= 0);
  const choiceAnswer = selected.map((index) => options[index]).join(', ');
  return compact({
    QuestionID: answer.questionId,
    Question: answer.question,
    IsRequired: answer.isRequired,
    Answer: isChoice
      ? policies['choice-answer-missing'] === 'on'
        ? undefined
        : choiceAnswer
      : answer.answer,
    AnswerOptions: isChoice ? [...options] : undefined,
    SelectedOptions: isChoice ? selected : undefined,
  });
}

function toCustomerData(
  customer: BookingCustomerInformation,
  dropNotes: boolean,
  policies: PolicySettings,
): CustomerData {
  return compact({
    Email: customer.emailAddress,
    Id: customer.customerId,
    Location: toLocation(customer.location),
    Name: customer.name,
    Notes: dropNotes ? undefined : customer.notes,
    TimeZone: customer.timeZone,
    Answers: (customer.customQuestionAnswers ?? []).map((answer) => toCustomQuestion(answer, policies)),
  });
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
  const staff = (appointment.staffMemberIds ?? []).map((id) => {
    const member = business.staff?.find((candidate) => candidate.id === id);
    return compact({ DisplayName: member?.displayName, EmailAddress: member?.emailAddress, Id: id });
  });
  const withReason =
    change.changeType === 'Deleted' && change.cancellationMessage !== undefined && !dropOneToOneReason;

  const common: AppointmentData = compact({
    AdditionalInfo: appointment.additionalInformation,
    Customers: customers.map((customer) => toCustomerData(customer, dropOneToOneNotes, policies)),
    Duration: policies['duration-unit'] === 'minutes' ? Math.round(seconds / 60) : seconds,
    EndTime: formatTriggerTime(end, policies['time-format']),
    FilledAttendeesCount: appointment.filledAttendeesCount ?? customers.length,
    Id: appointment.id,
    IsSMSNotificationsEnabled: appointment.smsNotificationsEnabled ?? false,
    JoinWebURL: joinUrl(appointment.joinWebUrl, policies),
    MaxAttendeesCount: maxAttendees,
    SelfServiceAppointmentId: selfServiceAppointmentId(record, policies),
    ServiceId: appointment.serviceId,
    ServiceName: appointment.serviceName,
    ServiceNotes: appointment.serviceNotes,
    StaffMembers: staff,
    StartTime: formatTriggerTime(start, policies['time-format']),
    TrackingData: record.trackingData,
    CancelReason: withReason ? change.cancellationMessage : undefined,
  });
  const customer = customers[0];
  if (!isOneToOne || !customer) return common;
  return compact({
    ...common,
    CustomerEmail: customer.emailAddress,
    CustomerId: customer.customerId,
    CustomerLocation: toLocation(customer.location),
    CustomerName: customer.name,
    CustomerNotes: dropOneToOneNotes ? undefined : customer.notes,
    CustomQuestionAnswers: (customer.customQuestionAnswers ?? []).map((answer) =>
      toCustomQuestion(answer, policies),
    ),
    CustomerPhone: customer.phone,
    CustomerTimeZone: appointment.customerTimeZone ?? customer.timeZone,
  });
}
