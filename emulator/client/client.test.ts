import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type {
  ActiveFault,
  BookingAppointmentCollection,
  BookingBusinessCollection,
  BookingCustomer,
  BookingService,
  BookingServiceCollection,
  ClockState,
  Delivery,
  DeliveryList,
  FaultList,
  FlowList,
  Health,
  Inbox,
  Info,
  ListMailboxResponse,
  PolicyTable,
  StaffAvailabilityCollection,
} from '../generated/schema-types.js';
import { buildTestApp } from '../testing/http.js';
import { TestReceiver } from '../testing/receiver.js';
import { clinic, lunch, testSeed } from '../testing/seed.js';
import { createEmulatorClient, type EmulatorClient, type GraphAppointment } from './client.js';
import { EmulatorApiError } from './errors.js';
import type { CollectionCalls, Saved } from './graph-collections.js';
import { controlPaths, graphPaths, triggerApiPaths } from './paths.js';
import { fetchTransport, injectTransport, type Transport, type TransportRequest } from './transport.js';

const adminToken = 'admin-token-0001';
const controlToken = 'control-token-for-tests';
const appointment = {
  serviceId: 'one',
  startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
  customers: [
    {
      name: 'Jordan Miller',
      emailAddress: 'jordan@example.com',
      customQuestionAnswers: [{ questionId: 'topic', selectedOptions: ['Audit'] }],
    },
  ],
};

/** Remembers every request the client hands its transport. */
function recorded(transport: Transport): { transport: Transport; sent: TransportRequest[] } {
  const sent: TransportRequest[] = [];
  return {
    sent,
    transport: (request) => {
      sent.push(request);
      return transport(request);
    },
  };
}

/** What a call rejects with; undefined when it resolves. */
function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

/** The EmulatorApiError a call rejects with; fails the test when it resolves. */
async function refusal(call: Promise<unknown>): Promise<EmulatorApiError> {
  const error = await rejectionOf(call);
  expect(error).toBeInstanceOf(EmulatorApiError);
  return error as EmulatorApiError;
}

let app: FastifyInstance | undefined;
let receiver: TestReceiver | undefined;
afterEach(async () => {
  await app?.close();
  await receiver?.close();
  app = undefined;
  receiver = undefined;
});

async function clientOf(
  options: Parameters<typeof buildTestApp>[0] = {},
  credentials: { token?: string; controlToken?: string } = { token: adminToken },
): Promise<{ client: EmulatorClient; sent: TransportRequest[] }> {
  app = await buildTestApp(options);
  const { transport, sent } = recorded(injectTransport(app));
  return { client: createEmulatorClient({ transport, ...credentials }), sent };
}

describe('paths', () => {
  it('encodes mailboxes, ids and inbox names as one segment each', () => {
    expect(triggerApiPaths.subscribe(lunch, 'updated')).toBe(
      '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentUpdated',
    );
    expect(triggerApiPaths.subscribe(lunch, ['created', 'cancelled'])).toBe(
      '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/',
    );
    expect(triggerApiPaths.webhook(lunch, 'a/b')).toBe(
      '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/a%2Fb',
    );
    expect(graphPaths.cancel(lunch, 'x y')).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/appointments/x%20y/cancel',
    );
    expect(controlPaths.inbox('a/b')).toBe('/_emulator/inbox/a%2Fb');
    expect(controlPaths.book(lunch)).toBe('/_emulator/businesses/lunch%40contoso.example/book');
  });

  it("names Graph's resources of a business, each id one segment", () => {
    expect(graphPaths.businesses()).toBe('/v1.0/solutions/bookingBusinesses');
    expect(graphPaths.business(lunch)).toBe('/v1.0/solutions/bookingBusinesses/lunch%40contoso.example');
    expect(graphPaths.member(lunch, 'staffMembers', 'a/b')).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/staffMembers/a%2Fb',
    );
    expect(graphPaths.calendarView(lunch, '2026-01-06T00:00:00Z', '2026-01-07T00:00:00+01:00')).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/calendarView' +
        '?start=2026-01-06T00%3A00%3A00Z&end=2026-01-07T00%3A00%3A00%2B01%3A00',
    );
    expect(graphPaths.staffAvailability(lunch)).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/getStaffAvailability',
    );
  });

  it('writes OData options as Graph names them, $ literal and values encoded, only those given', () => {
    expect(graphPaths.collection(lunch, 'services', {})).toBe(graphPaths.collection(lunch, 'services'));
    expect(
      graphPaths.collection(lunch, 'customers', {
        top: 2,
        skip: 4,
        count: true,
        filter: "displayName eq 'Jo & Al'",
        orderby: 'displayName desc',
        select: ['displayName', 'emailAddress'],
      }),
    ).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/customers' +
        "?$top=2&$skip=4&$count=true&$filter=displayName%20eq%20'Jo%20%26%20Al'" +
        '&$orderby=displayName%20desc&$select=displayName%2CemailAddress',
    );
    expect(graphPaths.businesses({ query: 'Lunch', top: 1 })).toBe(
      '/v1.0/solutions/bookingBusinesses?query=Lunch&$top=1',
    );
    expect(graphPaths.appointments(lunch, { select: 'serviceId' })).toBe(
      '/v1.0/solutions/bookingBusinesses/lunch%40contoso.example/appointments?$select=serviceId',
    );
  });

  it('puts only the given delivery filters in the query', () => {
    expect(controlPaths.deliveries()).toBe('/_emulator/deliveries');
    expect(controlPaths.deliveries({ status: 'failed', webhookId: undefined, mailbox: lunch })).toBe(
      '/_emulator/deliveries?status=failed&mailbox=lunch%40contoso.example',
    );
  });
});

describe('each method calls its route', () => {
  const routes: Array<{ name: string; call: (client: EmulatorClient) => Promise<unknown>; sends: string }> = [
    {
      name: 'subscribe',
      call: (client) =>
        client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/f', trigger: 'cancelled' }),
      sends: `POST ${triggerApiPaths.subscribe(lunch, 'cancelled')}`,
    },
    {
      name: 'unsubscribe',
      call: (client) => client.unsubscribe(lunch, 'w-1'),
      sends: `DELETE ${triggerApiPaths.webhook(lunch, 'w-1')}`,
    },
    {
      name: 'listMailboxes',
      call: (client) => client.listMailboxes(),
      sends: 'GET /BookingsService/api/V1/bookingBusinessesUserAsAdmin',
    },
    {
      name: 'listAppointments',
      call: (client) => client.listAppointments(lunch),
      sends: `GET ${graphPaths.appointments(lunch)}`,
    },
    {
      name: 'createAppointment',
      call: (client) => client.createAppointment(lunch, appointment),
      sends: `POST ${graphPaths.appointments(lunch)}`,
    },
    {
      name: 'getAppointment',
      call: (client) => client.getAppointment(lunch, 'a-1'),
      sends: `GET ${graphPaths.appointment(lunch, 'a-1')}`,
    },
    {
      name: 'updateAppointment',
      call: (client) => client.updateAppointment(lunch, 'a-1', { additionalInformation: 'x' }),
      sends: `PATCH ${graphPaths.appointment(lunch, 'a-1')}`,
    },
    {
      name: 'cancelAppointment',
      call: (client) => client.cancelAppointment(lunch, 'a-1', 'ill'),
      sends: `POST ${graphPaths.cancel(lunch, 'a-1')}`,
    },
    {
      name: 'deleteAppointment',
      call: (client) => client.deleteAppointment(lunch, 'a-1'),
      sends: `DELETE ${graphPaths.appointment(lunch, 'a-1')}`,
    },
    {
      name: 'listBusinesses',
      call: (client) => client.listBusinesses({ query: 'Lunch' }),
      sends: 'GET /v1.0/solutions/bookingBusinesses?query=Lunch',
    },
    {
      name: 'getBusiness',
      call: (client) => client.getBusiness(lunch),
      sends: `GET ${graphPaths.business(lunch)}`,
    },
    {
      name: 'listServices',
      call: (client) => client.listServices(lunch, { top: 1 }),
      sends: `GET ${graphPaths.collection(lunch, 'services', { top: 1 })}`,
    },
    {
      name: 'createStaffMember',
      call: (client) =>
        client.createStaffMember(lunch, { displayName: 'N', emailAddress: 'n@example.com', role: 'viewer' }),
      sends: `POST ${graphPaths.collection(lunch, 'staffMembers')}`,
    },
    {
      name: 'getCustomer',
      call: (client) => client.getCustomer(lunch, 'c-1'),
      sends: `GET ${graphPaths.member(lunch, 'customers', 'c-1')}`,
    },
    {
      name: 'updateCustomQuestion',
      call: (client) => client.updateCustomQuestion(lunch, 'q-1', { displayName: 'Why?' }),
      sends: `PATCH ${graphPaths.member(lunch, 'customQuestions', 'q-1')}`,
    },
    {
      name: 'deleteService',
      call: (client) => client.deleteService(lunch, 'x'),
      sends: `DELETE ${graphPaths.member(lunch, 'services', 'x')}`,
    },
    {
      name: 'calendarView',
      call: (client) => client.calendarView(lunch, new Date('2026-01-06T00:00:00Z'), '2026-01-07T00:00:00Z'),
      sends: `GET ${graphPaths.calendarView(lunch, '2026-01-06T00:00:00.000Z', '2026-01-07T00:00:00Z')}`,
    },
    {
      name: 'getStaffAvailability',
      call: (client) =>
        client.getStaffAvailability(lunch, {
          staffIds: ['s-admin'],
          startDateTime: { dateTime: '2026-01-06T00:00:00', timeZone: 'UTC' },
          endDateTime: { dateTime: '2026-01-07T00:00:00', timeZone: 'UTC' },
        }),
      sends: `POST ${graphPaths.staffAvailability(lunch)}`,
    },
    { name: 'health', call: (client) => client.health(), sends: 'GET /_emulator/health' },
    { name: 'info', call: (client) => client.info(), sends: 'GET /_emulator/info' },
    { name: 'flows', call: (client) => client.flows(), sends: 'GET /_emulator/flows' },
    {
      name: 'deliveries',
      call: (client) => client.deliveries({ webhookId: 'w-1' }),
      sends: 'GET /_emulator/deliveries?webhookId=w-1',
    },
    {
      name: 'redeliver',
      call: (client) => client.redeliver('d-1'),
      sends: 'POST /_emulator/deliveries/d-1/redeliver',
    },
    {
      name: 'redeliverMany',
      call: (client) => client.redeliverMany(),
      sends: 'POST /_emulator/deliveries/redeliver',
    },
    { name: 'reset', call: (client) => client.reset(), sends: 'POST /_emulator/reset' },
    { name: 'clock.get', call: (client) => client.clock.get(), sends: 'GET /_emulator/clock' },
    {
      name: 'clock.advance',
      call: (client) => client.clock.advance({ byMs: 1 }),
      sends: 'POST /_emulator/clock',
    },
    {
      name: 'faults.add',
      call: (client) => client.faults.add({ target: 'inbox', inbox: 'x', status: 503 }),
      sends: 'POST /_emulator/faults',
    },
    { name: 'faults.list', call: (client) => client.faults.list(), sends: 'GET /_emulator/faults' },
    { name: 'faults.clear', call: (client) => client.faults.clear(), sends: 'DELETE /_emulator/faults' },
    { name: 'policies.get', call: (client) => client.policies.get(), sends: 'GET /_emulator/policies' },
    {
      name: 'policies.put',
      call: (client) => client.policies.put({ 'duration-unit': 'seconds' }),
      sends: 'PUT /_emulator/policies',
    },
    { name: 'inbox.read', call: (client) => client.inbox.read('x'), sends: 'GET /_emulator/inbox/x' },
    { name: 'inbox.clear', call: (client) => client.inbox.clear('x'), sends: 'DELETE /_emulator/inbox/x' },
    {
      name: 'book',
      call: (client) =>
        client.book(lunch, {
          service: 'one',
          start: '2026-06-24T16:30:00Z',
          customer: { name: 'A', email: 'a@example.com' },
        }),
      sends: `POST ${controlPaths.book(lunch)}`,
    },
  ];

  it.each(routes)('$name: $sends', async ({ call, sends }) => {
    const { client, sent } = await clientOf();
    await call(client).catch(() => undefined);
    expect(sent.map((request) => `${request.method} ${request.path}`)).toEqual([sends]);
    // Not a 404 RouteNotFound: the path names a route the emulator serves.
    const answer = await client.request(sent[0]?.method ?? '', sent[0]?.path ?? '', {
      ...(sent[0]?.body === undefined ? {} : { body: JSON.parse(sent[0].body) }),
    });
    expect((answer.body as { error?: { code?: string } } | undefined)?.error?.code).not.toBe('RouteNotFound');
  });
});

describe('the trigger API', () => {
  it('subscribes one trigger (200 + webhookId) and a list through the backend form (201)', async () => {
    const { client, sent } = await clientOf();
    const created = await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' });
    expect(created).toEqual({
      status: 200,
      webhookId: expect.any(String),
      location: expect.stringMatching(/\/webhook\/[^/]+$/),
    });
    expect(created.location?.endsWith(triggerApiPaths.webhook(lunch, created.webhookId ?? ''))).toBe(true);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({
      webhook: {
        notification_url: 'http://127.0.0.1:9/c',
        resource: 'Appointments',
        change_type: ['Created'],
      },
    });
    expect(sent[0]?.headers).toMatchObject({
      authorization: `Bearer ${adminToken}`,
      'content-type': 'application/json',
    });

    const both = await client.subscribe({
      mailbox: lunch,
      url: 'http://127.0.0.1:9/uc',
      trigger: ['updated', 'cancelled'],
    });
    expect(both.status).toBe(201);
    const { flows } = await client.flows();
    expect(flows.map((flow) => [flow.webhookId, flow.changeTypes])).toEqual([
      [created.webhookId, ['Created']],
      [both.webhookId, ['Updated', 'Deleted']],
    ]);
  });

  it('answers refusals with their status and error instead of throwing', async () => {
    const { client } = await clientOf({}, {});
    const anonymous = await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/x' });
    expect(anonymous).toMatchObject({ status: 401, error: { code: 'Unauthenticated' } });
    expect(anonymous.webhookId).toBeUndefined();
    const member = await client.subscribe({
      mailbox: lunch,
      url: 'http://127.0.0.1:9/x',
      token: 'member-token-001',
    });
    expect(member).toMatchObject({ status: 403, error: { code: 'NotBookingsAdministrator' } });
    const outside = await client.subscribe({
      mailbox: lunch,
      url: 'https://evil.example/x',
      token: adminToken,
    });
    expect(outside).toMatchObject({ status: 403, error: { code: 'NotificationUrlNotAllowlisted' } });
    expect(outside.error?.message.length).toBeGreaterThan(20);
  });

  it('refuses a sixth flow on a mailbox with 429 (docs/contract.md (Rules))', async () => {
    const { client } = await clientOf();
    for (let n = 1; n <= 5; n++)
      expect((await client.subscribe({ mailbox: lunch, url: `http://127.0.0.1:9/${n}` })).status).toBe(200);
    const sixth = await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/6' });
    expect(sixth).toMatchObject({ status: 429, error: { code: 'WebhookLimitExceeded' } });
  });

  it('unsubscribes, and throws a typed error for a webhook that is gone', async () => {
    const { client } = await clientOf();
    const { webhookId = '' } = await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' });
    await expect(client.unsubscribe(lunch, webhookId)).resolves.toBeUndefined();
    expect((await client.flows()).flows).toEqual([]);
    const gone = await refusal(client.unsubscribe(lunch, webhookId));
    expect(gone.status).toBe(404);
    expect(gone.code).toBe('WebhookNotFound');
  });

  it('lists the mailboxes the caller administers, sending the header the operation asks for', async () => {
    const { client, sent } = await clientOf();
    const answer = await client.listMailboxes();
    expectTypeOf(answer).toEqualTypeOf<ListMailboxResponse>();
    expect(answer.mailboxes).toEqual([{ displayName: 'Contoso Lunch', email: lunch }]);
    expect(sent[0]?.headers['x-prefer-owauserconfig']).toBe('true');
    const other = await client.listMailboxes({ token: 'other-admin-tok1' });
    expect(other.mailboxes).toEqual([{ displayName: 'Fabrikam Clinic', email: clinic }]);
  });
});

describe('the Graph-shaped actions', () => {
  it('create, get, list, update, cancel and delete appointments, typed as Graph answers them', async () => {
    const { client, sent } = await clientOf();
    const created = await client.createAppointment(lunch, appointment);
    expectTypeOf(created).toEqualTypeOf<GraphAppointment>();
    expect(created).toMatchObject({ id: expect.any(String), serviceId: 'one' });
    // The Graph actions ask for no credentials (docs/decisions/006), so none are sent.
    expect(sent[0]?.headers.authorization).toBeUndefined();

    expect((await client.getAppointment(lunch, created.id)).id).toBe(created.id);
    const list = await client.listAppointments(lunch);
    expectTypeOf(list).toEqualTypeOf<BookingAppointmentCollection>();
    expect(list.value.map((each) => each.id)).toEqual([created.id]);
    const updated = await client.updateAppointment(lunch, created.id, { additionalInformation: 'moved' });
    expect(updated.additionalInformation).toBe('moved');

    await expect(client.cancelAppointment(lunch, created.id, 'ill')).resolves.toBeUndefined();
    expect(JSON.parse(sent.at(-1)?.body ?? '')).toEqual({ cancellationMessage: 'ill' });
    expect((await client.listAppointments(lunch)).value).toEqual([]);

    const second = await client.createAppointment(lunch, appointment);
    await expect(client.deleteAppointment(lunch, second.id)).resolves.toBeUndefined();
    expect((await refusal(client.getAppointment(lunch, second.id))).code).toBe('AppointmentNotFound');
  });

  it('maps a refusal to EmulatorApiError with status, the error envelope, and what was called', async () => {
    const { client } = await clientOf();
    const error = await refusal(client.createAppointment(lunch, { ...appointment, serviceId: 'nope' }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('ServiceNotFound');
    expect(error.method).toBe('POST');
    expect(error.path).toBe(graphPaths.appointments(lunch));
    expect(getSchemaRegistry().check(schemaId('error'), error.body)).toEqual([]);
    expect(error.body?.error.target).toBeDefined();
    expect(error.message).toBe(
      `POST ${graphPaths.appointments(lunch)} answered 400 ServiceNotFound: ${error.body?.error.message}`,
    );
    expect(error.name).toBe('EmulatorApiError');
  });

  it('books as a customer on the booking page', async () => {
    const { client } = await clientOf();
    const booked = await client.book(lunch, {
      service: 'one',
      start: '2026-06-24T16:30:00Z',
      customer: { name: 'Jordan Miller', email: 'jordan@example.com' },
      answers: { topic: 'Tax' },
    });
    expectTypeOf(booked).toEqualTypeOf<GraphAppointment>();
    expect(booked.serviceId).toBe('one');
    expect((await client.getAppointment(lunch, booked.id)).customers?.[0]?.name).toBe('Jordan Miller');
    const unanswered = await refusal(
      client.book(lunch, {
        service: 'one',
        start: '2026-06-24T16:30:00Z',
        customer: { name: 'A', email: 'a@example.com' },
      }),
    );
    expect(unanswered.code).toBe('InvalidAppointment');
  });
});

describe("Graph's Bookings resources", () => {
  it('lists businesses (only id and displayName, query keeps the matching ones) and reads one', async () => {
    const { client } = await clientOf();
    const all = await client.listBusinesses();
    expectTypeOf(all).toEqualTypeOf<BookingBusinessCollection>();
    expect(all.value.map(({ id, displayName }) => ({ id, displayName }))).toEqual([
      { id: lunch, displayName: 'Contoso Lunch' },
      { id: clinic, displayName: 'Fabrikam Clinic' },
    ]);
    const matching = await client.listBusinesses({ query: 'Clinic' });
    expect(matching.value.map((business) => business.id)).toEqual([clinic]);
    const business = await client.getBusiness(lunch);
    expect(business).toMatchObject({ id: lunch, displayName: 'Contoso Lunch' });
    expect((await refusal(client.getBusiness('nobody@contoso.example'))).status).toBe(404);
  });

  it('types each collection after its entity: created and read ones carry their id, updates answer nothing', () => {
    const client = createEmulatorClient({ baseUrl: 'http://127.0.0.1:9' });
    expectTypeOf(client.listServices).returns.resolves.toEqualTypeOf<BookingServiceCollection>();
    expectTypeOf(client.createService).returns.resolves.toEqualTypeOf<Saved<BookingService>>();
    expectTypeOf(client.getCustomer).returns.resolves.toEqualTypeOf<BookingCustomer & { id: string }>();
    expectTypeOf(client.updateStaffMember).returns.resolves.toBeVoid();
    expectTypeOf(client.createCustomQuestion)
      .parameter(1)
      .toEqualTypeOf<Parameters<CollectionCalls<'CustomQuestion'>['createCustomQuestion']>[1]>();
    expectTypeOf(client.getStaffAvailability).returns.resolves.toEqualTypeOf<StaffAvailabilityCollection>();
  });

  /** The same five calls on each collection; the typed names are checked above. */
  type LooseCalls = Record<string, (...args: unknown[]) => Promise<unknown>>;
  const collections = [
    {
      entity: 'Service',
      created: { displayName: 'Tax review', defaultDuration: 'PT45M' },
      patch: { displayName: 'Tax review (long)' },
    },
    {
      entity: 'StaffMember',
      created: { displayName: 'Nia New', emailAddress: 'nia@contoso.example', role: 'teamMember' },
      patch: { displayName: 'Nia Newton' },
    },
    {
      entity: 'Customer',
      created: { displayName: 'Jordan Miller', emailAddress: 'jordan@example.com' },
      patch: { displayName: 'Jordan M. Miller' },
    },
    {
      entity: 'CustomQuestion',
      created: { displayName: 'Parking needed?', answerInputType: 'text' },
      patch: { displayName: 'Do you need parking?' },
    },
  ];

  it.each(collections)('$entity: create (saved with an id), get, list, update, delete', async (each) => {
    const { client, sent } = await clientOf();
    const calls = client as unknown as LooseCalls;
    const call = (verb: string, ...args: unknown[]) => {
      const method = calls[`${verb}${each.entity}${verb === 'list' ? 's' : ''}`];
      if (!method) throw new Error(`the client has no ${verb} for ${each.entity}`);
      return method(lunch, ...args);
    };
    const created = (await call('create', each.created)) as { id: string; displayName: string };
    expect(created).toMatchObject({ ...each.created, id: expect.any(String) });
    expect(sent.at(-1)?.headers['content-type']).toBe('application/json');
    expect(await call('get', created.id)).toMatchObject({ ...each.created, id: created.id });
    const listed = (await call('list')) as { value: Array<{ id: string }> };
    expect(listed.value.map((entry) => entry.id)).toContain(created.id);

    await expect(call('update', created.id, each.patch)).resolves.toBeUndefined();
    expect(await call('get', created.id)).toMatchObject({ ...each.patch, id: created.id });

    await expect(call('delete', created.id)).resolves.toBeUndefined();
    const gone = await refusal(call('get', created.id));
    expect(gone).toMatchObject({ status: 404, code: 'BusinessResourceNotFound' });
    expect(sent.map((request) => request.method)).toEqual([
      'POST',
      'GET',
      'GET',
      'PATCH',
      'GET',
      'DELETE',
      'GET',
    ]);
  });

  it('passes OData options on a list: a page, the count and the link to the next page', async () => {
    const { client } = await clientOf();
    const page = await client.listServices(lunch, { top: 1, count: true, orderby: 'displayName desc' });
    expect(page.value.map((service) => service.displayName)).toEqual(['Workshop']);
    expect(page['@odata.count']).toBe(2);
    expect(page['@odata.nextLink']).toEqual(expect.stringContaining('$skip=1'));
    const filtered = await client.listStaffMembers(lunch, {
      filter: "role eq 'administrator'",
      select: ['displayName'],
    });
    expect(filtered.value.map((staff) => staff.displayName)).toEqual([
      'Ada Admin',
      'Abe Admin',
      'Jay Wright',
    ]);
  });

  it("shows an appointment in the day's calendarView and its staff member busy then", async () => {
    const { client } = await clientOf();
    const created = await client.createAppointment(lunch, appointment);
    const day = await client.calendarView(lunch, '2026-01-06T00:00:00Z', new Date('2026-01-07T00:00:00Z'));
    expect(day.value.map((each) => each.id)).toEqual([created.id]);
    const nextDay = await client.calendarView(lunch, '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z');
    expect(nextDay.value).toEqual([]);

    const availability = await client.getStaffAvailability(lunch, {
      staffIds: ['s-admin'],
      startDateTime: { dateTime: '2026-01-06T00:00:00', timeZone: 'UTC' },
      endDateTime: { dateTime: '2026-01-07T00:00:00', timeZone: 'UTC' },
    });
    expect(availability.value.map((each) => each.staffId)).toEqual(['s-admin']);
    const busy = availability.value[0]?.availabilityItems.filter((item) => item.status === 'busy') ?? [];
    expect(busy.map((item) => Date.parse(`${item.startDateTime.dateTime.replace(/Z?$/, 'Z')}`))).toContain(
      Date.parse('2026-01-06T09:00:00Z'),
    );
  });
});

describe('the control API', () => {
  it('reads health and info, and resets to the seed or to another one', async () => {
    const { client } = await clientOf();
    const health = await client.health();
    expectTypeOf(health).toEqualTypeOf<Health>();
    expect(health).toEqual({ status: 'ok' });
    expectTypeOf(await client.info()).toEqualTypeOf<Info>();
    expect((await client.info()).version).toMatch(/^\d+\.\d+\.\d+/);

    await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' });
    expectTypeOf(await client.flows()).toEqualTypeOf<FlowList>();
    await expect(client.reset()).resolves.toBeUndefined();
    expect((await client.flows()).flows).toEqual([]);

    const onlyClinic = { ...testSeed, businesses: testSeed.businesses.slice(1) };
    await client.reset({ seed: onlyClinic });
    expect((await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' })).status).toBe(404);
    const invalid = await refusal(client.reset({ seed: { businesses: [] }, idSeed: -1 }));
    expect(invalid.code).toBe('InvalidRequestBody');
  });

  it('lists deliveries by filter and redelivers them', async () => {
    receiver = await new TestReceiver().start();
    const { client } = await clientOf();
    const { webhookId = '' } = await client.subscribe({ mailbox: lunch, url: `${receiver.url}/flow` });
    const { id } = await client.createAppointment(lunch, appointment);
    await receiver.waitFor(1);
    const delivered = await vi.waitFor(async () => {
      const list = await client.deliveries({ webhookId, status: 'delivered' });
      expect(list.deliveries).toHaveLength(1);
      return list;
    });
    expectTypeOf(delivered).toEqualTypeOf<DeliveryList>();
    const [delivery] = delivered.deliveries;
    expect(delivery).toMatchObject({ appointmentId: id, changeType: 'Created' });
    expect((await client.deliveries({ webhookId: 'someone-else' })).deliveries).toEqual([]);

    const again = await client.redeliver(delivery?.deliveryId ?? '');
    expectTypeOf(again).toEqualTypeOf<Delivery>();
    expect(again.deliveryId).toBe(delivery?.deliveryId);
    const renewed = await client.redeliverMany({ filter: { webhookId }, renewId: true });
    expect(renewed.deliveries).toHaveLength(1);
    expect(renewed.deliveries[0]?.redeliveryOf).toBe(delivery?.deliveryId);
    await receiver.waitFor(3);
    expect((await refusal(client.redeliver('no-such-delivery'))).code).toBe('DeliveryNotFound');
  });

  it('reads and advances a virtual clock', async () => {
    const { client } = await clientOf({ clock: { virtualStart: '2026-01-05T08:00:00Z' } });
    const before = await client.clock.get();
    expectTypeOf(before).toEqualTypeOf<ClockState>();
    expect(before).toMatchObject({ now: '2026-01-05T08:00:00.000Z', mode: 'virtual' });
    const after = await client.clock.advance({ byMs: 90_000 });
    expect(after.now).toBe('2026-01-05T08:01:30.000Z');
    expect((await client.clock.advance({ to: '2026-01-05T09:00:00Z' })).now).toBe('2026-01-05T09:00:00.000Z');
    expect((await refusal(client.clock.advance({}))).code).toBe('InvalidControlRequest');
  });

  it('adds, lists and clears faults; reads and clears an inbox', async () => {
    const { client } = await clientOf();
    const added = await client.faults.add({ target: 'inbox', inbox: 'demo', status: 503, count: 2 });
    expectTypeOf(added).toEqualTypeOf<ActiveFault>();
    expect(added).toEqual({ fault: { target: 'inbox', inbox: 'demo', status: 503, count: 2 }, remaining: 2 });
    const faults = await client.faults.list();
    expectTypeOf(faults).toEqualTypeOf<FaultList>();
    expect(faults.faults).toHaveLength(1);
    await client.faults.clear();
    expect((await client.faults.list()).faults).toEqual([]);

    // The inbox's POST is what a flow delivery looks like; request() sends any path.
    const posted = await client.request('POST', controlPaths.inbox('demo'), { body: { hello: 'inbox' } });
    expect(posted.status).toBe(200);
    const inbox = await client.inbox.read('demo');
    expectTypeOf(inbox).toEqualTypeOf<Inbox>();
    expect(inbox.messages.map((message) => message.body)).toEqual([{ hello: 'inbox' }]);
    await client.inbox.clear('demo');
    expect((await client.inbox.read('demo')).messages).toEqual([]);
  });

  it('reads and sets policies, and names a value it refuses', async () => {
    const { client } = await clientOf();
    const unit = (table: PolicyTable) =>
      table.policies.find((policy) => policy.name === 'duration-unit')?.value;
    expect(unit(await client.policies.get())).toBe('seconds');
    const table = await client.policies.put({ 'duration-unit': 'minutes' });
    expectTypeOf(table).toEqualTypeOf<PolicyTable>();
    expect(unit(table)).toBe('minutes');
    expect(unit(await client.policies.get())).toBe('minutes');
    const refused = await refusal(client.policies.put({ 'duration-unit': 'hours' as 'seconds' }));
    expect(refused.status).toBe(400);
    expect(refused.code).toBe('InvalidControlRequest');
  });
});

describe('the control token', () => {
  it('goes in its header on /_emulator/ calls only', async () => {
    const { client, sent } = await clientOf({ controlToken }, { token: adminToken, controlToken });
    await client.flows();
    await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' });
    await client.createAppointment(lunch, appointment);
    expect(sent.map((request) => request.headers['x-emulator-control-token'])).toEqual([
      controlToken,
      undefined,
      undefined,
    ]);
  });

  it('without it, the guarded control API answers 401 ControlTokenRequired; health stays open', async () => {
    const { client } = await clientOf({ controlToken }, {});
    await expect(client.health()).resolves.toEqual({ status: 'ok' });
    const refused = await refusal(client.flows());
    expect(refused.status).toBe(401);
    expect(refused.code).toBe('ControlTokenRequired');
  });
});

describe('request()', () => {
  it('answers any status without throwing, and parses JSON, text and empty bodies', async () => {
    const { client, sent } = await clientOf();
    const missing = await client.request('GET', '/nowhere');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'RouteNotFound' } } });
    await client.faults.add({ target: 'inbox', inbox: 'text', status: 503 });
    const text = await client.request('POST', controlPaths.inbox('text'), { body: {} });
    expect(text).toMatchObject({ status: 503, body: 'inbox text: injected 503' });
    const empty = await client.request('DELETE', controlPaths.faults);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeUndefined();
    expect(sent.at(-1)?.headers['content-type']).toBeUndefined();
  });

  it("keeps the caller's headers over its own, whatever their case", async () => {
    const { client, sent } = await clientOf();
    const answer = await client.request('POST', graphPaths.appointments(lunch), {
      body: appointment,
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(answer.status).toBe(415);
    expect(sent[0]?.headers).toEqual({ 'Content-Type': 'text/plain' });
  });
});

describe('over a socket with fetchTransport', () => {
  it('speaks to a listening emulator, maps its errors, and reports one it cannot reach', async () => {
    app = await buildTestApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const client = createEmulatorClient({ baseUrl: `${baseUrl}/`, token: adminToken });
    expect(await client.health()).toEqual({ status: 'ok' });
    const subscribed = await client.subscribe({ mailbox: lunch, url: 'http://127.0.0.1:9/c' });
    expect(subscribed.status).toBe(200);
    expect(subscribed.location).toBe(
      `${baseUrl}${triggerApiPaths.webhook(lunch, subscribed.webhookId ?? '')}`,
    );
    const created = await client.createAppointment(lunch, appointment);
    expect((await client.getAppointment(lunch, created.id)).id).toBe(created.id);
    const missing = await refusal(client.getAppointment(lunch, 'nope'));
    expect(missing).toMatchObject({ status: 404, code: 'AppointmentNotFound' });

    await app.close();
    app = undefined;
    const unreachable = await rejectionOf(client.health());
    expect(unreachable).toBeInstanceOf(Error);
    expect(unreachable).not.toBeInstanceOf(EmulatorApiError);
  });

  it('uses the fetch it is given, and the baseUrl without its trailing slashes', async () => {
    const seen: string[] = [];
    const fake: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify({ status: 'ok' }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = createEmulatorClient({ baseUrl: 'http://emulator.test:4780//', fetch: fake });
    expect(await client.health()).toEqual({ status: 'ok' });
    const direct = await fetchTransport(
      'http://emulator.test:4780',
      fake,
    )({
      method: 'GET',
      path: controlPaths.flows,
      headers: {},
    });
    expect(direct).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(seen).toEqual([
      'http://emulator.test:4780/_emulator/health',
      'http://emulator.test:4780/_emulator/flows',
    ]);
  });
});
