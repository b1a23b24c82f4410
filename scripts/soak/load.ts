import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { seededRandom } from '../../emulator/core/random.js';
import { subscribePath, subscribeRequest } from '../../emulator/domain/triggers.js';
import type { Trigger } from '../../emulator/generated/schema-types.js';
import { type DeliveryLedger, eventKey } from './accounting.js';

export const soakAdminToken = 'soak-admin-token';
const serviceId = 'one';
/** The real limit (docs/contract.md (Rules)); the load stays within it and checks the sixth is refused. */
const flowLimit = 5;
const openAppointmentLimit = 30;
const triggers: Trigger[] = ['created', 'updated', 'cancelled'];

interface Flow {
  path: string;
  trigger: Trigger;
  location: string;
}

interface Appointment {
  id: string;
  /** The marker of the last change, which the payload carries as AdditionalInfo. */
  marker: string;
}

export interface MailboxLoadOptions {
  pool: Pool;
  mailbox: string;
  /** Where this mailbox's flows point: the flaky receiver plus a path per flow. */
  receiverUrl: string;
  ledger: DeliveryLedger;
  seed: number;
  /** Calls per second from this worker. */
  rate: number;
  until: number;
}

export interface LoadFigures {
  operations: number;
  errors: number;
  /** Sixth subscriptions refused with 429, as the real service does. */
  limitRefusals: number;
  errorExamples: string[];
}

/**
 * One worker per mailbox: subscribe and unsubscribe (never past five), create, update, cancel and
 * delete appointments at a steady rate. It alone changes this mailbox's flows and awaits each
 * answer, so when a change is answered it knows exactly which flows must hear of it.
 */
export async function loadMailbox(options: MailboxLoadOptions): Promise<LoadFigures> {
  const { pool, mailbox, ledger } = options;
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const flows: Flow[] = [];
  const open: Appointment[] = [];
  const figures: LoadFigures = { operations: 0, errors: 0, limitRefusals: 0, errorExamples: [] };
  let serial = 0;
  const appointments = `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`;

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    figures.operations += 1;
    const response = await pool.request({
      method,
      path,
      headers: {
        authorization: `Bearer ${soakAdminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  };
  const failed = (what: string, status: number, text: string) => {
    figures.errors += 1;
    if (figures.errorExamples.length < 5)
      figures.errorExamples.push(`${what}: ${status} ${text.slice(0, 200)}`);
  };
  /** Every flow live now that listens to `trigger` must see this change. */
  const expectFor = (trigger: Trigger, appointment: Appointment) => {
    for (const flow of flows)
      if (flow.trigger === trigger) ledger.expect(eventKey(flow.path, appointment.id, appointment.marker));
  };

  const subscribe = async () => {
    const trigger = pick(triggers);
    const path = `/flows/${encodeURIComponent(mailbox)}/${++serial}-${trigger}`;
    const answer = await call(
      'POST',
      subscribePath(mailbox, trigger),
      subscribeRequest(`${options.receiverUrl}${path}`, trigger),
    );
    if (flows.length >= flowLimit) {
      if (answer.status === 429) figures.limitRefusals += 1;
      else failed('a sixth subscription', answer.status, answer.text);
      return;
    }
    const location = answer.headers.location;
    if (answer.status >= 300 || typeof location !== 'string')
      return failed('subscribe', answer.status, answer.text);
    flows.push({ path, trigger, location: new URL(location, 'http://emulator').pathname });
  };
  const unsubscribe = async () => {
    const flow = pick(flows);
    flows.splice(flows.indexOf(flow), 1);
    const answer = await call('DELETE', flow.location);
    if (answer.status !== 200) failed('unsubscribe', answer.status, answer.text);
  };
  const create = async () => {
    const marker = `m${options.seed}-${++serial}`;
    const start = new Date(Date.UTC(2026, 0, 5) + serial * 3_600_000).toISOString().slice(0, 19);
    const answer = await call('POST', appointments, {
      serviceId,
      startDateTime: { dateTime: start, timeZone: 'UTC' },
      customers: [{ name: 'Soak Customer', emailAddress: 'soak@example.com' }],
      additionalInformation: marker,
    });
    if (answer.status !== 201) return failed('create', answer.status, answer.text);
    const appointment = { id: (JSON.parse(answer.text) as { id: string }).id, marker };
    open.push(appointment);
    expectFor('created', appointment);
  };
  const update = async () => {
    const appointment = pick(open);
    const marker = `m${options.seed}-${++serial}`;
    const answer = await call('PATCH', `${appointments}/${appointment.id}`, {
      additionalInformation: marker,
    });
    if (answer.status !== 200) return failed('update', answer.status, answer.text);
    appointment.marker = marker;
    expectFor('updated', appointment);
  };
  const cancel = async () => {
    const appointment = pick(open);
    open.splice(open.indexOf(appointment), 1);
    const answer =
      random() < 0.5
        ? await call('POST', `${appointments}/${appointment.id}/cancel`, {
            cancellationMessage: 'Soak cancel',
          })
        : await call('DELETE', `${appointments}/${appointment.id}`);
    if (answer.status !== 204) return failed('cancel', answer.status, answer.text);
    expectFor('cancelled', appointment);
  };

  const pauseMs = 1000 / options.rate;
  let next = Date.now();
  while (Date.now() < options.until) {
    const roll = random();
    try {
      if (flows.length === 0 || (roll < 0.08 && flows.length < flowLimit)) await subscribe();
      else if (roll < 0.09)
        await subscribe(); // at the limit: must be refused
      else if (roll < 0.15 && flows.length > 1) await unsubscribe();
      else if (open.length < 3 || (roll < 0.55 && open.length < openAppointmentLimit)) await create();
      else if (roll < 0.85) await update();
      else await cancel();
    } catch (error) {
      failed('a call', 0, (error as Error).message);
    }
    next += pauseMs;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else next = Date.now();
  }
  return figures;
}
