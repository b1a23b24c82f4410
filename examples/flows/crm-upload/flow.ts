import { createHash } from 'node:crypto';
import type { AppointmentData } from 'bookings-emulator';
import { type BookedCustomer, customersOf, startOf } from '../common/appointment.js';
import type { FlowDefinition } from '../common/flow-app.js';
import { Once } from '../common/once.js';
import { type ContactFields, DynamicsClient, type DynamicsClientOptions } from './dynamics-client.js';

function contactFields(appointment: AppointmentData, customer: BookedCustomer): ContactFields {
  const words = customer.name.trim().split(/\s+/).filter(Boolean);
  const lastname = (words.length > 0 ? words.at(-1) : customer.email.split('@')[0]) ?? customer.email;
  const when = startOf(appointment).toISOString().slice(0, 16).replace('T', ' ');
  return {
    ...(words.length > 1 ? { firstname: words.slice(0, -1).join(' ').slice(0, 50) } : {}),
    lastname: lastname.slice(0, 50),
    ...(customer.phone ? { telephone1: customer.phone.slice(0, 50) } : {}),
    description: `Last booking: ${appointment.ServiceName ?? 'appointment'} on ${when} UTC`,
  };
}

/**
 * On Created and Updated, every customer (a group booking has several) is upserted as a Dynamics
 * 365 contact on the emailaddress1 alternate key. The idempotency key is the write itself: the
 * e-mail address and a hash of the fields written. A retried or duplicated delivery writes nothing
 * again; an Updated that changes what the contact would hold (a new time, a new phone) writes; a
 * retry after a partial failure writes only the customers that were not written yet.
 */
export function crmUploadFlow(
  options: DynamicsClientOptions,
  dynamics = new DynamicsClient(options),
): FlowDefinition {
  const written = new Once<void>();
  const upsertAll = async (appointment: AppointmentData) => {
    for (const customer of customersOf(appointment)) {
      const fields = contactFields(appointment, customer);
      const email = customer.email.toLowerCase();
      const fingerprint = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
      await written.run(`${email} ${fingerprint}`, () => dynamics.upsertContactByEmail(email, fields));
    }
  };
  return {
    on: { created: upsertAll, updated: upsertAll },
    reset: () => written.clear(),
  };
}
