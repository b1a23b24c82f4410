import type { AppointmentData, CustomQuestion } from 'bookings-emulator';

/** One customer of an appointment, whether it came as a 1:1 or a group booking. */
export interface BookedCustomer {
  name: string;
  email: string;
  phone?: string;
  answers: CustomQuestion[];
}

/**
 * Every customer of the appointment. Group bookings list them only in `Customers`; 1:1 bookings
 * fill the top-level `Customer*` fields (and, from this emulator, `Customers` too), so a flow that
 * reads only one of the two misses customers on the other kind of booking.
 */
export function customersOf(appointment: AppointmentData): BookedCustomer[] {
  const listed = (appointment.Customers ?? [])
    .filter((customer) => customer.Email)
    .map((customer) => ({
      name: customer.Name ?? '',
      email: customer.Email ?? '',
      answers: customer.Answers ?? [],
    }));
  if (listed.length > 0) {
    // The group payload has no phone per customer; a 1:1 payload has it at the top.
    return listed.map((customer) =>
      appointment.CustomerPhone && customer.email === appointment.CustomerEmail
        ? { ...customer, phone: appointment.CustomerPhone }
        : customer,
    );
  }
  if (!appointment.CustomerEmail) return [];
  return [
    {
      name: appointment.CustomerName ?? '',
      email: appointment.CustomerEmail,
      ...(appointment.CustomerPhone ? { phone: appointment.CustomerPhone } : {}),
      answers: appointment.CustomQuestionAnswers ?? [],
    },
  ];
}

const zeroGuid = '00000000-0000-0000-0000-000000000000';

/**
 * The appointment id: `SelfServiceAppointmentId` (the connector deprecates `Id` in its favour),
 * but `Id` when that is missing or the all-zero GUID Graph shows for bookings made by staff: no
 * source says which the trigger sends for those (policy self-service-id).
 */
export function appointmentIdOf(appointment: AppointmentData): string {
  const selfService = appointment.SelfServiceAppointmentId;
  const id = selfService && selfService !== zeroGuid ? selfService : appointment.Id;
  if (!id) throw new Error('the payload carries neither SelfServiceAppointmentId nor Id');
  return id;
}

/**
 * The answer as text. Choice questions usually carry no `Answer`, only `SelectedOptions` (indexes
 * into `AnswerOptions`): the choice-answer-missing quirk.
 */
export function answerText(question: CustomQuestion): string {
  if (question.Answer) return question.Answer;
  const options = question.AnswerOptions ?? [];
  return (question.SelectedOptions ?? []).map((index) => options[index] ?? `#${index}`).join(', ');
}

const invariantForm = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/;

/**
 * A trigger time as a Date. Its text form is undocumented: the one real run shows .NET's
 * invariant culture (`06/24/2026 16:30:00`, UTC), and ISO 8601 is as plausible, so both are read,
 * and always as UTC (Date.parse would read the invariant form in the machine's own zone).
 */
function triggerTime(text: string | undefined): Date {
  const invariant = invariantForm.exec(text ?? '');
  const epoch = invariant
    ? Date.UTC(
        Number(invariant[3]),
        Number(invariant[1]) - 1,
        Number(invariant[2]),
        Number(invariant[4]),
        Number(invariant[5]),
        Number(invariant[6]),
      )
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text ?? '')
      ? Date.parse(text ?? '')
      : Number.NaN;
  if (Number.isNaN(epoch)) throw new Error(`"${text}" is not a trigger time`);
  return new Date(epoch);
}

/** `StartTime` as a Date. With buffers, it may be the start of the calendar block, not of the booking. */
export function startOf(appointment: AppointmentData): Date {
  return triggerTime(appointment.StartTime);
}

/**
 * The length in minutes. `Duration` is seconds, and like `EndTime` it includes the service's
 * buffers (the real run: 2400 for a 30-minute call with a 10-minute post-buffer); the gap between
 * `StartTime` and `EndTime` when it is missing.
 */
export function minutesOf(appointment: AppointmentData): number {
  if (appointment.Duration !== undefined && appointment.Duration > 0)
    return Math.round(appointment.Duration / 60);
  const minutes = Math.round(
    (triggerTime(appointment.EndTime).getTime() - startOf(appointment).getTime()) / 60_000,
  );
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 30;
}
