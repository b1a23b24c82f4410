import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../emulator/generated/schema-types.js';
import { waitForSettled } from '../emulator/testing/deliveries.js';
import {
  buildTestApp,
  createAppointment,
  expectError,
  oneToOneAppointment,
  subscribe,
  subscribeBody,
  triggerBase,
} from '../emulator/testing/http.js';
import { TestReceiver } from '../emulator/testing/receiver.js';
import { adminAuth, clinic, lunch } from '../emulator/testing/seed.js';

/**
 * Issue 8, point 1: every HTTP route answers every malformed input with its exact status, its
 * stable error code and a message that says what is wrong, and a rejected request changes nothing.
 */

const bodyLimit = 1024 * 1024;
const json = { 'content-type': 'application/json' };
const otherAdminAuth = { authorization: 'Bearer other-admin-tok1' };

interface Expected {
  status: number;
  code: ErrorCode;
  /** What the message must say, so a user knows what to fix. */
  message: RegExp;
  target?: string;
}

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: () => string;
  headers?: Record<string, string>;
  /** Whether a missing body is an error (false: the body is optional, or anything is recorded). */
  bodyRequired: boolean;
  /** The built-in inbox records any content type; every other route takes JSON only. */
  acceptsAnyContentType?: boolean;
}

/** What the suite leaves in place before the bad inputs arrive: ids the routes need. */
const baseline = { webhookId: '', appointmentId: '', deliveryId: '' };

const encodedLunch = encodeURIComponent(lunch);
const triggerRoot = (connection: boolean) => `${connection ? '/shared-bookings-1f2e' : ''}${triggerBase}`;
const subscribeRoutes: BodyRoute[] = [false, true].flatMap((connection) =>
  ['AppointmentCreated', 'AppointmentUpdated', 'AppointmentDeleted', ''].map((trigger, index) => ({
    name: `subscribe ${trigger || 'backend form'}${connection ? ' (with connection id)' : ''}`,
    method: 'POST' as const,
    // Both spellings of {SMTPAddress}: %40 and a raw @.
    url: () =>
      `${triggerRoot(connection)}/bookingBusinesses/${index % 2 === 0 ? encodedLunch : lunch}/webhook/${trigger}`,
    headers: adminAuth,
    bodyRequired: true,
  })),
);
const graphBase = `/v1.0/solutions/bookingBusinesses/${encodedLunch}/appointments`;
const bodyRoutes: BodyRoute[] = [
  ...subscribeRoutes,
  {
    name: 'unsubscribe (DELETE with a body)',
    method: 'DELETE',
    url: () => `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/${baseline.webhookId}`,
    headers: adminAuth,
    bodyRequired: false,
  },
  { name: 'Graph create', method: 'POST', url: () => graphBase, bodyRequired: true },
  {
    name: 'Graph update',
    method: 'PATCH',
    url: () => `${graphBase}/${baseline.appointmentId}`,
    bodyRequired: true,
  },
  {
    name: 'Graph cancel',
    method: 'POST',
    url: () => `${graphBase}/${baseline.appointmentId}/cancel`,
    bodyRequired: true,
  },
  { name: 'control reset', method: 'POST', url: () => '/_emulator/reset', bodyRequired: false },
  { name: 'control faults', method: 'POST', url: () => '/_emulator/faults', bodyRequired: true },
  { name: 'control clock', method: 'POST', url: () => '/_emulator/clock', bodyRequired: true },
  { name: 'control quirks', method: 'PATCH', url: () => '/_emulator/quirks', bodyRequired: true },
  { name: 'control policies', method: 'PUT', url: () => '/_emulator/policies', bodyRequired: true },
  {
    name: 'self-service book',
    method: 'POST',
    url: () => `/_emulator/businesses/${encodedLunch}/book`,
    bodyRequired: true,
  },
  {
    name: 'control redeliver one',
    method: 'POST',
    url: () => `/_emulator/deliveries/${baseline.deliveryId}/redeliver`,
    bodyRequired: false,
  },
  {
    name: 'control redeliver many',
    method: 'POST',
    url: () => '/_emulator/deliveries/redeliver',
    bodyRequired: false,
  },
  {
    name: 'inbox POST',
    method: 'POST',
    url: () => '/_emulator/inbox/recorded',
    bodyRequired: false,
    acceptsAnyContentType: true,
  },
];

const invalidUtf8 = Buffer.concat([
  Buffer.from('{"webhook":{"notification_url":"http://127.0.0.1/caf'),
  Buffer.from([0xc3, 0x28]),
  Buffer.from('","resource":"Appointments","change_type":["Created"]}}'),
]);

const unsupportedMediaType = (message: RegExp): Expected => ({
  status: 415,
  code: 'UnsupportedMediaType',
  message,
  target: 'header:Content-Type',
});

interface BodyCase {
  name: string;
  headers: Record<string, string>;
  payload: string | Buffer;
  expected: Expected;
  /** Leave out routes where this input is fine. */
  appliesTo?: (route: BodyRoute) => boolean;
}

const bodyCases: BodyCase[] = [
  {
    name: 'malformed JSON',
    headers: json,
    payload: '{"webhook": {"notification_url": ',
    expected: {
      status: 400,
      code: 'MalformedJson',
      message: /not valid JSON \(Unexpected end of JSON input\)/,
    },
  },
  {
    name: 'a trailing comma',
    headers: json,
    payload: '{"a": 1,}',
    expected: { status: 400, code: 'MalformedJson', message: /not valid JSON .*position 8/ },
  },
  {
    name: 'invalid UTF-8',
    headers: json,
    payload: invalidUtf8,
    expected: {
      status: 400,
      code: 'MalformedJson',
      message: /not valid UTF-8 \(first bad byte at offset 52\)/,
    },
  },
  {
    name: 'a duplicate key',
    headers: json,
    payload: '{"webhook": {"resource": "Appointments", "resource": "Appointments"}}',
    expected: {
      status: 400,
      code: 'MalformedJson',
      message: /the key "resource" appears twice in one object at \/webhook\/resource/,
      target: '/webhook/resource',
    },
  },
  {
    name: 'a duplicate key spelled with an escape',
    headers: json,
    payload: '{"a": 1, "\\u0061": 2}',
    expected: { status: 400, code: 'MalformedJson', message: /the key "a" appears twice/, target: '/a' },
  },
  {
    name: 'an unpaired surrogate escape',
    headers: json,
    payload: '{"webhook": {"notification_url": "http://127.0.0.1/\\ud800"}}',
    expected: {
      status: 400,
      code: 'MalformedJson',
      message: /the string at \/webhook\/notification_url holds an unpaired UTF-16 surrogate/,
      target: '/webhook/notification_url',
    },
  },
  {
    name: 'a __proto__ key',
    headers: json,
    payload: '{"__proto__": {"polluted": true}}',
    expected: {
      status: 400,
      code: 'MalformedJson',
      message: /"__proto__".*not allowed/,
      target: '/__proto__',
    },
  },
  {
    name: 'nesting 10,000 levels deep',
    headers: json,
    payload: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    expected: { status: 400, code: 'MalformedJson', message: /nest deeper than 64 levels/ },
  },
  {
    name: 'a body one byte over the 1 MiB limit',
    headers: json,
    payload: `"${'x'.repeat(bodyLimit - 1)}"`,
    expected: { status: 413, code: 'PayloadTooLarge', message: /larger than 1048576 bytes/ },
  },
  {
    name: 'text/plain',
    headers: { 'content-type': 'text/plain' },
    payload: '{}',
    expected: unsupportedMediaType(/"text\/plain" is not supported.*Content-Type: application\/json/),
    appliesTo: (route) => !route.acceptsAnyContentType,
  },
  {
    name: 'a form body',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'webhook=1',
    expected: unsupportedMediaType(/x-www-form-urlencoded/),
    appliesTo: (route) => !route.acceptsAnyContentType,
  },
  {
    name: 'a body with no Content-Type',
    headers: {},
    payload: '{}',
    expected: unsupportedMediaType(/Content-Type \(none\)/),
    appliesTo: (route) => !route.acceptsAnyContentType,
  },
  {
    name: 'JSON in another charset',
    headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    payload: '{}',
    expected: unsupportedMediaType(/charset=iso-8859-1.*UTF-8 JSON/),
  },
  {
    name: 'an empty body',
    headers: json,
    payload: '',
    expected: { status: 400, code: 'InvalidRequestBody', message: /\(the body\) is missing/, target: '' },
    appliesTo: (route) => route.bodyRequired,
  },
];

/** Route-specific bodies: wrong types, unknown fields, overlong strings, broken rules. */
interface RouteCase {
  name: string;
  request: () => InjectOptions;
  expected: Expected;
}

const subscribeUrl = `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`;
const subscribeWith = (body: unknown, headers: Record<string, string> = adminAuth): InjectOptions => ({
  method: 'POST',
  url: subscribeUrl,
  headers,
  payload: body as object,
});
const validSubscribe = () => subscribeBody('http://127.0.0.1:9/flow');
const post = (url: string, payload: unknown): InjectOptions => ({
  method: 'POST',
  url,
  headers: json,
  payload: JSON.stringify(payload),
});
const patch = (url: string, payload: unknown): InjectOptions => ({ ...post(url, payload), method: 'PATCH' });
const invalidBody = (target: string, message: RegExp): Expected => ({
  status: 400,
  code: 'InvalidRequestBody',
  message,
  target,
});

const routeCases: RouteCase[] = [
  // Trigger API bodies.
  {
    name: 'subscribe: notification_url is a number',
    request: () => subscribeWith({ webhook: { ...validSubscribe().webhook, notification_url: 7 } }),
    expected: invalidBody('/webhook/notification_url', /\/webhook\/notification_url must be string/),
  },
  {
    name: 'subscribe: change_type is a string, not a list',
    request: () => subscribeWith({ webhook: { ...validSubscribe().webhook, change_type: 'Created' } }),
    expected: invalidBody('/webhook/change_type', /\/webhook\/change_type must be array/),
  },
  {
    name: 'subscribe: an unknown change_type',
    request: () => subscribeWith({ webhook: { ...validSubscribe().webhook, change_type: ['Moved'] } }),
    expected: invalidBody('/webhook/change_type/0', /\/webhook\/change_type\/0/),
  },
  {
    name: 'subscribe: an unknown field',
    request: () => subscribeWith({ webhook: { ...validSubscribe().webhook, secret: 'x' } }),
    expected: invalidBody('/webhook/secret', /\/webhook\/secret is not a property/),
  },
  {
    name: 'subscribe: camelCase instead of snake_case',
    request: () =>
      subscribeWith({
        webhook: {
          notificationUrl: 'http://127.0.0.1:9/',
          resource: 'Appointments',
          change_type: ['Created'],
        },
      }),
    expected: invalidBody('/webhook/notification_url', /\/webhook\/notification_url is required but missing/),
  },
  {
    name: 'subscribe: a 100,000-character notification_url',
    request: () =>
      subscribeWith({
        webhook: {
          ...validSubscribe().webhook,
          notification_url: `http://127.0.0.1:9/${'a'.repeat(100_000)}`,
        },
      }),
    expected: invalidBody('/webhook/notification_url', /more than 4096 characters/),
  },
  {
    name: 'subscribe: the body is a list',
    request: () => subscribeWith([validSubscribe()]),
    expected: invalidBody('', /\(the body\) must be object/),
  },
  {
    name: 'subscribe: the body is null',
    request: () => ({ ...subscribeWith({}), payload: 'null', headers: { ...adminAuth, ...json } }),
    expected: invalidBody('', /\(the body\) must be object/),
  },
  {
    name: 'subscribe: nested 60 levels (within the limit) is judged by the schema',
    request: () => ({
      ...subscribeWith({}),
      headers: { ...adminAuth, ...json },
      payload: JSON.stringify(validSubscribe()).replace(
        /\}\}$/,
        `,"a":${'{"a":'.repeat(58)}1${'}'.repeat(58)}}}`,
      ),
    }),
    expected: invalidBody('/webhook/a', /\/webhook\/a is not a property/),
  },
  {
    name: 'subscribe: a malformed body without credentials is judged on credentials first',
    request: () => ({ method: 'POST', url: subscribeUrl, headers: json, payload: '{"webhook":' }),
    expected: {
      status: 401,
      code: 'Unauthenticated',
      message: /Authorization: Bearer/,
      target: 'header:Authorization',
    },
  },
  // Graph bodies.
  {
    name: 'Graph create: serviceId is a number',
    request: () => post(graphBase, oneToOneAppointment({ serviceId: 42 })),
    expected: invalidBody('/serviceId', /\/serviceId must be string/),
  },
  {
    name: 'Graph create: startDateTime is a string',
    request: () => post(graphBase, oneToOneAppointment({ startDateTime: '2026-01-06T09:00:00Z' })),
    expected: invalidBody('/startDateTime', /\/startDateTime must be object/),
  },
  {
    name: 'Graph create: a 20,000-character customer name',
    request: () =>
      post(
        graphBase,
        oneToOneAppointment({ customers: [{ name: 'N'.repeat(20_000), emailAddress: 'a@b.example' }] }),
      ),
    expected: invalidBody('/customers/0/name', /more than 10000 characters/),
  },
  {
    name: 'Graph create: a service the business does not have',
    request: () => post(graphBase, oneToOneAppointment({ serviceId: 'no-such-service' })),
    expected: {
      status: 400,
      code: 'ServiceNotFound',
      message: /"no-such-service" does not exist/,
      target: '/serviceId',
    },
  },
  {
    name: 'Graph create: in a business that does not exist',
    request: () =>
      post('/v1.0/solutions/bookingBusinesses/nobody%40nowhere.example/appointments', oneToOneAppointment()),
    expected: { status: 404, code: 'MailboxNotFound', message: /nobody@nowhere\.example/ },
  },
  {
    name: 'Graph update: staffMemberIds is not a list',
    request: () => patch(`${graphBase}/${baseline.appointmentId}`, { staffMemberIds: 's-admin' }),
    expected: invalidBody('/staffMemberIds', /\/staffMemberIds must be array/),
  },
  {
    name: 'Graph update: an appointment that does not exist',
    request: () => patch(`${graphBase}/no-such-appointment`, { additionalInformation: 'x' }),
    expected: { status: 404, code: 'AppointmentNotFound', message: /"no-such-appointment"/ },
  },
  {
    name: 'Graph cancel: cancellationMessage is a number',
    request: () => post(`${graphBase}/${baseline.appointmentId}/cancel`, { cancellationMessage: 5 }),
    expected: invalidBody('/cancellationMessage', /must be string/),
  },
  {
    name: 'Graph cancel: a 10,001-character cancellationMessage',
    request: () =>
      post(`${graphBase}/${baseline.appointmentId}/cancel`, { cancellationMessage: 'x'.repeat(10_001) }),
    expected: invalidBody('/cancellationMessage', /more than 10000 characters/),
  },
  // Control API bodies.
  {
    name: 'reset: an unknown field',
    request: () => post('/_emulator/reset', { everything: true }),
    expected: invalidBody('/everything', /\/everything is not a property/),
  },
  {
    name: 'reset: a seed without businesses',
    request: () => post('/_emulator/reset', { seed: { users: [] } }),
    expected: invalidBody('/seed/businesses', /\/seed\/businesses is required/),
  },
  {
    name: 'reset: a seed with a business twice',
    request: () =>
      post('/_emulator/reset', {
        seed: {
          businesses: [
            { email: lunch, displayName: 'A' },
            { email: lunch.toUpperCase(), displayName: 'B' },
          ],
        },
      }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /duplicate business email/,
      target: '/seed',
    },
  },
  {
    name: 'reset: idSeed is negative',
    request: () => post('/_emulator/reset', { idSeed: -1 }),
    expected: invalidBody('/idSeed', /\/idSeed must be >= 0/),
  },
  {
    name: 'faults: a status the trigger API cannot answer',
    request: () => post('/_emulator/faults', { target: 'trigger-api', status: 418 }),
    expected: invalidBody('/status', /\/status/),
  },
  {
    name: 'faults: an unknown target',
    request: () => post('/_emulator/faults', { target: 'database', status: 500 }),
    expected: invalidBody('/target', /\/target/),
  },
  {
    name: 'clock: byMs is a string',
    request: () => post('/_emulator/clock', { byMs: '1000' }),
    expected: invalidBody('/byMs', /\/byMs must be (integer|number)/),
  },
  {
    name: 'clock: byMs is negative',
    request: () => post('/_emulator/clock', { byMs: -1 }),
    expected: invalidBody('/byMs', /\/byMs must be >= 0/),
  },
  {
    name: 'clock: both byMs and to',
    request: () => post('/_emulator/clock', { byMs: 1, to: '2030-01-01T00:00:00Z' }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /exactly one of "by" \(a duration such as 30m\), "byMs" \(milliseconds\) or "to"/,
      target: '/',
    },
  },
  {
    name: 'clock: to is in the past',
    request: () => post('/_emulator/clock', { to: '2001-01-01T00:00:00Z' }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /before the clock's now/,
      target: '/to',
    },
  },
  {
    name: 'clock: to is not a date',
    request: () => post('/_emulator/clock', { to: 'tomorrow' }),
    expected: invalidBody('/to', /date-time/),
  },
  {
    name: 'quirks: an unknown quirk',
    request: () => patch('/_emulator/quirks', { 'no-such-quirk': true }),
    expected: invalidBody('/no-such-quirk', /is not a property/),
  },
  {
    name: 'quirks: "yes" for a boolean',
    request: () => patch('/_emulator/quirks', { 'update-fires-on-create': 'yes' }),
    expected: invalidBody('/update-fires-on-create', /must be boolean/),
  },
  {
    name: 'redeliver: to a host that is not allowlisted',
    request: () =>
      post(`/_emulator/deliveries/${baseline.deliveryId}/redeliver`, { url: 'https://evil.example/' }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /Cannot redeliver to https:\/\/evil\.example\//,
      target: '/url',
    },
  },
  {
    name: 'redeliver: renewId is a string',
    request: () => post(`/_emulator/deliveries/${baseline.deliveryId}/redeliver`, { renewId: 'true' }),
    expected: invalidBody('/renewId', /must be boolean/),
  },
  {
    name: 'redeliver: a delivery that does not exist',
    request: () => post('/_emulator/deliveries/no-such-delivery/redeliver', {}),
    expected: {
      status: 404,
      code: 'DeliveryNotFound',
      message: /"no-such-delivery"/,
      target: 'path:deliveryId',
    },
  },
  {
    name: 'redeliver many: an unknown status in the filter',
    request: () => post('/_emulator/deliveries/redeliver', { filter: { status: 'lost' } }),
    expected: invalidBody('/filter/status', /must be one of/),
  },
  // Query strings.
  {
    name: 'deliveries: an unknown status',
    request: () => ({ method: 'GET', url: '/_emulator/deliveries?status=lost' }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /status must be one of/,
      target: 'query:status',
    },
  },
  {
    name: 'deliveries: webhookId given twice',
    request: () => ({ method: 'GET', url: '/_emulator/deliveries?webhookId=a&webhookId=b' }),
    expected: {
      status: 400,
      code: 'InvalidControlRequest',
      message: /"webhookId" is given 2 times; give it once/,
      target: 'query:webhookId',
    },
  },
  {
    name: 'mailbox list: X-Prefer-OWAUserConfig missing',
    request: () => ({
      method: 'GET',
      url: `${triggerBase}/bookingBusinessesUserAsAdmin`,
      headers: adminAuth,
    }),
    expected: {
      status: 400,
      code: 'MissingRequiredHeader',
      message: /X-Prefer-OWAUserConfig/,
      target: 'header:X-Prefer-OWAUserConfig',
    },
  },
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Path tricks in {SMTPAddress}, {WebhookId} and the other path parameters. */
const pathCases: RouteCase[] = [
  ...[
    {
      trick: 'an encoded slash and ..',
      segment: 'lunch%2F..%2F..%2Fclinic%40fabrikam.example',
      decoded: 'lunch/../../clinic@fabrikam.example',
    },
    { trick: 'a trailing encoded slash', segment: `${encodedLunch}%2F`, decoded: `${lunch}/` },
  ].map(
    ({ trick, segment, decoded }): RouteCase => ({
      name: `{SMTPAddress} with ${trick}`,
      request: () => ({
        ...subscribeWith(validSubscribe()),
        url: `${triggerBase}/bookingBusinesses/${segment}/webhook/AppointmentCreated`,
      }),
      expected: {
        status: 404,
        code: 'MailboxNotFound',
        message: new RegExp(`mailbox "${escapeRegExp(decoded)}"`),
        target: 'path:SMTPAddress',
      },
    }),
  ),
  ...['%00', '%0D%0ALocation:%20evil.example', '%1B'].flatMap((control): RouteCase[] => [
    {
      name: `{SMTPAddress} with ${control}`,
      request: () => ({
        ...subscribeWith(validSubscribe()),
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}${control}/webhook/AppointmentCreated`,
      }),
      expected: {
        status: 400,
        code: 'InvalidPath',
        message: /\{SMTPAddress\} contains a control character/,
        target: 'path:SMTPAddress',
      },
    },
    {
      name: `{WebhookId} with ${control}`,
      request: () => ({
        method: 'DELETE',
        url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/${baseline.webhookId}${control}`,
        headers: adminAuth,
      }),
      expected: {
        status: 400,
        code: 'InvalidPath',
        message: /\{WebhookId\} contains a control character/,
        target: 'path:WebhookId',
      },
    },
  ]),
  {
    name: '{SMTPAddress} that is not valid percent-encoding',
    request: () => ({
      ...subscribeWith(validSubscribe()),
      url: `${triggerBase}/bookingBusinesses/lunch%E0%A4%A/webhook/AppointmentCreated`,
    }),
    expected: { status: 400, code: 'InvalidPath', message: /not valid percent-encoding/ },
  },
  {
    name: '{SMTPAddress} of 3,000 characters',
    request: () => ({
      ...subscribeWith(validSubscribe()),
      url: `${triggerBase}/bookingBusinesses/${'a'.repeat(3000)}/webhook/AppointmentCreated`,
    }),
    expected: { status: 400, code: 'InvalidPath', message: /longer than 2048 characters/ },
  },
  {
    name: '{WebhookId} with an encoded slash and ..',
    request: () => ({
      method: 'DELETE',
      url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/..%2F${baseline.webhookId}`,
      headers: adminAuth,
    }),
    expected: {
      status: 404,
      code: 'WebhookNotFound',
      message: /No webhook "\.\.\/[0-9a-f-]+" exists/,
      target: 'path:WebhookId',
    },
  },
  {
    name: "{WebhookId} of one mailbox deleted through another mailbox's path",
    request: () => ({
      method: 'DELETE',
      url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(clinic)}/webhook/${baseline.webhookId}`,
      headers: otherAdminAuth,
    }),
    expected: {
      status: 404,
      code: 'WebhookNotFound',
      message: /exists on clinic@fabrikam\.example/,
      target: 'path:WebhookId',
    },
  },
  {
    name: 'Graph {appointmentId} with NUL',
    request: () => ({ method: 'GET', url: `${graphBase}/${baseline.appointmentId}%00` }),
    expected: {
      status: 400,
      code: 'InvalidPath',
      message: /\{appointmentId\} contains a control character/,
      target: 'path:appointmentId',
    },
  },
  {
    name: 'Graph {appointmentId} with an encoded slash',
    request: () => ({ method: 'DELETE', url: `${graphBase}/..%2F${baseline.appointmentId}` }),
    expected: { status: 404, code: 'AppointmentNotFound', message: /No appointment "\.\.\// },
  },
  {
    name: 'inbox name with NUL',
    request: () => ({ method: 'POST', url: '/_emulator/inbox/recorded%00', headers: json, payload: '{}' }),
    expected: {
      status: 400,
      code: 'InvalidPath',
      message: /\{name\} contains a control character/,
      target: 'path:name',
    },
  },
  {
    name: 'inbox name that is not valid percent-encoding',
    request: () => ({ method: 'GET', url: '/_emulator/inbox/%zz' }),
    expected: { status: 400, code: 'InvalidPath', message: /not valid percent-encoding/ },
  },
  {
    name: 'redeliver {deliveryId} with a line break',
    request: () => ({ method: 'POST', url: `/_emulator/deliveries/${baseline.deliveryId}%0A/redeliver` }),
    expected: {
      status: 400,
      code: 'InvalidPath',
      message: /\{deliveryId\} contains a control character/,
      target: 'path:deliveryId',
    },
  },
  {
    name: 'a schema file outside schemas/',
    request: () => ({ method: 'GET', url: '/_emulator/schemas/..%2F..%2Fpackage.json' }),
    expected: {
      status: 404,
      code: 'RouteNotFound',
      message: /No route GET \/_emulator\/schemas\/\.\.%2F\.\.%2Fpackage\.json/,
    },
  },
  {
    name: '{connectionId} with NUL',
    request: () => ({
      ...subscribeWith(validSubscribe()),
      url: `/conn%00ection${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/AppointmentCreated`,
    }),
    expected: {
      status: 400,
      code: 'InvalidPath',
      message: /\{connectionId\} contains a control character/,
      target: 'path:connectionId',
    },
  },
  {
    name: 'Graph GET of an appointment in a business that does not exist',
    request: () => ({
      method: 'GET',
      url: `/v1.0/solutions/bookingBusinesses/nobody/appointments/${baseline.appointmentId}`,
    }),
    expected: { status: 404, code: 'MailboxNotFound', message: /"nobody"/, target: 'path:SMTPAddress' },
  },
  {
    name: 'reset with PUT',
    request: () => ({ ...post('/_emulator/reset', {}), method: 'PUT' }),
    expected: { status: 404, code: 'RouteNotFound', message: /No route PUT \/_emulator\/reset/ },
  },
  {
    name: 'the events stream with POST',
    request: () => post('/_emulator/events', {}),
    expected: { status: 404, code: 'RouteNotFound', message: /No route POST \/_emulator\/events/ },
  },
];

describe('bad input on every HTTP route', () => {
  let app: FastifyInstance;
  let receiver: TestReceiver;
  let before: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  /** Everything a rejected request could have changed, read through the emulator's own API. */
  async function snapshot(): Promise<string> {
    const read = async (url: string) => (await app.inject({ method: 'GET', url })).json();
    return JSON.stringify({
      flows: await read('/_emulator/flows'),
      deliveries: await read('/_emulator/deliveries'),
      lunch: (await read(graphBase)).value,
      clinic: (await read(`/v1.0/solutions/bookingBusinesses/${encodeURIComponent(clinic)}/appointments`))
        .value,
      faults: await read('/_emulator/faults'),
      policies: await read('/_emulator/policies'),
      clock: await read('/_emulator/clock'),
      inbox: await read('/_emulator/inbox/recorded'),
    });
  }

  function expectRejected(response: LightMyRequestResponse, expected: Expected): void {
    expectError(response, expected.status, expected.code);
    const { error } = response.json();
    expect(error.message).toMatch(expected.message);
    if (expected.target !== undefined) expect(error.target).toBe(expected.target);
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    receiver = await new TestReceiver().start();
    app = await buildTestApp({ clock: { virtualStart: '2026-01-05T08:00:00Z' }, retryPolicy: 'none' });
    const subscribed = await subscribe(app, `${receiver.url}/flow`);
    expect(subscribed.statusCode, subscribed.body).toBe(200);
    baseline.webhookId = subscribed.json().webhookId;
    const created = await createAppointment(app, oneToOneAppointment());
    expect(created.statusCode, created.body).toBe(201);
    baseline.appointmentId = created.json().id;
    const [delivery] = await waitForSettled(app, 1);
    baseline.deliveryId = delivery?.deliveryId ?? '';
    const recorded = await app.inject({
      method: 'POST',
      url: '/_emulator/inbox/recorded',
      headers: json,
      payload: '{"n":1}',
    });
    expect(recorded.statusCode).toBe(200);
    before = await snapshot();
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.close();
    await receiver?.close();
  });

  describe.each(bodyRoutes)('$method $name', (route) => {
    const cases = bodyCases.filter((testCase) => testCase.appliesTo?.(route) ?? true);
    it.each(cases)('$name: $expected.status $expected.code, nothing changed', async (testCase) => {
      const response = await app.inject({
        method: route.method,
        url: route.url(),
        headers: { ...route.headers, ...testCase.headers },
        payload: testCase.payload,
      });
      expectRejected(response, testCase.expected);
      expect(await snapshot()).toBe(before);
    });
  });

  it.each(routeCases)('$name: $expected.status $expected.code, nothing changed', async (testCase) => {
    expectRejected(await app.inject(testCase.request()), testCase.expected);
    expect(await snapshot()).toBe(before);
  });

  it.each(pathCases)('$name: $expected.status $expected.code, nothing changed', async (testCase) => {
    expectRejected(await app.inject(testCase.request()), testCase.expected);
    expect(await snapshot()).toBe(before);
  });

  it('a body with a BOM, a UTF-8 charset and an escaped emoji is still accepted (the checks are not a blanket refusal)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      // A BOM and an escaped surrogate pair (an emoji). (The same key in two different objects, such
      // as questionId in each answer, was accepted when the baseline appointment was created.)
      payload: `\uFEFF{"target": "inbox", "inbox": "nobody-\\ud83d\\ude00", "status": 500, "count": 1}`,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode).toBe(204);
    expect(await snapshot()).toBe(before);
  });

  it('an empty JSON body on an optional-body route is no body (curl -X POST -H "Content-Type: application/json")', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/_emulator/deliveries/redeliver',
      headers: json,
      payload: '',
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json().deliveries).toHaveLength(1);
    await receiver.waitFor(2);
  });

  it('DELETE with Content-Type: application/json and no body unsubscribes (some HTTP clients always send the header)', async () => {
    const response = await app.inject({
      method: 'DELETE',
      url: `${triggerBase}/bookingBusinesses/${encodedLunch}/webhook/${baseline.webhookId}`,
      headers: { ...adminAuth, ...json },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/_emulator/flows' })).json().flows).toEqual([]);
  });

  it('after every rejection the emulator is healthy and logged no unhandled rejection', async () => {
    const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
    expect(health.json()).toEqual({ status: 'ok' });
    expect(unhandled).toEqual([]);
  });
});
