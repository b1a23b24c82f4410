import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect, onTestFinished } from 'vitest';
import { startEmulator } from '../api/start.js';
import type { EmulatorOptions } from '../config/options.js';
import type { Clock } from '../core/clock.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  ActiveFault,
  AppointmentData,
  BookingAppointment,
  ChangeType,
  Delivery,
  DeliveryAttempt,
  DeliveryList,
  Fault,
  FaultList,
  RedeliverManyRequest,
  RedeliverRequest,
} from '../generated/schema-types.js';
import { waitForSettled } from './deliveries.js';
import {
  appointmentsPath,
  buildTestApp,
  createAppointment,
  expectValidPayload,
  oneToOneAppointment,
  subscribe,
} from './http.js';
import { HoldingReceiver, type ReceivedRequest, type Responder, TestReceiver } from './receiver.js';
import { Recorder } from './recorder.js';
import { clinic, clinicAuth, lunch, testSeed } from './seed.js';

/**
 * One emulator on the test seed with the real flow endpoints a delivery test needs around it, all
 * closed when the test finishes: `const h = await startHarness({ virtualClock: true })`, then
 * `h.flow()`, `h.create()`, `h.waitForSettled(1)`, `h.journal()`.
 */

export type Created = BookingAppointment & { id: string };

/** Where a virtual clock starts; `at(ms)` is that instant plus `ms`, as the journal writes it. */
const virtualStartMs = Date.parse('2026-01-05T08:00:00.000Z');

export function at(offsetMs: number): string {
  return new Date(virtualStartMs + offsetMs).toISOString();
}

export interface HarnessOptions extends EmulatorOptions {
  /** Start the clock at a fixed instant and move it only when the test advances it. */
  virtualClock?: boolean;
  /** Also listen on 127.0.0.1 (`h.url`), for what has to come over a real socket. */
  listen?: boolean;
}

export interface FlowOptions {
  respond?: Responder;
  /** Default Created. */
  changeType?: ChangeType;
  /** Appended to the receiver's URL; default /flow. */
  path?: string;
  mailbox?: string;
  headers?: Record<string, string>;
}

/** What the engine reported for one attempt, copied at the moment it was reported. */
interface SeenAttempt {
  deliveryId: string;
  attempt: DeliveryAttempt;
  status: Delivery['status'];
  nextAttemptAt: string | undefined;
}

/** Asserts `value` matches a definition of schemas/control-api.schema.json. */
export function expectControlShape(definition: string, value: unknown): void {
  expect(getSchemaRegistry().check(schemaId('control-api', `#/$defs/${definition}`), value)).toEqual([]);
}

/** Every payload the receiver got matches the connector schema and the emulator profile. */
export function expectAllValid(receiver: TestReceiver): void {
  for (const request of receiver.received) expectValidPayload(request.body);
}

/** The appointment id a delivered payload names. */
export function idOf(request: ReceivedRequest | undefined): string | undefined {
  return (request?.body as AppointmentData | undefined)?.Id;
}

/** The one payload a receiver got, checked against both schemas. */
export async function onlyPayload(receiver: TestReceiver): Promise<AppointmentData> {
  const [request] = await receiver.waitFor(1);
  expect(receiver.received).toHaveLength(1);
  expectValidPayload(request?.body);
  return request?.body as AppointmentData;
}

export class DeliveryHarness {
  private readonly servers: Array<TestReceiver | HoldingReceiver> = [];
  private closed = false;

  private constructor(
    readonly app: FastifyInstance,
    private readonly listeningUrl: string | undefined,
  ) {}

  /** Builds the app (and listens when asked); closes it, and every receiver, when the test finishes. */
  static async start(options: HarnessOptions = {}): Promise<DeliveryHarness> {
    const { virtualClock, listen, ...rest } = options;
    const emulatorOptions: EmulatorOptions = virtualClock
      ? { clock: { virtualStart: at(0) }, ...rest }
      : rest;
    const harness = listen
      ? await startEmulator({ seed: testSeed, logLevel: false, ...emulatorOptions }).then(
          (running) => new DeliveryHarness(running.app, running.url),
        )
      : new DeliveryHarness(await buildTestApp(emulatorOptions), undefined);
    onTestFinished(() => harness.close());
    return harness;
  }

  /** The base URL, when started with `listen: true`. */
  get url(): string {
    if (this.listeningUrl === undefined) throw new Error('start the harness with listen: true for a URL');
    return this.listeningUrl;
  }

  get clock(): Clock {
    return this.app.emulator.runtime.clock;
  }

  /** A receiver on 127.0.0.1, not yet subscribed. */
  async receiver(respond?: Responder): Promise<TestReceiver> {
    return this.track(await new TestReceiver(respond).start());
  }

  /** A receiver that holds every request unanswered (released, then closed, before the app closes). */
  async holding(): Promise<HoldingReceiver> {
    return this.track(await new HoldingReceiver().start());
  }

  /** A URL on 127.0.0.1 where nothing listens any more: the connection is refused. */
  async refusedUrl(): Promise<string> {
    const gone = await new TestReceiver().start();
    await gone.close();
    return `${gone.url}/flow`;
  }

  /** Subscribes as Power Automate would; asserts the answer and returns the webhook id. */
  async subscribe(
    url: string,
    options: { changeType?: ChangeType; mailbox?: string; headers?: Record<string, string> } = {},
  ): Promise<string> {
    const response = await subscribe(this.app, url, options);
    expect(response.statusCode, response.body).toBe(
      (options.changeType ?? 'Created') === 'Created' ? 200 : 201,
    );
    const location = response.headers.location;
    expect(location).toEqual(expect.any(String));
    return decodeURIComponent(String(location).split('/').pop() ?? '');
  }

  /** A new receiver subscribed as one flow. */
  async flow(options: FlowOptions = {}): Promise<{ receiver: TestReceiver; webhookId: string }> {
    const { respond, path = '/flow', ...subscription } = options;
    const receiver = await this.receiver(respond);
    return { receiver, webhookId: await this.subscribe(`${receiver.url}${path}`, subscription) };
  }

  /** A new receiver subscribed as a flow of the test seed's second business, {@link clinic}, at /clinic. */
  clinicFlow(): Promise<{ receiver: TestReceiver; webhookId: string }> {
    return this.flow({ path: '/clinic', mailbox: clinic, headers: clinicAuth });
  }

  /** A new receiver subscribed to one trigger of the test seed's lunch business. */
  async receiverFor(changeType: ChangeType): Promise<TestReceiver> {
    return (await this.flow({ changeType, path: `/${changeType.toLowerCase()}` })).receiver;
  }

  /** Creates an appointment through Graph; asserts 201. */
  async create(body: object = oneToOneAppointment(), mailbox = lunch): Promise<Created> {
    const response = await createAppointment(this.app, body, mailbox);
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as Created;
  }

  patch(id: string, body: object, mailbox = lunch): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'PATCH', url: appointmentsPath(mailbox, id), payload: body });
  }

  cancel(id: string, cancellationMessage: string, mailbox = lunch): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method: 'POST',
      url: `${appointmentsPath(mailbox, id)}/cancel`,
      payload: { cancellationMessage },
    });
  }

  /** Graph's DELETE of an appointment. */
  delete(id: string, mailbox = lunch): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'DELETE', url: appointmentsPath(mailbox, id) });
  }

  /** GET /_emulator/deliveries (with a query such as `?status=failed`), checked against DeliveryList. */
  async journal(query = ''): Promise<Delivery[]> {
    const response = await this.app.inject({ method: 'GET', url: `/_emulator/deliveries${query}` });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as DeliveryList;
    expectControlShape('DeliveryList', body);
    return body.deliveries;
  }

  /** Resolves when `count` deliveries have settled (delivered, or failed with no retry left). */
  waitForSettled(count: number, timeoutMs?: number): Promise<Delivery[]> {
    return waitForSettled(this.app, count, timeoutMs);
  }

  /** Waits until nothing is queued or on the wire: whatever is not sent by now waits on the clock. */
  drain(): Promise<void> {
    return this.app.emulator.services.deliveries.drain();
  }

  /** Records every attempt from now on, with the delivery's state at that moment. */
  attempts(): Recorder<SeenAttempt> {
    const recorder = new Recorder<SeenAttempt>('attempts');
    this.app.emulator.runtime.events.on('delivery:attempt', (delivery, attempt) =>
      recorder.push({
        deliveryId: delivery.deliveryId,
        attempt: structuredClone(attempt),
        status: delivery.status,
        nextAttemptAt: delivery.nextAttemptAt,
      }),
    );
    return recorder;
  }

  /** Records every delivery that settles from now on (a redelivery's settling can be awaited). */
  settled(): Recorder<Delivery> {
    const recorder = new Recorder<Delivery>('settled');
    this.app.emulator.runtime.events.on('delivery:settled', (delivery) =>
      recorder.push(structuredClone(delivery)),
    );
    return recorder;
  }

  /** POST /_emulator/faults; asserts 201 and an ActiveFault holding the fault as given. */
  async addFault(fault: Fault): Promise<ActiveFault> {
    const response = await this.app.inject({ method: 'POST', url: '/_emulator/faults', payload: fault });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json() as ActiveFault;
    expectControlShape('ActiveFault', body);
    expect(body.fault).toStrictEqual(fault);
    return body;
  }

  async activeFaults(): Promise<ActiveFault[]> {
    const response = await this.app.inject({ method: 'GET', url: '/_emulator/faults' });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as FaultList;
    expectControlShape('FaultList', body);
    return body.faults;
  }

  /** POST /_emulator/deliveries/{id}/redeliver, answer unchecked. */
  redeliver(deliveryId: string, body?: RedeliverRequest): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method: 'POST',
      url: `/_emulator/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
      ...(body === undefined ? {} : { payload: body }),
    });
  }

  /** A redelivery answered 202 with a valid Delivery. */
  async redeliverOk(deliveryId: string, body?: RedeliverRequest): Promise<Delivery> {
    const response = await this.redeliver(deliveryId, body);
    expect(response.statusCode, response.body).toBe(202);
    const delivery = response.json() as Delivery;
    expectControlShape('Delivery', delivery);
    return delivery;
  }

  /** POST /_emulator/deliveries/redeliver answered 202 with a valid DeliveryList. */
  async redeliverMany(body?: RedeliverManyRequest): Promise<Delivery[]> {
    const response = await this.app.inject({
      method: 'POST',
      url: '/_emulator/deliveries/redeliver',
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(response.statusCode, response.body).toBe(202);
    const list = response.json() as DeliveryList;
    expectControlShape('DeliveryList', list);
    return list.deliveries;
  }

  /**
   * Releases and closes the holding receivers (so closing the app has nothing stuck to wait for),
   * then the app, then the other receivers. Safe to call again.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const holding = this.servers.filter((server) => server instanceof HoldingReceiver);
    for (const server of holding) server.releaseAll();
    for (const server of holding) await server.close();
    await this.app.close();
    for (const server of this.servers) if (server instanceof TestReceiver) await server.close();
  }

  private track<T extends TestReceiver | HoldingReceiver>(server: T): T {
    this.servers.push(server);
    return server;
  }
}

/** Starts a {@link DeliveryHarness}; it closes by itself when the test finishes. */
export function startHarness(options: HarnessOptions = {}): Promise<DeliveryHarness> {
  return DeliveryHarness.start(options);
}

/** A harness with one flow (a receiver answering with `respond`) whose attempts are recorded from the start. */
export async function startWithFlow(options: HarnessOptions & { respond?: Responder } = {}) {
  const { respond, ...harnessOptions } = options;
  const h = await startHarness(harnessOptions);
  const attempts = h.attempts();
  const { receiver, webhookId } = await h.flow({ respond });
  return { h, attempts, receiver, webhookId };
}
