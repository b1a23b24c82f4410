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

/** The appointment id: `SelfServiceAppointmentId`, or the deprecated `Id` when only that came. */
export function appointmentIdOf(appointment: AppointmentData): string {
  const id = appointment.SelfServiceAppointmentId ?? appointment.Id;
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

/** `StartTime` as a Date; the format is undocumented, so anything Date.parse takes is accepted. */
export function startOf(appointment: AppointmentData): Date {
  const start = Date.parse(appointment.StartTime ?? '');
  if (Number.isNaN(start)) throw new Error(`StartTime "${appointment.StartTime}" is not a date`);
  return new Date(start);
}

/** The length in minutes: `Duration`, else the gap between `StartTime` and `EndTime`. */
export function minutesOf(appointment: AppointmentData): number {
  if (appointment.Duration !== undefined && appointment.Duration > 0) return appointment.Duration;
  const end = Date.parse(appointment.EndTime ?? '');
  const minutes = Math.round((end - startOf(appointment).getTime()) / 60_000);
  return Number.isFinite(minutes) && minutes > 0 ? minutes : 30;
}
