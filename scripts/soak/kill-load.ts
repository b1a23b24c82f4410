import { setTimeout as sleep } from 'node:timers/promises';
import { createEmulatorClient } from '../../emulator/client/client.js';
import { graphPaths } from '../../emulator/client/paths.js';
import { seededRandom } from '../../emulator/core/random.js';
import type { Trigger } from '../../emulator/generated/schema-types.js';
import type { ChangeOutcome, KillLoopLedger } from './kill-ledger.js';
import type { EmulatorSupervisor, Incarnation } from './killable-emulator.js';
import { poolTransport, soakAdminToken } from './load.js';

const serviceId = 'one';
/** Flows per mailbox: two hear of every create, one of every update (five is the real limit). */
const flowTriggers: readonly Trigger[] = ['created', 'created', 'updated'];
/** Appointments an update may pick from; older ones are left alone. */
const openAppointmentLimit = 50;

export interface KillFlow {
  mailbox: string;
  /** The receiver's path for this flow, which the ledger keys events by. */
  path: string;
  trigger: Trigger;
  webhookId: string;
}

/** Subscribes each mailbox's flows, once, before the first kill: they must survive every kill after. */
export async function subscribeFlows(
  incarnation: Incarnation,
  mailboxes: readonly string[],
  receiverUrl: string,
): Promise<KillFlow[]> {
  const client = createEmulatorClient({ transport: poolTransport(incarnation.pool), token: soakAdminToken });
  const flows: KillFlow[] = [];
  for (const [n, mailbox] of mailboxes.entries()) {
    for (const [k, trigger] of flowTriggers.entries()) {
      const path = `/flows/${n}/${trigger}-${k}`;
      const answer = await client.subscribe({ mailbox, url: `${receiverUrl}${path}`, trigger });
      if (answer.status >= 300 || answer.webhookId === undefined)
        throw new Error(`subscribing ${path} answered ${answer.status} ${answer.error?.message ?? ''}`);
      flows.push({ mailbox, path, trigger, webhookId: answer.webhookId });
    }
  }
  return flows;
}

/** Load calls waiting for an answer right now, across workers: the killer waits for some. */
export interface InFlight {
  count: number;
}

export interface KillLoadOptions {
  emulator: Pick<EmulatorSupervisor, 'up'>;
  mailbox: string;
  /** This mailbox's flows. */
  flows: readonly KillFlow[];
  ledger: KillLoopLedger;
  inFlight: InFlight;
  seed: number;
  /** Calls per second from this worker. */
  rate: number;
  until: number;
}

interface Answer {
  /** Undefined when no answer came: the request died with a kill. */
  status?: number;
  body?: string;
}

/** One Graph call; a dead connection is an answer with no status, never an exception. */
async function graphCall(incarnation: Incarnation, method: 'POST' | 'PATCH', path: string, body: object) {
  let answer: Answer;
  try {
    const response = await incarnation.pool.request({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    answer = { status: response.statusCode };
    // The status line is the acknowledgement; a body cut off by a kill only loses the id.
    answer.body = await response.body.text().catch(() => undefined);
  } catch {
    answer = {};
  }
  return answer;
}

function outcomeOf(answer: Answer): ChangeOutcome {
  if (answer.status === undefined) return 'unacknowledged';
  return answer.status >= 200 && answer.status < 300 ? 'acknowledged' : 'refused';
}

function idIn(body: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One worker per mailbox: Graph creates and updates at a steady rate, each with a marker of its
 * own, each recorded in the ledger with what came back. It waits out kills (the supervisor's
 * `up()`); the calls a kill cuts off are the unacknowledged ones.
 */
export async function driveMailbox(options: KillLoadOptions): Promise<{ calls: number }> {
  const { mailbox, ledger, inFlight } = options;
  const random = seededRandom(options.seed);
  const pathsFor = (trigger: Trigger) =>
    options.flows.filter((flow) => flow.trigger === trigger).map((flow) => flow.path);
  const open: string[] = [];
  let serial = 0;
  let calls = 0;
  const pauseMs = 1000 / options.rate;
  let next = Date.now();
  while (Date.now() < options.until) {
    let incarnation: Incarnation;
    try {
      incarnation = await options.emulator.up();
    } catch {
      break; // it cannot be started again; the run reports why
    }
    if (Date.now() >= options.until) break;
    const marker = `k${options.seed}-${++serial}`;
    const update = open.length >= 3 && random() < 0.5;
    calls += 1;
    inFlight.count += 1;
    if (update) {
      const id = open[Math.floor(random() * open.length)] as string;
      const answer = await graphCall(incarnation, 'PATCH', graphPaths.appointment(mailbox, id), {
        additionalInformation: marker,
      });
      ledger.change({
        marker,
        flowPaths: pathsFor('updated'),
        outcome: outcomeOf(answer),
        appointmentId: id,
      });
    } else {
      const start = new Date(Date.UTC(2026, 0, 5) + serial * 3_600_000).toISOString().slice(0, 19);
      const answer = await graphCall(incarnation, 'POST', graphPaths.appointments(mailbox), {
        serviceId,
        startDateTime: { dateTime: start, timeZone: 'UTC' },
        customers: [{ name: 'Kill Loop Customer', emailAddress: 'kill-loop@example.com' }],
        additionalInformation: marker,
      });
      const outcome = outcomeOf(answer);
      const id = outcome === 'acknowledged' ? idIn(answer.body) : undefined;
      ledger.change({
        marker,
        flowPaths: pathsFor('created'),
        outcome,
        ...(id === undefined ? {} : { appointmentId: id }),
      });
      if (id !== undefined) open.push(id);
      if (open.length > openAppointmentLimit) open.shift();
    }
    inFlight.count -= 1;
    next += pauseMs;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    else next = Date.now();
  }
  return { calls };
}
