import type { DurationUnit, TimeFormat } from '../config/options.js';
import { parseGraphDateTime } from '../domain/graph-time.js';
import type {
  AppointmentData,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  ChangeType,
  CustomerData,
  CustomQuestion,
  GraphLocation,
  Location,
  Quirks,
  SeedBusiness,
} from '../generated/schema-types.js';
import type { AppointmentRecord } from '../state/store.js';

export interface PayloadFormat {
  quirks: Readonly<Required<Quirks>>;
  timeFormat: TimeFormat;
  durationUnit: DurationUnit;
}

export interface ChangeContext {
  changeType: ChangeType;
  /** The cancel action's cancellationMessage, when the change is a cancellation. */
  cancellationMessage?: string;
}

/** Drops undefined values so an absent Graph field stays absent in the payload. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function formatTime(epochMs: number, format: TimeFormat): string {
  const iso = new Date(epochMs).toISOString();
  // Exchange style: seven fractional digits (CONTRACT.md §3 policy).
  return format === 'exchange' ? iso.replace(/\.(\d{3})Z$/, (_, millis: string) => `.${millis}0000Z`) : iso;
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
function toCustomQuestion(answer: BookingQuestionAnswer, format: PayloadFormat): CustomQuestion {
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
    Answer: isChoice ? (format.quirks['choice-answer-missing'] ? undefined : choiceAnswer) : answer.answer,
    AnswerOptions: isChoice ? [...options] : undefined,
    SelectedOptions: isChoice ? selected : undefined,
  });
}

function toCustomerData(
  customer: BookingCustomerInformation,
  dropNotes: boolean,
  format: PayloadFormat,
): CustomerData {
  return compact({
    Email: customer.emailAddress,
    Id: customer.customerId,
    Location: toLocation(customer.location),
    Name: customer.name,
    Notes: dropNotes ? undefined : customer.notes,
    TimeZone: customer.timeZone,
    Answers: (customer.customQuestionAnswers ?? []).map((answer) => toCustomQuestion(answer, format)),
  });
}

function epochOf(value: AppointmentRecord['appointment']['startDateTime']): number {
  const parsed = value ? parseGraphDateTime(value) : undefined;
  if (!parsed?.ok) throw new Error('stored appointment has no valid start or end');
  return parsed.epochMs;
}

/**
 * The stored Graph-shaped appointment as the connector's AppointmentData (CONTRACT.md §3 mapping).
 * 1:1 fills the top-level Customer* fields and also lists the customer in Customers; group fills
 * only Customers (policy). Quirks of §4 apply here.
 */
export function toAppointmentData(
  record: AppointmentRecord,
  business: SeedBusiness,
  change: ChangeContext,
  format: PayloadFormat,
): AppointmentData {
  const appointment = record.appointment;
  const customers = appointment.customers ?? [];
  const maxAttendees = appointment.maximumAttendeesCount ?? 1;
  const isOneToOne = maxAttendees === 1;
  const dropOneToOneNotes = isOneToOne && format.quirks['cancel-reason-missing-1on1'];
  const start = epochOf(appointment.startDateTime);
  const end = epochOf(appointment.endDateTime);
  const minutes = Math.round((end - start) / 60_000);
  const staff = (appointment.staffMemberIds ?? []).map((id) => {
    const member = business.staff?.find((candidate) => candidate.id === id);
    return compact({ DisplayName: member?.displayName, EmailAddress: member?.emailAddress, Id: id });
  });
  const withReason =
    change.changeType === 'Deleted' && change.cancellationMessage !== undefined && !dropOneToOneNotes;

  const common: AppointmentData = compact({
    AdditionalInfo: appointment.additionalInformation,
    Customers: customers.map((customer) => toCustomerData(customer, dropOneToOneNotes, format)),
    Duration: format.durationUnit === 'minutes' ? minutes : minutes * 60,
    EndTime: formatTime(end, format.timeFormat),
    FilledAttendeesCount: appointment.filledAttendeesCount ?? customers.length,
    Id: appointment.id,
    IsSMSNotificationsEnabled: appointment.smsNotificationsEnabled ?? false,
    JoinWebURL: appointment.joinWebUrl,
    MaxAttendeesCount: maxAttendees,
    SelfServiceAppointmentId: appointment.selfServiceAppointmentId ?? appointment.id,
    ServiceId: appointment.serviceId,
    ServiceName: appointment.serviceName,
    ServiceNotes: appointment.serviceNotes,
    StaffMembers: staff,
    StartTime: formatTime(start, format.timeFormat),
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
      toCustomQuestion(answer, format),
    ),
    CustomerPhone: customer.phone,
    CustomerTimeZone: appointment.customerTimeZone ?? customer.timeZone,
  });
}
