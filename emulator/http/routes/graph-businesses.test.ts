import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type BookingCollectionName, graphPaths } from '../../client/paths.js';
import { schemasDir } from '../../core/paths.js';
import { loadSchemaDocument } from '../../core/schemas/documents.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  oneToOneAppointment,
  subscribe,
} from '../../testing/http.js';
import { clinic, lunch } from '../../testing/seed.js';
import { graphAppointmentRoutes } from './graph-appointments.js';
import { graphBusinessRoutes } from './graph-businesses.js';

/**
 * Graph's bookingBusiness routes and the CRUD of a business's services, staff members, customers
 * and custom questions (source [E]), checked through inject: the answers' shape, the rules, and
 * that a change reaches the appointment rules and the trigger API at once.
 */

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const host = 'http://localhost:80';
const lunchKey = "('lunch%40contoso.example')";

const definitionOf: Record<BookingCollectionName, string> = {
  services: 'bookingService',
  staffMembers: 'bookingStaffMember',
  customers: 'bookingCustomer',
  customQuestions: 'bookingCustomQuestion',
};

const propertiesOf = (definition: string) =>
  Object.keys(
    (loadSchemaDocument('graph-bookings').$defs[definition] as { properties: object }).properties,
  ).filter((name) => !name.includes('@'));

/** For each collection: a body Graph's samples would send, a change, and the required properties. */
const samples: Record<
  BookingCollectionName,
  { create: Record<string, unknown>; change: Record<string, unknown>; required: string[]; odataType?: string }
> = {
  services: {
    create: {
      '@odata.type': '#microsoft.graph.bookingService',
      displayName: 'Bento',
      defaultDuration: 'PT1H30M',
      defaultPrice: 10,
      defaultPriceType: 'fixedPrice',
      'defaultPriceType@odata.type': '#microsoft.graph.bookingPriceType',
      staffMemberIds: ['s-admin', 's-member'],
      customQuestions: [{ questionId: 'diet', isRequired: true }],
    },
    change: { defaultDuration: 'PT30M' },
    required: ['displayName'],
  },
  staffMembers: {
    create: {
      '@odata.type': '#microsoft.graph.bookingStaffMember',
      displayName: 'Dana Swope',
      emailAddress: 'danas@contoso.example',
      'role@odata.type': '#microsoft.graph.bookingStaffRole',
      role: 'externalGuest',
      timeZone: 'America/Chicago',
      workingHours: [
        {
          '@odata.type': '#microsoft.graph.bookingWorkHours',
          day: 'monday',
          timeSlots: [
            { '@odata.type': '#microsoft.graph.bookingWorkTimeSlot', startTime: '08:00', endTime: '17:00' },
          ],
        },
      ],
      isEmailNotificationEnabled: false,
    },
    change: { role: 'viewer' },
    required: ['displayName', 'emailAddress', 'role'],
    odataType: '#microsoft.graph.bookingStaffMember',
  },
  customers: {
    create: {
      '@odata.type': '#microsoft.graph.bookingCustomer',
      displayName: 'Joni Sherman',
      emailAddress: 'jonis@relecloud.example',
      phones: [{ number: '206-555-0100', type: 'home' }],
    },
    change: { displayName: 'Joni S.' },
    required: ['displayName', 'emailAddress'],
    odataType: '#microsoft.graph.bookingCustomer',
  },
  customQuestions: {
    create: {
      '@odata.type': '#microsoft.graph.bookingCustomQuestion',
      displayName: 'What is your age?',
      answerInputType: 'text',
      answerOptions: [],
    },
    change: { answerInputType: 'radioButton', answerOptions: ['<18', '18+'] },
    required: ['displayName'],
  },
};

const collectionNames = Object.keys(samples) as BookingCollectionName[];

describe('Graph bookingBusiness routes', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp({ clock: { virtualStart: '2026-01-05T08:00:00Z' } });
  });
  afterEach(async () => {
    await app.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  const patch = (url: string, payload: object) => app.inject({ method: 'PATCH', url, payload });
  const remove = (url: string) => app.inject({ method: 'DELETE', url });
  const collection = (name: BookingCollectionName, mailbox = lunch) => graphPaths.collection(mailbox, name);
  const member = (name: BookingCollectionName, id: string, mailbox = lunch) =>
    graphPaths.member(mailbox, name, id);
  const ids = async (url: string) =>
    ((await get(url)).json().value as Array<{ id: string }>).map((entity) => entity.id);

  describe('GET /v1.0/solutions/bookingBusinesses', () => {
    it('lists only the id and displayName of each business, as Graph does', async () => {
      const response = await get(graphPaths.businesses());
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        '@odata.context': `${host}/v1.0/$metadata#solutions/bookingBusinesses`,
        value: [
          { id: lunch, displayName: 'Contoso Lunch' },
          { id: clinic, displayName: 'Fabrikam Clinic' },
        ],
      });
    });

    it('takes query= as a case-insensitive text in the name or the address, and $count', async () => {
      expect(await ids(graphPaths.businesses({ query: 'LUNCH' }))).toEqual([lunch]);
      expect(await ids(graphPaths.businesses({ query: 'fabrikam.example' }))).toEqual([clinic]);
      expect(await ids(graphPaths.businesses({ query: 'nothing like it' }))).toEqual([]);
      const counted = (await get(graphPaths.businesses({ query: 'example', count: true }))).json();
      expect(counted['@odata.count']).toBe(2);
    });

    it('filters on displayName and email, which the list does not show', async () => {
      expect(await ids(graphPaths.businesses({ filter: "displayName eq 'Contoso Lunch'" }))).toEqual([lunch]);
      expect(await ids(graphPaths.businesses({ filter: "startswith(displayName,'Fab')" }))).toEqual([clinic]);
      expect(await ids(graphPaths.businesses({ filter: `email eq '${clinic}'` }))).toEqual([clinic]);
      expect(await ids(graphPaths.businesses({ orderby: 'displayName desc' }))).toEqual([clinic, lunch]);
      expectError(
        await get(graphPaths.businesses({ filter: "colour eq 'red'" })),
        400,
        'InvalidGraphRequest',
      );
    });
  });

  describe('GET /v1.0/solutions/bookingBusinesses/{id}', () => {
    it('answers every property of the business, null where it has no value', async () => {
      const response = await get(graphPaths.business(lunch));
      expect(response.statusCode).toBe(200);
      const business = response.json();
      expect(Object.keys(business)).toEqual(['@odata.context', ...propertiesOf('bookingBusiness')]);
      expect(business['@odata.context']).toBe(`${host}/v1.0/$metadata#solutions/bookingBusinesses/$entity`);
      expect(business).toMatchObject({
        id: lunch,
        displayName: 'Contoso Lunch',
        email: lunch,
        timeZone: 'UTC',
      });
    });

    it('answers 404 MailboxNotFound, with Graph innerError, for an unknown business', async () => {
      const response = await get(graphPaths.business('nobody@contoso.example'), {
        'client-request-id': 'c-42',
      });
      expectError(response, 404, 'MailboxNotFound');
      const { innerError } = response.json().error;
      expect(innerError['request-id']).toMatch(guid);
      expect(innerError['client-request-id']).toBe('c-42');
      expect(innerError.date).toBe('2026-01-05T08:00:00');
      for (const name of collectionNames)
        expectError(await get(collection(name, 'nobody@contoso.example')), 404, 'MailboxNotFound');
    });

    it('leaves innerError out of errors outside /v1.0/, and out of client-request-id when none is sent', async () => {
      const control = await app.inject({ method: 'POST', url: '/_emulator/reset', payload: { nope: 1 } });
      expect(control.statusCode).toBe(400);
      expect(control.json().error.innerError).toBeUndefined();
      const graph = (await get(`${graphPaths.business(lunch)}/nowhere`)).json().error;
      expect(graph.code).toBe('RouteNotFound');
      expect(Object.keys(graph.innerError)).toEqual(['date', 'request-id']);
    });
  });

  describe.each(collectionNames)('%s', (name) => {
    const sample = samples[name];
    const definition = definitionOf[name];
    const annotations = sample.odataType ? { '@odata.type': sample.odataType } : {};

    it('goes through create, read, update and delete as Graph answers them', async () => {
      const created = await post(collection(name), {
        ...sample.create,
        id: 'chosen-by-client',
        createdDateTime: '2000-01-01T00:00:00Z',
        webUrl: 'https://example.com',
        membershipStatus: 'rejectedByStaff',
      });
      expect(created.statusCode, created.body).toBe(201);
      const entity = created.json();
      expect(entity['@odata.context']).toBe(
        `${host}/v1.0/$metadata#solutions/bookingBusinesses${lunchKey}/${name}/$entity`,
      );
      expect(Object.keys(entity)).toEqual([
        '@odata.context',
        ...Object.keys(annotations),
        ...propertiesOf(definition),
      ]);
      expect(entity.id).toMatch(guid);
      expect(entity.createdDateTime).toBe('2026-01-05T08:00:00.0000000Z');
      expect(entity.lastUpdatedDateTime).toBe(entity.createdDateTime);
      expect(JSON.stringify(entity)).not.toContain('chosen-by-client');
      expect(JSON.stringify(entity)).not.toContain('rejectedByStaff');
      if (name !== 'services') expect(entity.webUrl).toBeUndefined();
      for (const [property, value] of Object.entries(sample.create))
        if (!property.includes('@') && property !== 'workingHours') expect(entity[property]).toEqual(value);

      const read = await get(member(name, entity.id));
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(entity);

      const list = (await get(collection(name))).json();
      expect(list['@odata.context']).toBe(
        `${host}/v1.0/$metadata#solutions/bookingBusinesses${lunchKey}/${name}`,
      );
      const { '@odata.context': _context, ...listed } = entity;
      expect(list.value).toContainEqual(listed);
      for (const item of list.value) expect(item['@odata.type']).toBe(sample.odataType);

      await app.emulator.runtime.clock.advanceBy(60_000);
      const changed = await patch(member(name, entity.id), { '@odata.type': 'ignored', ...sample.change });
      expect(changed.statusCode, changed.body).toBe(204);
      expect(changed.body).toBe('');
      const after = (await get(member(name, entity.id))).json();
      expect(after).toMatchObject(sample.change);
      expect(after.createdDateTime).toBe(entity.createdDateTime);
      expect(after.lastUpdatedDateTime).toBe('2026-01-05T08:01:00.0000000Z');

      expect((await remove(member(name, entity.id))).statusCode).toBe(204);
      expectError(await get(member(name, entity.id)), 404, 'BusinessResourceNotFound');
      expect(await ids(collection(name))).not.toContain(entity.id);
    });

    it('clears a property given null in an update', async () => {
      const { id } = (await post(collection(name), { ...sample.create, languageTag: 'en-GB' })).json();
      const optional = Object.keys(sample.create).find(
        (property) => !property.includes('@') && !sample.required.includes(property),
      ) as string;
      expect((await patch(member(name, id), { [optional]: null })).statusCode).toBe(204);
      expect((await get(member(name, id))).json()[optional]).toBeNull();
    });

    it('answers 404 BusinessResourceNotFound for an unknown id', async () => {
      for (const response of [
        await get(member(name, 'no-such-id')),
        await patch(member(name, 'no-such-id'), sample.change),
        await remove(member(name, 'no-such-id')),
      ]) {
        expectError(response, 404, 'BusinessResourceNotFound');
      }
    });

    it.each(sample.required)('refuses a create without %s, or an update that clears it', async (required) => {
      const { [required]: _left, ...rest } = sample.create;
      const missing = await post(collection(name), rest);
      expectError(missing, 400, 'InvalidGraphRequest');
      expect(missing.json().error.target).toBe(`/${required}`);
      // A role is an enum, which the schema already holds to; a blank name or address is no name or address.
      if (required !== 'role')
        expectError(await post(collection(name), { ...rest, [required]: ' ' }), 400, 'InvalidGraphRequest');
      const { id } = (await post(collection(name), sample.create)).json();
      expectError(await patch(member(name, id), { [required]: null }), 400, 'InvalidGraphRequest');
      expect((await get(member(name, id))).json()[required]).toEqual(sample.create[required]);
    });

    it('refuses a body of the wrong types with 400 InvalidRequestBody and changes nothing', async () => {
      const before = await ids(collection(name));
      const response = await post(collection(name), { ...sample.create, displayName: 42 });
      expectError(response, 400, 'InvalidRequestBody');
      expect(response.json().error.target).toBe('/displayName');
      expect(await ids(collection(name))).toEqual(before);
    });
  });

  describe('rules between the collections', () => {
    it('refuses a service naming staff or questions the business does not have, listing the known ids', async () => {
      const staff = await post(collection('services'), {
        displayName: 'X',
        staffMemberIds: ['s-admin', 'ghost'],
      });
      expectError(staff, 400, 'InvalidGraphRequest');
      expect(staff.json().error.target).toBe('/staffMemberIds/1');
      expect(staff.json().error.message).toContain('"s-member"');
      const question = await patch(member('services', 'one'), { customQuestions: [{ questionId: 'ghost' }] });
      expectError(question, 400, 'InvalidGraphRequest');
      expect(question.json().error.target).toBe('/customQuestions/0/questionId');
      expect(question.json().error.message).toContain('"topic"');
      expect(await ids(collection('services'))).toEqual(['one', 'group']);
    });

    it('gives a service Graph defaults for what the request leaves out', async () => {
      const service = (await post(collection('services'), { displayName: 'Plain' })).json();
      expect(service).toMatchObject({
        defaultDuration: 'PT30M',
        defaultPriceType: 'notSet',
        maximumAttendeesCount: 1,
        staffMemberIds: [],
        customQuestions: [],
        isHiddenFromCustomers: false,
        webUrl: `https://outlook.office365.com/owa/calendar/${lunch}/bookings/s/${service.id}`,
      });
      const staff = (
        await post(collection('staffMembers'), {
          displayName: 'N',
          emailAddress: 'n@x.example',
          role: 'guest',
        })
      ).json();
      expect(staff).toMatchObject({ timeZone: 'UTC', useBusinessHours: true, membershipStatus: 'active' });
      expect(staff.workingHours).toEqual((await get(graphPaths.business(lunch))).json().businessHours);
      const question = (await post(collection('customQuestions'), { displayName: 'Q?' })).json();
      expect(question).toMatchObject({ answerInputType: 'text', answerOptions: [] });
    });

    it('writes work hours as Graph writes them', async () => {
      const staff = (await post(collection('staffMembers'), samples.staffMembers.create)).json();
      expect(staff.workingHours).toEqual([
        { day: 'monday', timeSlots: [{ startTime: '08:00:00.0000000', endTime: '17:00:00.0000000' }] },
      ]);
    });

    it('refuses a radioButton question without options', async () => {
      const refused = await post(collection('customQuestions'), {
        displayName: 'Pick',
        answerInputType: 'radioButton',
      });
      expectError(refused, 400, 'InvalidGraphRequest');
      expect(refused.json().error.target).toBe('/answerOptions');
      expectError(
        await patch(member('customQuestions', 'topic'), { answerOptions: [] }),
        400,
        'InvalidGraphRequest',
      );
    });

    it('refuses a staff member whose e-mail address another one has, in any case', async () => {
      const response = await post(collection('staffMembers'), {
        displayName: 'Twin',
        emailAddress: 'ADMIN@contoso.example',
        role: 'guest',
      });
      expectError(response, 400, 'InvalidGraphRequest');
      expect(response.json().error.message).toContain('s-admin');
      expectError(
        await patch(member('staffMembers', 's-member'), { emailAddress: 'admin2@contoso.example' }),
        400,
        'InvalidGraphRequest',
      );
      expect(
        (await patch(member('staffMembers', 's-member'), { emailAddress: 'member@contoso.example' }))
          .statusCode,
      ).toBe(204);
    });

    it('refuses staff member 101', async () => {
      const seeded = (await ids(collection('staffMembers'))).length;
      for (let index = seeded; index < 100; index += 1) {
        const response = await post(collection('staffMembers'), {
          displayName: `S${index}`,
          emailAddress: `s${index}@x.example`,
          role: 'guest',
        });
        expect(response.statusCode).toBe(201);
      }
      const refused = await post(collection('staffMembers'), {
        displayName: 'One too many',
        emailAddress: 'late@x.example',
        role: 'guest',
      });
      expectError(refused, 400, 'InvalidGraphRequest');
      expect(refused.json().error.message).toContain('at most 100');
      expect(
        (await get(graphPaths.collection(lunch, 'staffMembers', { count: true, top: 1 }))).json()[
          '@odata.count'
        ],
      ).toBe(100);
    });

    it("takes a deleted staff member out of the services' staff", async () => {
      expect((await remove(member('staffMembers', 's-admin'))).statusCode).toBe(204);
      expect((await get(member('services', 'one'))).json().staffMemberIds).toEqual([]);
      expect((await get(member('services', 'group'))).json().staffMemberIds).toEqual(['s-member']);
    });

    it('takes a deleted custom question out of the services that asked it', async () => {
      expect((await remove(member('customQuestions', 'topic'))).statusCode).toBe(204);
      expect((await get(member('services', 'one'))).json().customQuestions).toEqual([
        { questionId: 'notes', isRequired: false },
      ]);
      // The appointment rules see it at once: the topic question is no longer required.
      const { customers } = oneToOneAppointment();
      const [customer] = customers;
      const booked = await createAppointment(
        app,
        oneToOneAppointment({ customers: [{ ...customer, customQuestionAnswers: [] }] }),
      );
      expect(booked.statusCode, booked.body).toBe(201);
    });

    it('lets an administrator added through Graph subscribe a flow at once', async () => {
      const outsider = { authorization: 'Bearer outsider-token01' };
      expectError(
        await subscribe(app, 'http://127.0.0.1:9/flow', { headers: outsider }),
        403,
        'NotBookingsAdministrator',
      );
      const added = await post(collection('staffMembers'), {
        displayName: 'Otto Outsider',
        emailAddress: 'outsider@contoso.example',
        role: 'administrator',
      });
      expect(added.statusCode).toBe(201);
      expect((await subscribe(app, 'http://127.0.0.1:9/flow', { headers: outsider })).statusCode).toBe(200);
    });

    it('lets an appointment book a service and question created through Graph', async () => {
      const question = (await post(collection('customQuestions'), { displayName: 'Allergies?' })).json();
      const service = (
        await post(collection('services'), {
          displayName: 'Tasting',
          defaultDuration: 'PT45M',
          staffMemberIds: ['s-member'],
          customQuestions: [{ questionId: question.id, isRequired: true }],
        })
      ).json();
      const customer = { name: 'Ana', emailAddress: 'ana@example.com' };
      const unanswered = await createAppointment(app, {
        serviceId: service.id,
        startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'UTC' },
        customers: [customer],
      });
      expect(unanswered.statusCode).toBe(400);
      const booked = await createAppointment(app, {
        serviceId: service.id,
        startDateTime: { dateTime: '2026-01-06T10:00:00', timeZone: 'UTC' },
        customers: [{ ...customer, customQuestionAnswers: [{ questionId: question.id, answer: 'None' }] }],
      });
      expect(booked.statusCode, booked.body).toBe(201);
      expect(booked.json()).toMatchObject({
        serviceId: service.id,
        serviceName: 'Tasting',
        staffMemberIds: ['s-member'],
        endDateTime: { dateTime: '2026-01-06T10:45:00.0000000Z' },
      });
    });

    it('keeps the businesses apart', async () => {
      expectError(await get(member('services', 'one', clinic)), 404, 'BusinessResourceNotFound');
      const refused = await post(collection('services', clinic), {
        displayName: 'X',
        staffMemberIds: ['s-admin'],
      });
      expectError(refused, 400, 'InvalidGraphRequest');
    });
  });

  describe('query options on lists', () => {
    it('filters, orders, selects, counts and pages a collection', async () => {
      const url = graphPaths.collection(lunch, 'staffMembers', {
        filter: "role eq 'administrator' and not startswith(displayName,'Jay')",
        orderby: 'displayName',
        select: ['displayName', 'role'],
        count: true,
      });
      expect((await get(url)).json()).toEqual({
        '@odata.context': `${host}/v1.0/$metadata#solutions/bookingBusinesses${lunchKey}/staffMembers`,
        '@odata.count': 2,
        value: [
          {
            '@odata.type': '#microsoft.graph.bookingStaffMember',
            id: 's-admin2',
            displayName: 'Abe Admin',
            role: 'administrator',
          },
          {
            '@odata.type': '#microsoft.graph.bookingStaffMember',
            id: 's-admin',
            displayName: 'Ada Admin',
            role: 'administrator',
          },
        ],
      });
      const first = (await get(graphPaths.collection(lunch, 'staffMembers', { top: 5 }))).json();
      expect(first.value).toHaveLength(5);
      expect(first['@odata.nextLink']).toBe(
        `${host}${graphPaths.collection(lunch, 'staffMembers', { top: 5 })}&$skip=5`,
      );
      const nextUrl = new URL(first['@odata.nextLink']);
      const second = (await get(`${nextUrl.pathname}${nextUrl.search}`)).json();
      expect(second.value.map((item: { id: string }) => item.id)).toEqual(['s-viewer', 's-guest', 's-ext']);
      expect(second['@odata.nextLink']).toBeUndefined();
    });

    it('answers 400 InvalidGraphRequest naming the option for a bad one', async () => {
      for (const [query, option] of [
        [{ filter: 'displayName eq' }, '$filter'],
        [{ orderby: 'colour' }, '$orderby'],
        [{ select: ['colour'] }, '$select'],
        [{ top: -1 }, '$top'],
      ] as const) {
        const response = await get(graphPaths.collection(lunch, 'services', query));
        expectError(response, 400, 'InvalidGraphRequest');
        expect(response.json().error.target).toBe(`query:${option}`);
      }
      expectError(await get(`${graphPaths.appointments(lunch)}?$skip=x`), 400, 'InvalidGraphRequest');
    });

    it('under graph-query-options=documented-only refuses all but $count, $expand and query=', async () => {
      const set = await app.inject({
        method: 'PUT',
        url: '/_emulator/policies',
        payload: { 'graph-query-options': 'documented-only' },
      });
      expect(set.statusCode, set.body).toBe(200);
      for (const url of [
        graphPaths.businesses({ filter: "displayName eq 'x'" }),
        graphPaths.collection(lunch, 'customers', { top: 1 }),
        graphPaths.collection(lunch, 'services', { orderby: 'displayName' }),
        graphPaths.appointments(lunch, { skip: 1 }),
        graphPaths.appointments(lunch, { select: 'serviceId' }),
      ]) {
        const response = await get(url);
        expectError(response, 400, 'UnsupportedQuery');
        expect(response.json().error.message).toContain('Graph documents only $count and $expand');
      }
      const counted = (
        await get(`${graphPaths.collection(lunch, 'services', { count: true })}&$expand=x`)
      ).json();
      expect(counted['@odata.count']).toBe(2);
      expect(await ids(graphPaths.businesses({ query: 'clinic' }))).toEqual([clinic]);
    });
  });

  describe('appointments list', () => {
    const book = (index: number) =>
      createAppointment(
        app,
        oneToOneAppointment({
          serviceId: index % 2 === 0 ? 'one' : 'group',
          startDateTime: {
            dateTime: new Date(Date.UTC(2026, 0, 6, 9) + index * 3_600_000).toISOString(),
            timeZone: 'UTC',
          },
          ...(index % 2 === 0
            ? {}
            : {
                customers: [
                  {
                    name: `C${index}`,
                    emailAddress: 'c@example.com',
                    customQuestionAnswers: [{ questionId: 'diet', selectedOptions: ['None'] }],
                  },
                ],
              }),
        }),
      );

    it('pages 250 appointments by 100: following @odata.nextLink yields each exactly once', async () => {
      const created: string[] = [];
      for (let index = 0; index < 250; index += 1) {
        const response = await book(index);
        expect(response.statusCode, response.body).toBe(201);
        created.push(response.json().id);
      }
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let url: string | undefined = `${graphPaths.appointments(lunch)}?$count=true`;
      while (url) {
        const page: { '@odata.count': number; '@odata.nextLink'?: string; value: Array<{ id: string }> } = (
          await get(url)
        ).json();
        expect(page['@odata.count']).toBe(250);
        pageSizes.push(page.value.length);
        seen.push(...page.value.map((appointment) => appointment.id));
        const next = page['@odata.nextLink'];
        url = next === undefined ? undefined : next.replace(host, '');
      }
      expect(pageSizes).toEqual([100, 100, 50]);
      expect(seen).toEqual(created);
    });

    it('filters on paths, orders and tops the appointments', async () => {
      for (let index = 0; index < 6; index += 1) expect((await book(index)).statusCode).toBe(201);
      const url = graphPaths.appointments(lunch, {
        filter: "serviceId eq 'group' and startDateTime/dateTime ge '2026-01-06T10:00:00'",
        orderby: 'startDateTime/dateTime desc',
        top: 2,
      });
      const page = (await get(url)).json();
      expect(
        page.value.map(
          (appointment: { startDateTime: { dateTime: string } }) => appointment.startDateTime.dateTime,
        ),
      ).toEqual(['2026-01-06T14:00:00.0000000Z', '2026-01-06T12:00:00.0000000Z']);
      expect(page['@odata.nextLink']).toContain('$skip=2');
      expect((await get(page['@odata.nextLink'].replace(host, ''))).json().value).toHaveLength(1);
    });
  });
});

describe('schemas/openapi.yaml', () => {
  const documented = () => {
    const document = parseYaml(readFileSync(join(schemasDir, 'openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1.0/'))
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter((method) => method !== 'parameters')
          .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
  };

  it('describes every Graph route of the business and appointment plugins', async () => {
    const registered: string[] = [];
    const probe = Fastify();
    probe.setValidatorCompiler(() => () => true);
    probe.addHook('onRoute', (route) => {
      for (const method of [route.method].flat())
        if (method !== 'HEAD') registered.push(`${method} ${route.url.replace(/\/$/, '')}`);
    });
    await probe.register(graphAppointmentRoutes, { prefix: '/v1.0/solutions/bookingBusinesses' });
    await probe.register(graphBusinessRoutes, { prefix: '/v1.0/solutions/bookingBusinesses' });
    await probe.ready();
    const paths = documented().map((route) => route.replace(/:\w+/g, ':param'));
    expect(registered.length).toBeGreaterThan(25);
    for (const route of registered) expect(paths, route).toContain(route.replace(/:\w+/g, ':param'));
    await probe.close();
  });

  it('documents only Graph routes that exist', async () => {
    const app = await buildTestApp();
    for (const route of documented()) {
      const [method = '', url = ''] = route.split(' ');
      expect(app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }
    await app.close();
  });
});
