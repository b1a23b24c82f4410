/* Generated from schemas/*.schema.json by `npm run generate:types`. Do not edit: change the schema. */

/**
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "Int32".
 */
export type Int32 = number;
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "ChangeType".
 *
 * This interface was referenced by `SubscribeRequest`'s JSON-Schema
 * via the `definition` "ChangeType".
 */
export type ChangeType = 'Created' | 'Updated' | 'Deleted';
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "DeliveryStatus".
 */
export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "PolicyName".
 */
export type PolicyName =
  | 'duration-unit'
  | 'buffers-in-times'
  | 'time-format'
  | 'join-url-suffix'
  | 'self-service-id'
  | 'cancel-reason-missing-1on1'
  | 'customer-notes-missing-1on1'
  | 'choice-answer-missing'
  | 'update-fires-on-create'
  | 'reschedule-new-id'
  | 'graph-query-options'
  | 'graph-time-zones'
  | 'graph-required-answers'
  | 'graph-outside-business-hours'
  | 'graph-staff-busy';
/**
 * strong: a real run shows it; medium: a real run after one transformation, or official docs; weak: inferred, or one user's report; none: no source shows it.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "EvidenceStrength".
 */
export type EvidenceStrength = 'strong' | 'medium' | 'weak' | 'none';
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "QuirkName".
 */
export type QuirkName =
  | 'cancel-reason-missing-1on1'
  | 'customer-notes-missing-1on1'
  | 'choice-answer-missing'
  | 'update-fires-on-create'
  | 'reschedule-new-id';
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "StaffRole".
 */
export type StaffRole = 'administrator' | 'teamMember' | 'scheduler' | 'viewer' | 'guest' | 'externalGuest';
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "dayOfWeek".
 */
export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
/**
 * A time of day, HH:MM[:SS[.fffffff]]; Graph answers with seven fractional digits (08:00:00.0000000).
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "timeOfDay".
 */
export type TimeOfDay = string;
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingPriceType".
 */
export type BookingPriceType =
  | 'undefined'
  | 'fixedPrice'
  | 'startingAt'
  | 'hourly'
  | 'free'
  | 'priceVaries'
  | 'callUs'
  | 'notSet'
  | 'unknownFutureValue';
/**
 * The next `count` trigger-API calls (default 1; with `probability`, every call until `count` is used up) answer `status`, wait `latencyMs` first, or have their connection dropped.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "TriggerApiFault".
 */
export type TriggerApiFault = {
  [k: string]: unknown;
} & {
  target: 'trigger-api';
  status?: 401 | 403 | 429 | 500 | 503;
  count?: number;
  retryAfterSeconds?: number;
  /**
   * Wait this long (real time) before answering.
   */
  latencyMs?: number;
  /**
   * Close the connection without an answer.
   */
  dropConnection?: true;
  /**
   * Each call is hit with this probability (seeded: runs repeat).
   */
  probability?: number;
};
/**
 * One fault; target picks its kind: trigger-api (TriggerApiFault), inbox (InboxFault) or delivery (DeliveryFault).
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Fault".
 */
export type Fault = TriggerApiFault | InboxFault | DeliveryFault;
/**
 * This interface was referenced by `ErrorResponse`'s JSON-Schema
 * via the `definition` "ErrorCode".
 */
export type ErrorCode =
  | 'Unauthenticated'
  | 'NotBookingsAdministrator'
  | 'NotificationUrlNotAllowlisted'
  | 'WebhookLimitExceeded'
  | 'InternalServerError'
  | 'ServiceUnavailable'
  | 'InvalidRequestBody'
  | 'MalformedJson'
  | 'UnsupportedMediaType'
  | 'PayloadTooLarge'
  | 'MissingRequiredHeader'
  | 'MailboxNotFound'
  | 'WebhookNotFound'
  | 'AppointmentNotFound'
  | 'DeliveryNotFound'
  | 'ServiceNotFound'
  | 'StaffMemberNotFound'
  | 'InvalidAppointment'
  | 'InvalidControlRequest'
  | 'RouteNotFound'
  | 'InvalidPath'
  | 'MalformedHttpRequest'
  | 'RequestHeadersTooLarge'
  | 'RequestTimeout'
  | 'ControlTokenRequired'
  | 'TimeZoneNotSupported'
  | 'BusinessResourceNotFound'
  | 'InvalidGraphRequest'
  | 'UnsupportedQuery'
  | 'OutsideBusinessHours'
  | 'StaffNotAvailable';
/**
 * An ISO 8601 duration of days, hours, minutes and seconds, such as PT10M or P1DT2H.
 *
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "isoDuration".
 */
export type IsoDuration = string;
/**
 * @maxItems 1000
 */
export type Customers = BookingCustomerInformation[];
/**
 * @maxItems 100
 */
export type StaffMemberIds = string[];
/**
 * @maxItems 100
 */
export type Reminders = BookingReminder[];
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingAppointmentCreate".
 */
export type BookingAppointmentCreate = GraphBookingAppointment;
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "staffRole".
 */
export type StaffRole1 =
  'guest' | 'administrator' | 'viewer' | 'externalGuest' | 'unknownFutureValue' | 'scheduler' | 'teamMember';
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "answerInputType".
 */
export type AnswerInputType = 'text' | 'radioButton' | 'unknownFutureValue';
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Flow".
 */
export type Flow = {
  [k: string]: unknown;
} & {
  name: Name;
  mailbox: string;
  /**
   * UPN of the seeded user who subscribes the flow (an unsigned JWT is made for it).
   */
  as?: string;
  /**
   * A literal bearer token instead of 'as' (to test bad credentials).
   */
  token?: string;
  /**
   * One trigger uses its own path; a list subscribes through the backend form with all of them as change_type.
   */
  trigger: Trigger | [Trigger, ...Trigger[]];
  /**
   * The flow's callback URL, or inbox:NAME for the emulator's built-in inbox.
   */
  url: string;
  /**
   * A flow exported from Power Automate or Logic Apps, relative to this file: a definition.json, a solution's Workflows/<name>-<GUID>.json or a workflow.json. Its one Bookings trigger gives mailbox and trigger, which are then left out; as defaults to the mailbox's first administrator in the seed. Loading the scenario (bookings-emulator lint, run) fills them in before this schema is checked.
   */
  definition?: string;
};
/**
 * A name of letters, digits, _ . : and - (variables such as ${i} allowed).
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Name".
 */
export type Name = string;
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Trigger".
 */
export type Trigger = 'created' | 'updated' | 'cancelled';
/**
 * @minItems 1
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Steps".
 */
export type Steps = [Step, ...Step[]];
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Create".
 */
export type Create = AppointmentFields;
/**
 * An ISO 8601 instant (2026-01-06T09:00:00Z) or a time relative to the scenario clock (+2h).
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Time".
 */
export type Time = string;
/**
 * A customer books on the public booking page: the fields of create (one customer) plus trackingData.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Book".
 */
export type Book = AppointmentFields & {
  /**
   * Campaign data from the booking page link; the trigger sends it as TrackingData.
   */
  trackingData?: string;
};
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Update".
 */
export type Update = AppointmentFields;
/**
 * A duration such as 250ms, 2s, 30m, 4h or 1d.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = string;

export interface SchemaFiles {
  'appointment-data'?: AppointmentData;
  'control-api'?: ControlAPI;
  error?: ErrorResponse;
  'graph-booking-appointment'?: GraphBookingShapes;
  'graph-bookings'?: GraphBookingsResources;
  'mailbox-list'?: ListMailboxResponse;
  scenario?: Scenario;
  seed?: Seed;
  'subscribe-request'?: SubscribeRequest;
  'subscribe-response'?: WebhookResponse;
}
/**
 * The body a flow receives when a Bookings appointment is created, updated or cancelled, as the certified connector declares it (docs/contract.md (The callback), source [A]). No field is required and no string has a format, because the real definition declares none. Unknown properties are rejected so that a payload with wrong casing (customerEmail) or an undeclared field is reported instead of silently passing.
 */
export interface AppointmentData {
  /**
   * Extra information about the booking.
   */
  AdditionalInfo?: string;
  /**
   * Customer's e-mail address (1:1 bookings).
   */
  CustomerEmail?: string;
  /**
   * Customer id (1:1 bookings).
   */
  CustomerId?: string;
  CustomerLocation?: Location;
  /**
   * Customer name (1:1 bookings).
   */
  CustomerName?: string;
  /**
   * Customer notes (1:1 bookings).
   */
  CustomerNotes?: string;
  /**
   * All custom questions and answers (1:1 bookings).
   */
  CustomQuestionAnswers?: CustomQuestion[];
  /**
   * Customer phone (1:1 bookings).
   */
  CustomerPhone?: string;
  /**
   * Customer time zone (1:1 bookings).
   */
  CustomerTimeZone?: string;
  /**
   * Customers of a group (1:N) booking.
   */
  Customers?: CustomerData[];
  Duration?: Int32;
  /**
   * End time; the format is undocumented.
   */
  EndTime?: string;
  FilledAttendeesCount?: Int32;
  /**
   * @deprecated
   * Deprecated: use SelfServiceAppointmentId.
   */
  Id?: string;
  IsSMSNotificationsEnabled?: boolean;
  /**
   * URL to join the online appointment.
   */
  JoinWebURL?: string;
  MaxAttendeesCount?: Int32;
  /**
   * The appointment id.
   */
  SelfServiceAppointmentId?: string;
  ServiceId?: string;
  ServiceName?: string;
  ServiceNotes?: string;
  /**
   * Staff assigned to the appointment; always an array, even with one host.
   */
  StaffMembers?: StaffMemberData[];
  /**
   * Start time; the format is undocumented.
   */
  StartTime?: string;
  /**
   * Campaign tracking data.
   */
  TrackingData?: string;
  /**
   * Reason the appointment was cancelled.
   */
  CancelReason?: string;
}
/**
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "Location".
 */
export interface Location {
  DisplayName?: string;
  PhysicalAddress?: PhysicalAddress;
}
/**
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "PhysicalAddress".
 */
export interface PhysicalAddress {
  City?: string;
  CountryOrRegion?: string;
  PostalCode?: string;
  State?: string;
  Street?: string;
}
/**
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "CustomQuestion".
 */
export interface CustomQuestion {
  Answer?: string;
  AnswerOptions?: string[];
  IsRequired?: boolean;
  Question?: string;
  QuestionID?: string;
  /**
   * Indexes into AnswerOptions (source [D]).
   */
  SelectedOptions?: Int32[];
}
/**
 * One customer of a group booking. There is no phone field.
 *
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "CustomerData".
 */
export interface CustomerData {
  Email?: string;
  Id?: string;
  Location?: Location;
  Name?: string;
  Notes?: string;
  TimeZone?: string;
  Answers?: CustomQuestion[];
}
/**
 * This interface was referenced by `AppointmentData`'s JSON-Schema
 * via the `definition` "StaffMemberData".
 */
export interface StaffMemberData {
  DisplayName?: string;
  EmailAddress?: string;
  Id?: string;
}
/**
 * Shapes of the emulator's own control API under /_emulator/: flows, the delivery journal, the inbox, the clock, policies and quirks.
 */
export interface ControlAPI {
  [k: string]: unknown;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Subscription".
 */
export interface Subscription {
  webhookId: string;
  mailbox: string;
  notificationUrl: string;
  changeTypes: ChangeType[];
  /**
   * UPN of the administrator who subscribed.
   */
  createdBy: string;
  createdAt: string;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "FlowList".
 */
export interface FlowList {
  flows: Subscription[];
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "DeliveryAttempt".
 */
export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  requestHeaders: {
    [k: string]: string;
  };
  /**
   * The raw JSON body sent.
   */
  requestBody: string;
  responseStatus?: number;
  /**
   * At most the first 2 KiB of the receiver's answer.
   */
  responseBodyExcerpt?: string;
  latencyMs: number;
  /**
   * Why the attempt got no usable answer: a network error, a timeout, or a redirect that was not followed.
   */
  error?: string;
  outcome: 'delivered' | 'retry' | 'failed';
  /**
   * A second copy sent by an injected duplicate fault; it does not count towards retries.
   */
  duplicate?: boolean;
  /**
   * Only half the body was sent, by an injected truncate fault.
   */
  truncated?: boolean;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Delivery".
 */
export interface Delivery {
  /**
   * Stable across every attempt of this delivery.
   */
  deliveryId: string;
  webhookId: string;
  mailbox: string;
  appointmentId: string;
  changeType: ChangeType;
  url: string;
  status: DeliveryStatus;
  createdAt: string;
  nextAttemptAt?: string;
  attempts: DeliveryAttempt[];
  payload: AppointmentData;
  /**
   * The delivery this one re-sends (a redelivery with a renewed id).
   */
  redeliveryOf?: string;
  /**
   * Why the emulator did not send it at all: an injected drop, or the queue limit. Such a delivery is failed, never silently lost.
   */
  refused?: string;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "DeliveryList".
 */
export interface DeliveryList {
  deliveries: Delivery[];
  /**
   * Settled deliveries removed from the journal by --retain-deliveries (retainDeliveries) since it was last reset; 0 when retention is off.
   */
  evicted: number;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "InboxMessage".
 */
export interface InboxMessage {
  receivedAt: string;
  headers: {
    [k: string]: string;
  };
  /**
   * The JSON body as received.
   */
  body: {
    [k: string]: unknown;
  };
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Inbox".
 */
export interface Inbox {
  name: string;
  messages: InboxMessage[];
  /**
   * Older messages of this inbox removed by --retain-deliveries (retainDeliveries), which keeps the newest N, since the inbox was last emptied; 0 when retention is off.
   */
  evicted: number;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "ClockState".
 */
export interface ClockState {
  now: string;
  mode: 'real' | 'virtual';
  pendingTimers: number;
  /**
   * When the next pending timer (a retry) falls due.
   */
  nextTimerAt?: string;
}
/**
 * Body of POST /_emulator/clock: exactly one of by, byMs or to. Retries due on the way run at their own instants.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "ClockAdvance".
 */
export interface ClockAdvance {
  /**
   * A duration as scenarios write it (advance: { by: 30m }): a number and a unit, ms, s, m, h or d, such as 250ms, 2s, 30m, 4h or 1d; at most a year.
   */
  by?: string;
  /**
   * The same in milliseconds.
   */
  byMs?: number;
  /**
   * An ISO 8601 instant, not before the clock's now.
   */
  to?: string;
}
/**
 * Policy settings by name: every behaviour of the real service that is uncertain or a choice of this emulator. Names not given keep their values.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Policies".
 */
export interface Policies {
  /**
   * The unit of Duration.
   */
  'duration-unit'?: 'seconds' | 'minutes';
  /**
   * Whether StartTime, EndTime and Duration include the service's pre- and post-buffer.
   */
  'buffers-in-times'?: 'on' | 'off';
  /**
   * The text form of StartTime and EndTime.
   */
  'time-format'?: 'invariant' | 'exchange' | 'iso';
  /**
   * Whether JoinWebURL carries &webjoin=true&unified=true after Graph's join URL.
   */
  'join-url-suffix'?: 'on' | 'off';
  /**
   * SelfServiceAppointmentId of an appointment made by staff (through Graph).
   */
  'self-service-id'?: 'fresh' | 'zero' | 'id';
  /**
   * Quirk: 1:1 cancellations carry no CancelReason.
   */
  'cancel-reason-missing-1on1'?: 'on' | 'off';
  /**
   * Quirk: 1:1 payloads carry no customer notes.
   */
  'customer-notes-missing-1on1'?: 'on' | 'off';
  /**
   * Quirk: choice questions carry SelectedOptions and AnswerOptions but no Answer.
   */
  'choice-answer-missing'?: 'on' | 'off';
  /**
   * Quirk: creating an appointment also fires the Updated trigger.
   */
  'update-fires-on-create'?: 'on' | 'off';
  /**
   * Quirk: an update that moves an appointment gives it a new id, with no Cancelled event for the old one.
   */
  'reschedule-new-id'?: 'on' | 'off';
  /**
   * Which OData query options Graph's Bookings lists answer.
   */
  'graph-query-options'?: 'supported' | 'documented-only';
  /**
   * Which time zone names a dateTimeTimeZone may carry.
   */
  'graph-time-zones'?: 'windows-and-iana' | 'documented';
  /**
   * Whether an appointment made through Graph must answer its service's required questions.
   */
  'graph-required-answers'?: 'enforce' | 'ignore';
  /**
   * Whether Graph takes an appointment outside the business hours.
   */
  'graph-outside-business-hours'?: 'accept' | 'refuse';
  /**
   * What Graph does with an appointment for staff who are already busy then.
   */
  'graph-staff-busy'?: 'accept' | 'refuse' | 'error-after-create';
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "PolicyValue".
 */
export interface PolicyValue {
  value: string;
  /**
   * What the emulator does under this value.
   */
  meaning: string;
  /**
   * The sources that support this value, as tags of docs/contract.md ([A] to [F]), or 'none'.
   */
  source: string;
  strength: EvidenceStrength;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Policy".
 */
export interface Policy {
  name: PolicyName;
  /**
   * format: how a value is written; identity: which id a field holds; quirk: a known oddity of the real service. rule: a check Graph makes, or may make, on a request.
   */
  kind: 'format' | 'identity' | 'quirk' | 'rule';
  description: string;
  default: string;
  /**
   * The value in force.
   */
  value: string;
  values: PolicyValue[];
  /**
   * What a flow author should do about it.
   */
  advice: string;
}
/**
 * Answer of GET and PUT /_emulator/policies.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "PolicyTable".
 */
export interface PolicyTable {
  policies: Policy[];
}
/**
 * The quirk policies as switches (true = on); kept beside /_emulator/policies for older callers.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Quirks".
 */
export interface Quirks {
  'cancel-reason-missing-1on1'?: boolean;
  'customer-notes-missing-1on1'?: boolean;
  'choice-answer-missing'?: boolean;
  'update-fires-on-create'?: boolean;
  'reschedule-new-id'?: boolean;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Health".
 */
export interface Health {
  status: 'ok';
}
/**
 * Optional body of POST /_emulator/reset: start again from another seed and policy settings (what a scenario run against a running emulator sends). Give the seed inline (seed) or as a file (seedFile), not both.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "ResetRequest".
 */
export interface ResetRequest {
  seed?: Seed;
  /**
   * The path of a YAML or JSON seed file on the emulator's machine, absolute or relative to the folder the emulator was started in.
   */
  seedFile?: string;
  policies?: Policies;
  quirks?: Quirks;
  /**
   * Seed the id generator, so ids repeat from run to run.
   */
  idSeed?: number;
}
/**
 * The emulator's starting state: who may call the trigger API, the callback allowlist, and the Bookings businesses with their staff and services.
 */
export interface Seed {
  /**
   * Who may call the trigger API. A bearer token is either a user's token or an unsigned JWT whose upn / preferred_username / email claim names the user.
   */
  users?: {
    /**
     * A user principal name such as adele@contoso.example.
     */
    upn: string;
    /**
     * A bearer token of at least 8 printable ASCII characters without spaces.
     */
    token?: string;
    displayName?: string;
  }[];
  /**
   * Host patterns allowed as notification_url hosts; replaces the profile's list. '*.example.com' matches any subdomain of example.com, not example.com itself.
   *
   * Items: A host (hooks.example.test) or a wildcard for its subdomains (*.logic.azure.com).
   */
  allowlist?: string[];
  businesses: SeedBusiness[];
}
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "Business".
 */
export interface SeedBusiness {
  /**
   * An SMTP address such as lunch@contoso.example (also the business's Graph id).
   */
  email: string;
  displayName: string;
  /**
   * The business's time zone, a Windows name (Pacific Standard Time) or an IANA one (America/Los_Angeles); business hours are read in it. Default UTC.
   */
  timeZone?: string;
  /**
   * @maxItems 100
   */
  staff?: SeedStaffMember[];
  services?: SeedService[];
  /**
   * Graph's bookingWorkHours, one entry per day with its time slots in the business's time zone; a day left out is closed. Default Monday to Friday 08:00 to 17:00.
   */
  businessHours?: BookingWorkHours[];
  customers?: SeedCustomer[];
  /**
   * Questions of the business that no service needs to ask; a service's own customQuestions join them.
   *
   * @maxItems 100
   */
  customQuestions?: SeedCustomQuestion[];
}
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "StaffMember".
 */
export interface SeedStaffMember {
  id: string;
  displayName: string;
  /**
   * An e-mail address such as adele@contoso.example.
   */
  emailAddress: string;
  role: StaffRole;
  /**
   * A Windows or IANA time zone name for workingHours; default the business's.
   */
  timeZone?: string;
  /**
   * Used for availability when useBusinessHours is false.
   */
  workingHours?: BookingWorkHours[];
  /**
   * Default true: the staff member is available in the business hours.
   */
  useBusinessHours?: boolean;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingWorkHours".
 */
export interface BookingWorkHours {
  '@odata.type'?: string;
  day: DayOfWeek;
  timeSlots?: BookingWorkTimeSlot[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingWorkTimeSlot".
 */
export interface BookingWorkTimeSlot {
  '@odata.type'?: string;
  startTime: TimeOfDay;
  endTime: TimeOfDay;
}
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "Service".
 */
export interface SeedService {
  id: string;
  displayName: string;
  durationMinutes?: number;
  /**
   * Time blocked before each appointment; default 0.
   */
  preBufferMinutes?: number;
  /**
   * Time blocked after each appointment; default 0. The trigger's EndTime and Duration include it (policy buffers-in-times).
   */
  postBufferMinutes?: number;
  /**
   * Default 0.
   */
  price?: number;
  priceType?: BookingPriceType;
  /**
   * 1 makes 1:1 appointments; more makes group appointments.
   */
  maxAttendees?: number;
  notes?: string;
  /**
   * Staff assigned by default; the first staff member when omitted.
   */
  staffMemberIds?: string[];
  /**
   * Online services get a JoinWebURL.
   */
  isOnline?: boolean;
  smsNotificationsEnabled?: boolean;
  /**
   * @maxItems 100
   */
  customQuestions?: SeedCustomQuestion[];
}
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "CustomQuestion".
 */
export interface SeedCustomQuestion {
  id: string;
  question: string;
  /**
   * Non-empty for a choice question.
   */
  answerOptions?: string[];
  isRequired?: boolean;
}
/**
 * This interface was referenced by `Seed`'s JSON-Schema
 * via the `definition` "Customer".
 */
export interface SeedCustomer {
  /**
   * Default: a GUID made from the business and the e-mail address, the same on every start.
   */
  id?: string;
  displayName: string;
  /**
   * An e-mail address such as jordan@example.com.
   */
  emailAddress: string;
  phone?: string;
}
/**
 * The built-in inbox `inbox` answers the next `count` (default 1) deliveries with `status`; it records only what it accepts with a 2xx.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "InboxFault".
 */
export interface InboxFault {
  target: 'inbox';
  inbox: string;
  status: number;
  count?: number;
  retryAfterSeconds?: number;
  /**
   * Each delivery is hit with this probability (seeded).
   */
  probability?: number;
}
/**
 * Tamper with the emulator's own deliveries: drop (never sent, not retried), duplicate (sent twice with the same delivery id), delay (first attempt `delayMs` later on the clock), reorder (held until the flow's next delivery has gone, at most `delayMs`, default 60 s), truncate (half the body is sent), stall (the attempt times out without an answer and is retried).
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "DeliveryFault".
 */
export interface DeliveryFault {
  target: 'delivery';
  action: 'drop' | 'duplicate' | 'delay' | 'reorder' | 'truncate' | 'stall';
  /**
   * Only deliveries to this subscription.
   */
  webhookId?: string;
  /**
   * Only deliveries of this mailbox.
   */
  mailbox?: string;
  delayMs?: number;
  count?: number;
  probability?: number;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "ActiveFault".
 */
export interface ActiveFault {
  fault: Fault;
  remaining: number;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "FaultList".
 */
export interface FaultList {
  faults: ActiveFault[];
}
/**
 * Send again: to the original URL or `url` (which must be allowlisted), keeping the delivery id (attempts go on) or, with `renewId`, as a new delivery.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "RedeliverRequest".
 */
export interface RedeliverRequest {
  url?: string;
  renewId?: boolean;
}
/**
 * Redeliver every delivery the filter selects (all of them when it is empty).
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "RedeliverManyRequest".
 */
export interface RedeliverManyRequest {
  filter?: DeliveryFilter;
  url?: string;
  renewId?: boolean;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "DeliveryFilter".
 */
export interface DeliveryFilter {
  webhookId?: string;
  mailbox?: string;
  status?: DeliveryStatus;
  appointmentId?: string;
}
/**
 * The seeded businesses with their staff and services (no user tokens).
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "BusinessList".
 */
export interface BusinessList {
  businesses: SeedBusiness[];
  /**
   * Flows allowed per mailbox.
   */
  webhookLimit: number;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "Info".
 */
export interface Info {
  version: string;
  /**
   * How the emulator reaches itself (for inbox URLs a flow subscribes): its own listening port on loopback, which differs from the URL a client uses when it runs in a container.
   */
  selfUrl: string;
  /**
   * The --retain-deliveries limit in force: the journal keeps at most this many deliveries (never evicting a pending or retrying one) and each built-in inbox its newest this many messages. Absent when retention is off (everything is kept).
   */
  retainDeliveries?: number;
}
/**
 * Body of POST /_emulator/businesses/{mailbox}/book: a customer books on the business's public booking page (no staff token). The appointment gets a SelfServiceAppointmentId of its own and carries trackingData.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "SelfServiceBooking".
 */
export interface SelfServiceBooking {
  /**
   * The id of a service of the business.
   */
  service: string;
  /**
   * The start, an ISO 8601 instant such as 2026-06-24T16:30:00Z. The service's duration gives the end.
   */
  start: string;
  /**
   * The end, when not the service's duration after the start.
   */
  end?: string;
  customer: SelfServiceCustomer;
  answers?: QuestionAnswers;
  /**
   * Staff ids the customer picked; the service's default staff when absent.
   *
   * @maxItems 100
   */
  staff?: string[];
  /**
   * The appointment's additional information.
   */
  notes?: string;
  /**
   * Whether the customer asked for SMS notifications.
   */
  sms?: boolean;
  /**
   * Campaign data from the booking page link; the trigger sends it as TrackingData.
   */
  trackingData?: string;
}
/**
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "SelfServiceCustomer".
 */
export interface SelfServiceCustomer {
  name: string;
  /**
   * An e-mail address such as jordan@example.com.
   */
  email: string;
  phone?: string;
  /**
   * The customer's notes (CustomerNotes in the trigger).
   */
  notes?: string;
  timeZone?: string;
  location?: GraphLocation;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "location".
 */
export interface GraphLocation {
  '@odata.type'?: string;
  displayName?: string;
  address?: GraphPhysicalAddress;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "physicalAddress".
 */
export interface GraphPhysicalAddress {
  '@odata.type'?: string;
  street?: string;
  city?: string;
  state?: string;
  countryOrRegion?: string;
  postalCode?: string;
}
/**
 * Answers by question id: text for a text question, an option or a list of options for a choice question.
 *
 * This interface was referenced by `ControlAPI`'s JSON-Schema
 * via the `definition` "QuestionAnswers".
 */
export interface QuestionAnswers {
  [k: string]: string | string[];
}
/**
 * Every error the emulator answers with (docs/contract.md (Rules), policy: the real bodies are undocumented). code is stable and machine-readable; message says what to do next; target, when present, is the JSON pointer or header of the failing input.
 */
export interface ErrorResponse {
  error: {
    code: ErrorCode;
    message: string;
    target?: string;
    /**
     * Graph's routes (/v1.0/...) add what Graph adds: when and which request.
     */
    innerError?: {
      date?: string;
      'request-id'?: string;
      'client-request-id'?: string;
    };
  };
}
/**
 * The camelCase Graph shapes (docs/contract.md, source [E]) that the emulator's Graph-shaped actions read and write, so that a real Graph client works against it. Properties Graph has but the emulator does not model are accepted and ignored, as a real client may send them; the ones it models are type-checked.
 */
export interface GraphBookingShapes {
  [k: string]: unknown;
}
/**
 * An appointment as the emulator keeps it: every property of Graph's v1.0 bookingAppointment (source [E]), none of them null. readOnly marks what the service computes or assigns; a client's value for it is ignored, as Graph ignores it.
 *
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingAppointment".
 */
export interface BookingAppointment {
  '@odata.type'?: string;
  id?: string;
  /**
   * Assigned by the service: a customer's own booking carries its own id; Graph shows the all-zero GUID for one made through Graph.
   */
  selfServiceAppointmentId?: string;
  serviceId?: string;
  serviceName?: string;
  serviceNotes?: string;
  serviceLocation?: GraphLocation;
  startDateTime?: DateTimeTimeZone;
  endDateTime?: DateTimeTimeZone;
  /**
   * An ISO 8601 duration such as PT30M: from startDateTime to endDateTime.
   */
  duration?: string;
  preBuffer?: IsoDuration;
  postBuffer?: IsoDuration;
  price?: number;
  priceType?: BookingPriceType;
  additionalInformation?: string;
  appointmentLabel?: string;
  customerTimeZone?: string;
  customerEmailAddress?: string;
  customerName?: string;
  customerNotes?: string;
  customerPhone?: string;
  customers?: Customers;
  staffMemberIds?: StaffMemberIds;
  /**
   * How many customers the appointment holds.
   */
  filledAttendeesCount?: number;
  maximumAttendeesCount?: number;
  isCustomerAllowedToManageBooking?: boolean;
  isLocationOnline?: boolean;
  joinWebUrl?: string;
  anonymousJoinWebUrl?: string;
  optOutOfCustomerEmail?: boolean;
  smsNotificationsEnabled?: boolean;
  reminders?: Reminders;
  createdDateTime?: string;
  lastUpdatedDateTime?: string;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "dateTimeTimeZone".
 */
export interface DateTimeTimeZone {
  '@odata.type'?: string;
  dateTime: string;
  /**
   * UTC, a Windows zone name (Pacific Standard Time) or an IANA one (America/Los_Angeles); policy graph-time-zones says which.
   */
  timeZone?: string;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingCustomerInformation".
 */
export interface BookingCustomerInformation {
  '@odata.type'?: string;
  customerId?: string;
  name?: string;
  emailAddress?: string;
  phone?: string;
  notes?: string;
  timeZone?: string;
  location?: GraphLocation;
  /**
   * @maxItems 100
   */
  customQuestionAnswers?: BookingQuestionAnswer[];
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingQuestionAnswer".
 */
export interface BookingQuestionAnswer {
  questionId: string;
  question?: string;
  answerInputType?: 'text' | 'radioButton' | 'unknownFutureValue';
  answerOptions?: string[];
  isRequired?: boolean;
  answer?: string;
  selectedOptions?: string[];
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingReminder".
 */
export interface BookingReminder {
  message?: string;
  offset?: IsoDuration;
  recipients?: 'allAttendees' | 'staff' | 'customer' | 'unknownFutureValue';
}
/**
 * An appointment as Graph reads and writes it (source [E]): each property of bookingAppointment, or null where Graph's v1.0 metadata declares it nullable. Graph's answers carry every property, with null for no value; in a request, null means no value. @odata.context says where an answer comes from and is ignored in a request.
 *
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "graphBookingAppointment".
 */
export interface GraphBookingAppointment {
  '@odata.context'?: string;
  '@odata.type'?: string;
  id?: string;
  selfServiceAppointmentId?: string | null;
  serviceId?: string | null;
  serviceName?: string;
  serviceNotes?: string | null;
  serviceLocation?: GraphLocation | null;
  startDateTime?: DateTimeTimeZone;
  endDateTime?: DateTimeTimeZone;
  /**
   * An ISO 8601 duration such as PT30M: from startDateTime to endDateTime.
   */
  duration?: string;
  preBuffer?: IsoDuration;
  postBuffer?: IsoDuration;
  price?: number;
  priceType?: BookingPriceType;
  additionalInformation?: string | null;
  appointmentLabel?: string | null;
  customerTimeZone?: string | null;
  customerEmailAddress?: string | null;
  customerName?: string | null;
  customerNotes?: string | null;
  customerPhone?: string | null;
  customers?: Customers;
  staffMemberIds?: StaffMemberIds;
  /**
   * How many customers the appointment holds.
   */
  filledAttendeesCount?: number;
  maximumAttendeesCount?: number;
  isCustomerAllowedToManageBooking?: boolean | null;
  isLocationOnline?: boolean;
  joinWebUrl?: string | null;
  anonymousJoinWebUrl?: string | null;
  optOutOfCustomerEmail?: boolean;
  smsNotificationsEnabled?: boolean;
  reminders?: Reminders;
  createdDateTime?: string | null;
  lastUpdatedDateTime?: string | null;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "bookingAppointmentCollection".
 */
export interface BookingAppointmentCollection {
  '@odata.context'?: string;
  value: GraphBookingAppointment[];
  /**
   * With $count=true: how many match the filter, across all pages.
   */
  '@odata.count'?: number;
  /**
   * The next page's URL, while there is one.
   */
  '@odata.nextLink'?: string;
}
/**
 * This interface was referenced by `GraphBookingShapes`'s JSON-Schema
 * via the `definition` "cancelRequest".
 */
export interface CancelRequest {
  cancellationMessage: string;
}
/**
 * The camelCase shapes of Graph v1.0's Bookings resources beside appointments (businesses, services, staff members, customers, custom questions, staff availability), from Graph's v1.0 description (docs/contract.md, source [E]). Graph's answers carry every property, null where there is no value; in a request null means no value, readOnly properties are ignored, and so are properties Graph does not have.
 */
export interface GraphBookingsResources {
  [k: string]: unknown;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingSchedulingPolicy".
 */
export interface BookingSchedulingPolicy {
  '@odata.type'?: string;
  timeSlotInterval?: IsoDuration | null;
  minimumLeadTime?: IsoDuration | null;
  maximumAdvance?: IsoDuration | null;
  sendConfirmationsToOwner?: boolean | null;
  allowStaffSelection?: boolean | null;
  isMeetingInviteToCustomersEnabled?: boolean | null;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingQuestionAssignment".
 */
export interface BookingQuestionAssignment {
  '@odata.type'?: string;
  questionId: string;
  isRequired?: boolean;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "phone".
 */
export interface Phone {
  '@odata.type'?: string;
  number?: string | null;
  type?:
    | 'home'
    | 'business'
    | 'mobile'
    | 'other'
    | 'assistant'
    | 'homeFax'
    | 'businessFax'
    | 'otherFax'
    | 'pager'
    | 'radio'
    | null;
}
/**
 * A Bookings business as Graph reads and writes it. Its id is its SMTP address.
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingBusiness".
 */
export interface BookingBusiness {
  '@odata.type'?: string;
  '@odata.context'?: string;
  id?: string | null;
  displayName?: string | null;
  businessType?: string | null;
  email?: string | null;
  phone?: string | null;
  webSiteUrl?: string | null;
  defaultCurrencyIso?: string | null;
  languageTag?: string | null;
  isPublished?: boolean | null;
  publicUrl?: string | null;
  address?: GraphPhysicalAddress | null;
  businessHours?: BookingWorkHours[] | null;
  schedulingPolicy?: BookingSchedulingPolicy | null;
  /**
   * The business's time zone, a Windows or IANA name: business hours are read in it. Graph keeps this in the mailbox's settings; the emulator shows it here.
   */
  timeZone?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  createdDateTime?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  lastUpdatedDateTime?: string | null;
}
/**
 * A service a business offers, as Graph reads and writes it.
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingService".
 */
export interface BookingService {
  '@odata.type'?: string;
  '@odata.context'?: string;
  id?: string | null;
  displayName?: string | null;
  description?: string | null;
  notes?: string | null;
  additionalInformation?: string | null;
  defaultDuration?: IsoDuration | null;
  preBuffer?: IsoDuration | null;
  postBuffer?: IsoDuration | null;
  defaultPrice?: number | null;
  defaultPriceType?: BookingPriceType | null;
  defaultLocation?: GraphLocation | null;
  defaultReminders?: BookingReminder[] | null;
  isHiddenFromCustomers?: boolean | null;
  isLocationOnline?: boolean | null;
  smsNotificationsEnabled?: boolean | null;
  isAnonymousJoinEnabled?: boolean | null;
  isCustomerAllowedToManageBooking?: boolean | null;
  languageTag?: string | null;
  maximumAttendeesCount?: number | null;
  staffMemberIds?: string[] | null;
  customQuestions?: BookingQuestionAssignment[] | null;
  schedulingPolicy?: BookingSchedulingPolicy | null;
  webUrl?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  createdDateTime?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  lastUpdatedDateTime?: string | null;
}
/**
 * A staff member of a business, as Graph reads and writes it.
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingStaffMember".
 */
export interface BookingStaffMember {
  '@odata.type'?: string;
  '@odata.context'?: string;
  id?: string | null;
  displayName?: string | null;
  emailAddress?: string | null;
  role?: StaffRole1 | null;
  timeZone?: string | null;
  useBusinessHours?: boolean | null;
  workingHours?: BookingWorkHours[] | null;
  availabilityIsAffectedByPersonalCalendar?: boolean | null;
  isEmailNotificationEnabled?: boolean | null;
  colorIndex?: number | null;
  membershipStatus?: 'active' | 'pendingAcceptance' | 'rejectedByStaff' | 'unknownFutureValue' | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  createdDateTime?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  lastUpdatedDateTime?: string | null;
}
/**
 * A customer of a business, as Graph reads and writes it.
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingCustomer".
 */
export interface BookingCustomer {
  '@odata.type'?: string;
  '@odata.context'?: string;
  id?: string | null;
  displayName?: string | null;
  emailAddress?: string | null;
  addresses?: GraphPhysicalAddress[] | null;
  phones?: Phone[] | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  createdDateTime?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  lastUpdatedDateTime?: string | null;
}
/**
 * A question a business can ask its customers; services assign it and say whether it is required.
 *
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingCustomQuestion".
 */
export interface BookingCustomQuestion {
  '@odata.type'?: string;
  '@odata.context'?: string;
  id?: string | null;
  displayName?: string | null;
  answerInputType?: AnswerInputType | null;
  answerOptions?: string[] | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  createdDateTime?: string | null;
  /**
   * When the service created or last changed it (UTC, ISO 8601).
   */
  lastUpdatedDateTime?: string | null;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingBusinessCollection".
 */
export interface BookingBusinessCollection {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: BookingBusiness[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingServiceCollection".
 */
export interface BookingServiceCollection {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: BookingService[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingStaffMemberCollection".
 */
export interface BookingStaffMemberCollection {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: BookingStaffMember[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingCustomerCollection".
 */
export interface BookingCustomerCollection {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: BookingCustomer[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "bookingCustomQuestionCollection".
 */
export interface BookingCustomQuestionCollection {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: BookingCustomQuestion[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "getStaffAvailabilityRequest".
 */
export interface GetStaffAvailabilityRequest {
  /**
   * @maxItems 100
   */
  staffIds: string[];
  startDateTime: DateTimeTimeZone;
  endDateTime: DateTimeTimeZone;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "availabilityItem".
 */
export interface AvailabilityItem {
  status: 'available' | 'busy' | 'slotsAvailable' | 'outOfOffice' | 'unknownFutureValue';
  startDateTime: DateTimeTimeZone;
  endDateTime: DateTimeTimeZone;
  serviceId?: string | null;
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "staffAvailabilityItem".
 */
export interface StaffAvailabilityItem {
  staffId: string;
  availabilityItems: AvailabilityItem[];
}
/**
 * This interface was referenced by `GraphBookingsResources`'s JSON-Schema
 * via the `definition` "staffAvailabilityCollection".
 */
export interface StaffAvailabilityCollection {
  '@odata.context'?: string;
  value: StaffAvailabilityItem[];
}
/**
 * The Bookings mailboxes where the caller is an administrator (ListBookingsBusinessUserAsAdmin, source [A]).
 */
export interface ListMailboxResponse {
  mailboxes: {
    displayName?: string;
    email?: string;
  }[];
}
/**
 * A scripted run against the emulator: flows subscribe, appointments change, expectations check what each flow received. Strings in steps may use ${name} variables (from vars or a repeat), ${fake:name|email|phone|word|sentence|uuid} (seeded by --seed) and, for times, +30m relative to the scenario clock.
 */
export interface Scenario {
  name: string;
  description?: string;
  /**
   * A seed file path (relative to the scenario file) or an inline seed. Default: the built-in demo seed.
   */
  seed?: string | Seed;
  clock?: {
    /**
     * Virtual clock start; default 2026-01-05T08:00:00Z.
     */
    start?: string;
  };
  profile?: 'default' | 'strict';
  policies?: Policies;
  quirks?: Quirks;
  retryPolicy?: string;
  webhookLimit?: number;
  vars?: {
    [k: string]: string | number | boolean;
  };
  /**
   * Services outside the emulator the scenario needs (a flow, a downstream stand-in): run checks that each listens before the scenario starts, and skips the scenario with the reason when one does not.
   */
  needs?: Need[];
  flows?: Flow[];
  steps: Steps;
}
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Need".
 */
export interface Need {
  /**
   * What the service is, as the skip reason names it: start the NAME.
   */
  name: string;
  /**
   * Where it listens: an http(s) URL on loopback, usually a variable such as ${crm}, so run --var moves it.
   */
  url: string;
  /**
   * The command that starts it, shown in the skip reason.
   */
  start?: string;
}
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Step".
 */
export interface Step {
  subscribe?: {
    flow: Name;
    expect?: CallExpectation;
  };
  unsubscribe?: {
    flow: Name;
    expect?: CallExpectation;
  };
  create?: Create;
  book?: Book;
  update?: Update;
  cancel?: {
    ref: Name;
    reason?: string;
    expect?: CallExpectation;
  };
  delete?: {
    ref: Name;
    expect?: CallExpectation;
  };
  addCustomer?: AddCustomer;
  addStaff?: AddStaff;
  advance?: {
    by?: Duration;
    to?: Time;
  };
  fault?: Fault;
  expect?: Expectation;
  http?: HttpStep;
  repeat?: {
    times: number;
    /**
     * A variable name (letters, digits, _): the 0-based index; default i.
     */
    var?: string;
    steps: Steps;
  };
}
/**
 * What the call itself must answer; without it any 2xx passes and any error fails the step.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "CallExpectation".
 */
export interface CallExpectation {
  status?: number;
  code?: ErrorCode;
}
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "AppointmentFields".
 */
export interface AppointmentFields {
  ref?: Name;
  mailbox?: string;
  service?: string;
  start?: Time;
  end?: Time;
  customer?: Customer;
  customers?: Customer[];
  /**
   * The appointment's staff (staffMemberIds): each a ref of an earlier addStaff step, or a staff member's id.
   */
  staff?: string[];
  /**
   * The appointment's additional information.
   */
  notes?: string;
  sms?: boolean;
  expect?: CallExpectation;
}
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Customer".
 */
export interface Customer {
  ref?: Name;
  /**
   * Fill name, email and phone with seeded fake data.
   */
  fake?: boolean;
  name?: string;
  email?: string;
  phone?: string;
  notes?: string;
  timeZone?: string;
  location?: GraphLocation;
  answers?: QuestionAnswers;
}
/**
 * Saves a customer of the business through Graph (POST .../customers); ref names it for the customer of later create and book steps.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "AddCustomer".
 */
export interface AddCustomer {
  /**
   * The business (its SMTP address).
   */
  mailbox: string;
  ref?: Name;
  displayName: string;
  emailAddress: string;
  phone?: string;
  expect?: CallExpectation;
}
/**
 * Adds a staff member to the business through Graph (POST .../staffMembers); ref names it for the staff of later create steps. An administrator added this way may subscribe flows if the seed has them as a user.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "AddStaff".
 */
export interface AddStaff {
  /**
   * The business (its SMTP address).
   */
  mailbox: string;
  ref?: Name;
  /**
   * Another name for the staff member in later steps' staff, as a seed's staff id would be. Graph gives the real id (id is read-only in Graph); steps naming this one get it.
   */
  id?: string;
  displayName: string;
  emailAddress: string;
  role: StaffRole;
  expect?: CallExpectation;
}
/**
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "Expectation".
 */
export interface Expectation {
  flow: Name;
  ref?: Name;
  event?: Trigger;
  /**
   * How many deliveries the flow accepted (2xx).
   */
  count?: number;
  /**
   * How many deliveries failed for good.
   */
  failed?: number;
  /**
   * How many attempts were made in all.
   */
  attempts?: number;
  within?: Duration;
  /**
   * A partial AppointmentData the latest delivery must match.
   */
  payload?: {};
  /**
   * Fields (Name, Customers/0/Notes) that must not be in the latest delivery.
   */
  absent?: string[];
  /**
   * The receiver's answer to the latest attempt.
   */
  status?: number;
  /**
   * The deliveries in order, each named by its event (created, updated, cancelled) or its appointment ref.
   */
  order?: string[];
}
/**
 * Calls an HTTP URL outside the emulator on loopback (a flow's downstream side: a recording stand-in, an SMTP sink's API), or a path of the scenario's emulator; with expect, checks the answer, and with within, calls again until it holds.
 *
 * This interface was referenced by `Scenario`'s JSON-Schema
 * via the `definition` "HttpStep".
 */
export interface HttpStep {
  /**
   * Default GET.
   */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * A loopback URL (http://127.0.0.1:PORT/..., localhost or [::1]), or a path such as /_emulator/deliveries/redeliver that goes to the scenario's emulator.
   */
  url: string;
  /**
   * Sent as JSON.
   */
  body?: {
    [k: string]: unknown;
  };
  /**
   * What the answer must be; without it any 2xx passes.
   */
  expect?: {
    status?: number;
    /**
     * A partial JSON document the answer's body must match: objects may hold more keys, arrays must match in length.
     */
    json?: {
      [k: string]: unknown;
    };
  };
  within?: Duration;
}
/**
 * Body of the three trigger subscribe operations and of the backend form POST .../webhook/ (docs/contract.md (Operations), source [A]). All fields are required and snake_case.
 */
export interface SubscribeRequest {
  webhook: {
    /**
     * The flow's callback URL; every matching appointment change is POSTed there as AppointmentData.
     */
    notification_url: string;
    resource: 'Appointments';
    /**
     * @minItems 1
     */
    change_type: [ChangeType, ...ChangeType[]];
  };
}
/**
 * Body of a successful CreateAppointment subscription (200). Update and Cancel answer 201 with no body (source [A]).
 */
export interface WebhookResponse {
  /**
   * Opaque id (a GUID, policy).
   */
  webhookId: string;
}
