import type { AppointmentData } from 'bookings-emulator';
import { createTransport } from 'nodemailer';
import {
  answerText,
  appointmentIdOf,
  type BookedCustomer,
  customersOf,
  minutesOf,
  startOf,
} from '../common/appointment.js';
import type { FlowDefinition } from '../common/flow-app.js';
import { Once } from '../common/once.js';

export interface WelcomeEmailOptions {
  smtp: { host: string; port: number };
  /** The sender, e.g. `Contoso Lunch <bookings@contoso.example>`. */
  from: string;
}

/** `2026-01-06 09:00 UTC`: one spelling whatever the machine's time zone. */
function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function welcomeText(appointment: AppointmentData, customer: BookedCustomer): string {
  const staff = (appointment.StaffMembers ?? []).map((member) => member.DisplayName).filter(Boolean);
  const lines = [
    `Hello ${customer.name || customer.email},`,
    '',
    `your ${appointment.ServiceName ?? 'appointment'} is booked.`,
    '',
    `When: ${when(startOf(appointment))} (${minutesOf(appointment)} minutes)`,
  ];
  if (staff.length > 0) lines.push(`With: ${staff.join(', ')}`);
  if (appointment.JoinWebURL) lines.push(`Join online: ${appointment.JoinWebURL}`);
  if (appointment.AdditionalInfo) lines.push(`Note: ${appointment.AdditionalInfo}`);
  const answers = customer.answers.filter((question) => answerText(question) !== '');
  if (answers.length > 0) {
    lines.push('', 'Your answers:');
    for (const question of answers)
      lines.push(`- ${question.Question ?? question.QuestionID}: ${answerText(question)}`);
  }
  lines.push('', `Reference: ${appointmentIdOf(appointment)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * On Created, one e-mail per customer with the appointment's details, through SMTP. A retried or
 * duplicated delivery sends nothing twice: the key is the appointment and the recipient.
 */
export function welcomeEmailFlow(options: WelcomeEmailOptions): FlowDefinition {
  const transport = createTransport({
    host: options.smtp.host,
    port: options.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const sent = new Once<void>();
  return {
    on: {
      async created(appointment, log) {
        const id = appointmentIdOf(appointment);
        for (const customer of customersOf(appointment)) {
          await sent.run(`${id} ${customer.email.toLowerCase()}`, async () => {
            const info = await transport.sendMail({
              from: options.from,
              to: { name: customer.name, address: customer.email },
              subject: `Your ${appointment.ServiceName ?? 'appointment'} on ${when(startOf(appointment))}`,
              text: welcomeText(appointment, customer),
            });
            log.info({ to: customer.email, messageId: info.messageId }, 'welcome e-mail sent');
          });
        }
      },
    },
    reset: () => sent.clear(),
  };
}
