import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, Pool } from 'undici';
import { createEmulatorClient } from '../../emulator/client/client.js';
import type { Transport } from '../../emulator/client/transport.js';
import { seededRandom } from '../../emulator/core/random.js';
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
  webhookId: string;
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

/** The client's transport over an undici pool: a fixed set of keep-alive connections the soak can count. */
export function poolTransport(pool: Pool): Transport {
  return async ({ method, path, headers, body }) => {
    const response = await pool.request({
      method: method as Dispatcher.HttpMethod,
      path,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
  };
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
  const overPool = poolTransport(pool);
  const client = createEmulatorClient({
    transport: (request) => {
      figures.operations += 1;
      return overPool(request);
    },
    token: soakAdminToken,
  });
  const failed = (problem: string) => {
    figures.errors += 1;
    if (figures.errorExamples.length < 5) figures.errorExamples.push(problem.slice(0, 300));
  };
  /** Every flow live now that listens to `trigger` must see this change. */
  const expectFor = (trigger: Trigger, appointment: Appointment) => {
    for (const flow of flows)
      if (flow.trigger === trigger) ledger.expect(eventKey(flow.path, appointment.id, appointment.marker));
  };

  const subscribe = async () => {
    const trigger = pick(triggers);
    const path = `/flows/${encodeURIComponent(mailbox)}/${++serial}-${trigger}`;
    const answer = await client.subscribe({ mailbox, url: `${options.receiverUrl}${path}`, trigger });
    const problem = `answered ${answer.status} ${answer.error?.message ?? ''}`;
    if (flows.length >= flowLimit) {
      if (answer.status === 429) figures.limitRefusals += 1;
      else failed(`a sixth subscription ${problem}`);
      return;
    }
    if (answer.status >= 300 || answer.webhookId === undefined) return failed(`subscribe ${problem}`);
    flows.push({ path, trigger, webhookId: answer.webhookId });
  };
  const unsubscribe = async () => {
    const flow = pick(flows);
    flows.splice(flows.indexOf(flow), 1);
    await client.unsubscribe(mailbox, flow.webhookId);
  };
  const create = async () => {
    const marker = `m${options.seed}-${++serial}`;
    const start = new Date(Date.UTC(2026, 0, 5) + serial * 3_600_000).toISOString().slice(0, 19);
    const { id } = await client.createAppointment(mailbox, {
      serviceId,
      startDateTime: { dateTime: start, timeZone: 'UTC' },
      customers: [{ name: 'Soak Customer', emailAddress: 'soak@example.com' }],
      additionalInformation: marker,
    });
    const appointment = { id, marker };
    open.push(appointment);
    expectFor('created', appointment);
  };
  const update = async () => {
    const appointment = pick(open);
    const marker = `m${options.seed}-${++serial}`;
    await client.updateAppointment(mailbox, appointment.id, { additionalInformation: marker });
    appointment.marker = marker;
    expectFor('updated', appointment);
  };
  const cancel = async () => {
    const appointment = pick(open);
    open.splice(open.indexOf(appointment), 1);
    if (random() < 0.5) await client.cancelAppointment(mailbox, appointment.id, 'Soak cancel');
    else await client.deleteAppointment(mailbox, appointment.id);
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
      // A refusal (EmulatorApiError) names the call and its answer; a network error says what broke.
      failed((error as Error).message);
    }
    next += pauseMs;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else next = Date.now();
  }
  return figures;
}
