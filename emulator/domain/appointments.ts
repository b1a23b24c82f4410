import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type {
  BookingAppointment,
  BookingCustomerInformation,
  BookingQuestionAnswer,
  ChangeType,
  Policies,
  SeedBusiness,
  SeedService,
} from '../generated/schema-types.js';
import { blockedInterval, busyStaff, isWithinBusinessHours } from './businesses/availability.js';
import type { Directory } from './directory.js';
import {
  graphInstant,
  isoDurationToMs,
  minutesToIsoDuration,
  parseGraphDateTime,
  toGraphUtc,
} from './graph-time.js';
import type { AppointmentRecord, AppointmentStore } from './store.js';
import { type TimeZonePolicy, type TimeZones, timeZonesFor } from './time-zones.js';

/** Graph shows this self-service id for appointments made through Graph (source [E]). */
export const zeroGuid = '00000000-0000-0000-0000-000000000000';

/** A Teams meeting link of the form Graph returns: a meeting thread in the path, the tenant in `context`. */
function teamsJoinUrl(appointmentId: string): string {
  const thread = encodeURIComponent(`19:meeting_${appointmentId.replaceAll('-', '')}@thread.v2`);
  const context = encodeURIComponent(JSON.stringify({ Tid: zeroGuid, Oid: appointmentId }));
  return `https://teams.microsoft.com/l/meetup-join/${thread}/0?context=${context}`;
}

/** A booking a customer makes on the public booking page, which Graph cannot make. */
export interface SelfServiceBooking {
  trackingData?: string;
}

export interface AppointmentChange {
  changeType: ChangeType;
  business: SeedBusiness;
  record: AppointmentRecord;
  cancellationMessage?: string;
}

export interface AppointmentServiceDeps {
  directory: Directory;
  store: AppointmentStore;
  clock: Clock;
  ids: IdGenerator;
  /** Whether an update that moves an appointment gives it a new id (quirk reschedule-new-id). */
  rescheduleGivesNewId: () => boolean;
  /** Graph's booking rules as the policies set them now; absent, {@link lenientRules}. */
  rules?: () => GraphBookingRules;
  onChange: (change: AppointmentChange) => void;
  /** Runs the write of a change and its notification as one unit (Store.atomically); default: as is. */
  atomically?: <T>(change: () => T) => T;
}

/** Graph's booking rules as the policies graph-* set them at the time of a request. */
export interface GraphBookingRules {
  requiredAnswers: Required<Policies>['graph-required-answers'];
  outsideBusinessHours: Required<Policies>['graph-outside-business-hours'];
  staffBusy: Required<Policies>['graph-staff-busy'];
  timeZones: TimeZonePolicy;
}

/** What applies without a `rules` dependency: Graph's lenient side, so no booking rule refuses. */
export const lenientRules: GraphBookingRules = {
  requiredAnswers: 'ignore',
  outsideBusinessHours: 'accept',
  staffBusy: 'accept',
  timeZones: 'windows-and-iana',
};

/** Which of Graph's booking rules a change calls for. */
interface RuleChecks {
  answers: boolean;
  times: boolean;
  ignoreAppointmentId?: string;
}

const defaultDurationMinutes = 30;

/**
 * Creates, updates, cancels and deletes appointments the way Graph does (source [E]), and reports
 * every change so the triggers fire. Input has passed the Graph schema; the rules here are the ones
 * that need the seed (services, staff, questions) or arithmetic (times).
 */
export class AppointmentService {
  constructor(private readonly deps: AppointmentServiceDeps) {}

  business(businessId: string): SeedBusiness {
    const business = this.deps.directory.business(businessId);
    if (!business) throw errors.mailboxNotFound(businessId);
    return business;
  }

  list(businessId: string): AppointmentRecord[] {
    return this.deps.store.listByBusiness(this.business(businessId).email);
  }

  get(businessId: string, appointmentId: string): AppointmentRecord {
    const business = this.business(businessId);
    const record = this.deps.store.get(business.email, appointmentId);
    if (!record) throw errors.appointmentNotFound(appointmentId, business.email);
    return record;
  }

  /** Staff book through Graph; with `selfService`, a customer books on the public page. */
  create(businessId: string, input: BookingAppointment, selfService?: SelfServiceBooking): AppointmentRecord {
    const business = this.business(businessId);
    const rules = this.rules();
    const id = this.deps.ids.uuid();
    const selfServiceId = this.deps.ids.uuid();
    const now = toGraphUtc(this.deps.clock.now()).dateTime;
    const appointment = this.normalise(
      business,
      { ...input, id },
      {
        createdDateTime: now,
        lastUpdatedDateTime: now,
        selfServiceAppointmentId: selfService ? selfServiceId : zeroGuid,
      },
      timeZonesFor(rules.timeZones),
    );
    // The booking page asks its own questions and books only free times (routes/self-service.ts).
    const busy = selfService
      ? []
      : this.checkRules(business, appointment, rules, { answers: true, times: true });
    const record: AppointmentRecord = {
      businessEmail: business.email,
      appointment,
      bookedBy: selfService ? 'customer' : 'staff',
      selfServiceId,
    };
    if (selfService?.trackingData !== undefined) record.trackingData = selfService.trackingData;
    this.commit(() => {
      this.deps.store.insert(record);
      this.deps.onChange({ changeType: 'Created', business, record });
    });
    this.failAfterChange(busy, appointment);
    return record;
  }

  update(businessId: string, appointmentId: string, patch: BookingAppointment): AppointmentRecord {
    const existing = this.get(businessId, appointmentId);
    const business = this.business(businessId);
    const rules = this.rules();
    const zones = timeZonesFor(rules.timeZones);
    const previous = existing.appointment;
    const merged: BookingAppointment & { id: string } = { ...previous, ...patch, id: previous.id };
    // A new service brings its own name, notes, capacity, buffers, price and duration unless the patch sets them.
    if (patch.serviceId !== undefined && patch.serviceId !== previous.serviceId) {
      const fromService = [
        'serviceName',
        'serviceNotes',
        'maximumAttendeesCount',
        'preBuffer',
        'postBuffer',
        'price',
        'priceType',
        'isLocationOnline',
        'joinWebUrl',
      ] as const;
      for (const key of fromService) {
        if (patch[key] === undefined) delete merged[key];
      }
      if (patch.endDateTime === undefined) delete merged.endDateTime;
    }
    if (patch.startDateTime !== undefined && patch.endDateTime === undefined) {
      // Moving the start keeps the length of the appointment.
      const oldStart = parseGraphDateTime(previous.startDateTime ?? { dateTime: '' });
      const oldEnd = parseGraphDateTime(previous.endDateTime ?? { dateTime: '' });
      const newStart = parseGraphDateTime(patch.startDateTime, zones);
      if (oldStart.ok && oldEnd.ok && newStart.ok) {
        merged.endDateTime = toGraphUtc(newStart.epochMs + (oldEnd.epochMs - oldStart.epochMs));
      }
    }
    const normalised = this.normalise(
      business,
      merged,
      {
        createdDateTime: previous.createdDateTime,
        lastUpdatedDateTime: toGraphUtc(this.deps.clock.now()).dateTime,
        selfServiceAppointmentId: previous.selfServiceAppointmentId ?? zeroGuid,
      },
      zones,
    );
    const moved =
      normalised.startDateTime?.dateTime !== previous.startDateTime?.dateTime ||
      normalised.endDateTime?.dateTime !== previous.endDateTime?.dateTime;
    const restaffed =
      JSON.stringify(normalised.staffMemberIds ?? []) !== JSON.stringify(previous.staffMemberIds ?? []);
    const busy = this.checkRules(business, normalised, rules, {
      // A reschedule does not ask the customers again; a change of customers or service does.
      answers: patch.customers !== undefined || normalised.serviceId !== previous.serviceId,
      times: moved || restaffed,
      ignoreAppointmentId: previous.id,
    });
    const record: AppointmentRecord = { ...existing, appointment: normalised };
    if (moved && this.deps.rescheduleGivesNewId()) {
      normalised.id = this.deps.ids.uuid();
      record.selfServiceId = this.deps.ids.uuid();
      if (record.bookedBy === 'customer') normalised.selfServiceAppointmentId = record.selfServiceId;
    }
    this.commit(() => {
      this.deps.store.replace(previous.id, record);
      this.deps.onChange({ changeType: 'Updated', business, record });
    });
    this.failAfterChange(busy, normalised);
    return record;
  }

  private rules(): GraphBookingRules {
    return this.deps.rules?.() ?? lenientRules;
  }

  /**
   * Graph's booking rules for an appointment made or changed through Graph, before anything is
   * stored: required answers (400), business hours (400), busy staff (500). Returns the busy
   * staff when graph-staff-busy=error-after-create, which fails only after the change is made.
   */
  private checkRules(
    business: SeedBusiness,
    appointment: BookingAppointment & { id: string },
    rules: GraphBookingRules,
    checks: RuleChecks,
  ): string[] {
    if (checks.answers && rules.requiredAnswers === 'enforce') {
      this.checkRequiredAnswers(this.service(business, appointment.serviceId), appointment);
    }
    // At their default (accept) the time rules cost nothing: no parsing, no scan of the calendar.
    const timeRules = rules.outsideBusinessHours !== 'accept' || rules.staffBusy !== 'accept';
    if (!checks.times || !timeRules) return [];
    const document = this.deps.directory.document(business.email);
    const booked = blockedInterval({ businessEmail: business.email, appointment });
    if (!document || !booked) return [];
    const startMs = booked.startMs + isoDurationToMs(appointment.preBuffer);
    const endMs = booked.endMs - isoDurationToMs(appointment.postBuffer);
    if (rules.outsideBusinessHours === 'refuse' && !isWithinBusinessHours(document, startMs, endMs)) {
      throw errors.outsideBusinessHours(this.when(appointment), business.email);
    }
    if (rules.staffBusy === 'accept') return [];
    const busy = busyStaff(
      document,
      this.deps.store.listByBusiness(business.email),
      appointment.staffMemberIds ?? [],
      booked.startMs,
      booked.endMs,
      checks.ignoreAppointmentId,
    );
    if (busy.length > 0 && rules.staffBusy === 'refuse') {
      throw errors.staffNotAvailable(busy[0] as string, this.when(appointment));
    }
    return busy;
  }

  /** graph-staff-busy=error-after-create: the change is made and reported, and then Graph answers 500. */
  private failAfterChange(busy: readonly string[], appointment: BookingAppointment): void {
    const [staffId] = busy;
    if (staffId !== undefined) throw errors.staffNotAvailable(staffId, this.when(appointment));
  }

  private when(appointment: BookingAppointment): string {
    return `${appointment.startDateTime?.dateTime} to ${appointment.endDateTime?.dateTime}`;
  }

  /** Every customer answers every required question of the service (text, or a selected option). */
  private checkRequiredAnswers(service: SeedService, appointment: BookingAppointment): void {
    const required = (service.customQuestions ?? []).filter((question) => question.isRequired);
    (appointment.customers ?? []).forEach((customer, index) => {
      for (const question of required) {
        const answer = customer.customQuestionAnswers?.find((given) => given.questionId === question.id);
        const answered = (answer?.selectedOptions ?? []).length > 0 || (answer?.answer ?? '').trim() !== '';
        if (!answered) {
          throw errors.invalidAppointment(
            `/customers/${index}/customQuestionAnswers`,
            `misses an answer to the required question ${question.id} (${question.question})`,
          );
        }
      }
    });
  }

  /** Graph's cancel action: the appointment goes away and the Cancelled triggers fire with the message. */
  cancel(businessId: string, appointmentId: string, cancellationMessage: string): void {
    this.removeAndNotify(businessId, appointmentId, cancellationMessage);
  }

  /** Graph's DELETE: the appointment goes away; the Cancelled triggers fire with no reason. */
  delete(businessId: string, appointmentId: string): void {
    this.removeAndNotify(businessId, appointmentId, undefined);
  }

  private removeAndNotify(
    businessId: string,
    appointmentId: string,
    cancellationMessage: string | undefined,
  ): void {
    const record = this.get(businessId, appointmentId);
    const business = this.business(businessId);
    this.commit(() => {
      this.deps.store.remove(business.email, appointmentId);
      this.deps.onChange({
        changeType: 'Deleted',
        business,
        record,
        ...(cancellationMessage === undefined ? {} : { cancellationMessage }),
      });
    });
  }

  /** The store's write and the deliveries it fires, kept together (a durable store: one transaction). */
  private commit(change: () => void): void {
    if (this.deps.atomically) this.deps.atomically(change);
    else change();
  }

  private service(business: SeedBusiness, serviceId: string | undefined): SeedService {
    const service = serviceId === undefined ? undefined : this.deps.directory.service(business, serviceId);
    if (!service) {
      throw errors.serviceNotFound(
        serviceId ?? '',
        business.email,
        (business.services ?? []).map((candidate) => candidate.id),
      );
    }
    return service;
  }

  private normalise(
    business: SeedBusiness,
    input: BookingAppointment & { id: string },
    stamps: { createdDateTime?: string; lastUpdatedDateTime?: string; selfServiceAppointmentId: string },
    zones: TimeZones,
  ): BookingAppointment & { id: string } {
    const service = this.service(business, input.serviceId);
    const start = {
      epochMs: graphInstant(
        input.startDateTime ?? { dateTime: '' },
        '/startDateTime',
        zones,
        errors.invalidAppointment,
      ),
    };
    let endMs = start.epochMs + (service.durationMinutes ?? defaultDurationMinutes) * 60_000;
    if (input.endDateTime) {
      endMs = graphInstant(input.endDateTime, '/endDateTime', zones, errors.invalidAppointment);
    }
    if (endMs <= start.epochMs)
      throw errors.invalidAppointment('/endDateTime', 'must be later than startDateTime');
    if ((endMs - start.epochMs) % 60_000 !== 0) {
      throw errors.invalidAppointment(
        '/endDateTime',
        'must be a whole number of minutes after startDateTime',
      );
    }
    const staffMemberIds =
      input.staffMemberIds ?? service.staffMemberIds ?? business.staff?.slice(0, 1).map((m) => m.id) ?? [];
    for (const staffId of staffMemberIds) {
      if (!this.deps.directory.staffMember(business, staffId)) {
        throw errors.staffMemberNotFound(
          staffId,
          business.email,
          (business.staff ?? []).map((member) => member.id),
        );
      }
    }
    const maximumAttendeesCount = input.maximumAttendeesCount ?? service.maxAttendees ?? 1;
    const customers = (input.customers ?? []).map((customer, index) =>
      this.normaliseCustomer(service, customer, `/customers/${index}`),
    );
    if (customers.length > maximumAttendeesCount) {
      throw errors.invalidAppointment(
        '/customers',
        `has ${customers.length} customers but ${service.id} takes at most ${maximumAttendeesCount}`,
      );
    }
    if (maximumAttendeesCount === 1 && customers.length !== 1) {
      throw errors.invalidAppointment(
        '/customers',
        `must hold exactly one customer for the 1:1 service ${service.id}`,
      );
    }
    const isLocationOnline = input.isLocationOnline ?? service.isOnline ?? false;
    const joinWebUrl = input.joinWebUrl ?? (isLocationOnline ? teamsJoinUrl(input.id) : undefined);
    const appointment: BookingAppointment & { id: string } = {
      ...input,
      id: input.id,
      serviceId: service.id,
      serviceName: input.serviceName ?? service.displayName,
      startDateTime: toGraphUtc(start.epochMs),
      endDateTime: toGraphUtc(endMs),
      duration: minutesToIsoDuration((endMs - start.epochMs) / 60_000),
      preBuffer: input.preBuffer ?? minutesToIsoDuration(service.preBufferMinutes ?? 0),
      postBuffer: input.postBuffer ?? minutesToIsoDuration(service.postBufferMinutes ?? 0),
      price: input.price ?? service.price ?? 0,
      priceType: input.priceType ?? service.priceType ?? 'notSet',
      staffMemberIds,
      customers,
      maximumAttendeesCount,
      filledAttendeesCount: customers.length,
      smsNotificationsEnabled: input.smsNotificationsEnabled ?? service.smsNotificationsEnabled ?? false,
      isLocationOnline,
      // Graph's defaults for what the seed does not model (source [E]).
      optOutOfCustomerEmail: input.optOutOfCustomerEmail ?? false,
      isCustomerAllowedToManageBooking: input.isCustomerAllowedToManageBooking ?? false,
      reminders: input.reminders ?? [],
      ...stamps,
    };
    const serviceNotes = input.serviceNotes ?? service.notes;
    if (serviceNotes !== undefined) appointment.serviceNotes = serviceNotes;
    if (joinWebUrl !== undefined) appointment.joinWebUrl = joinWebUrl;
    const customerTimeZone = input.customerTimeZone ?? customers[0]?.timeZone;
    if (customerTimeZone !== undefined) appointment.customerTimeZone = customerTimeZone;
    return appointment;
  }

  private normaliseCustomer(
    service: SeedService,
    customer: BookingCustomerInformation,
    pointer: string,
  ): BookingCustomerInformation {
    if (!customer.name?.trim()) throw errors.invalidAppointment(`${pointer}/name`, 'is required');
    if (!customer.emailAddress?.trim())
      throw errors.invalidAppointment(`${pointer}/emailAddress`, 'is required');
    const answers = (customer.customQuestionAnswers ?? []).map((answer, index) =>
      this.normaliseAnswer(service, answer, `${pointer}/customQuestionAnswers/${index}`),
    );
    return {
      ...customer,
      customerId: customer.customerId ?? this.deps.ids.uuid(),
      customQuestionAnswers: answers,
    };
  }

  /** Fills question text, options and required flag from the service's question (Graph returns them). */
  private normaliseAnswer(
    service: SeedService,
    answer: BookingQuestionAnswer,
    pointer: string,
  ): BookingQuestionAnswer {
    const question = service.customQuestions?.find((candidate) => candidate.id === answer.questionId);
    if (!question) {
      const known = (service.customQuestions ?? []).map((candidate) => candidate.id).join(', ') || '(none)';
      throw errors.invalidAppointment(
        `${pointer}/questionId`,
        `"${answer.questionId}" is not a question of ${service.id}; known: ${known}`,
      );
    }
    const options = question.answerOptions ?? [];
    const isChoice = options.length > 0;
    let selectedOptions = answer.selectedOptions ?? [];
    if (
      isChoice &&
      selectedOptions.length === 0 &&
      answer.answer !== undefined &&
      options.includes(answer.answer)
    ) {
      selectedOptions = [answer.answer];
    }
    selectedOptions.forEach((option, index) => {
      if (!options.includes(option)) {
        throw errors.invalidAppointment(
          `${pointer}/selectedOptions/${index}`,
          `"${option}" is not one of the options ${JSON.stringify(options)}`,
        );
      }
    });
    const normalised: BookingQuestionAnswer = {
      questionId: question.id,
      question: question.question,
      answerInputType: isChoice ? 'radioButton' : 'text',
      isRequired: question.isRequired ?? false,
    };
    if (isChoice) {
      normalised.answerOptions = [...options];
      normalised.selectedOptions = selectedOptions;
      normalised.answer = selectedOptions.join(', ');
    } else if (answer.answer !== undefined) {
      normalised.answer = answer.answer;
    }
    return normalised;
  }
}
