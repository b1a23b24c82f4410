import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { EmulatorOptions } from '../config/options.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import type { ChangeType, ErrorCode } from '../generated/schema-types.js';
import { buildApp } from '../http/app.js';
import { adminAuth, lunch, testSeed } from './seed.js';

export const triggerBase = '/BookingsService/api/V1';

export function buildTestApp(options: EmulatorOptions = {}): Promise<FastifyInstance> {
  return buildApp({ seed: testSeed, logLevel: false, ...options });
}

export function subscribeBody(url: string, changeType: ChangeType | ChangeType[] = 'Created') {
  return {
    webhook: {
      notification_url: url,
      resource: 'Appointments',
      change_type: Array.isArray(changeType) ? changeType : [changeType],
    },
  };
}

const triggerPath: Record<ChangeType, string> = {
  Created: 'AppointmentCreated',
  Updated: 'AppointmentUpdated',
  Deleted: 'AppointmentDeleted',
};

/** Subscribes as Power Automate would, through the per-trigger path. */
export function subscribe(
  app: FastifyInstance,
  url: string,
  options: { changeType?: ChangeType; mailbox?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const changeType = options.changeType ?? 'Created';
  return app.inject({
    method: 'POST',
    url: `${triggerBase}/bookingBusinesses/${encodeURIComponent(options.mailbox ?? lunch)}/webhook/${triggerPath[changeType]}`,
    headers: options.headers ?? adminAuth,
    payload: subscribeBody(url, changeType),
  });
}

/** Asserts status and error code, and that the body matches schemas/error.schema.json. */
export function expectError(response: LightMyRequestResponse, status: number, code: ErrorCode): void {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(getSchemaRegistry().check(schemaId('error'), body)).toEqual([]);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(20);
}

/** Asserts a delivered payload matches both the connector schema and the emulator's stricter profile. */
export function expectValidPayload(payload: unknown): void {
  const registry = getSchemaRegistry();
  expect(registry.check(schemaId('appointment-data'), payload), 'connector schema').toEqual([]);
  expect(registry.check(schemaId('appointment-data.emulator'), payload), 'emulator profile').toEqual([]);
}

/** Graph body for a 1:1 appointment on the test seed's `one` service. */
export function oneToOneAppointment(overrides: Record<string, unknown> = {}) {
  return {
    serviceId: 'one',
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [
      {
        name: 'Jordan Miller',
        emailAddress: 'jordan@example.com',
        phone: '+1 555 0100',
        notes: 'Prefers mornings',
        timeZone: 'America/New_York',
        location: {
          displayName: 'Home',
          address: {
            street: '1 Main St',
            city: 'Springfield',
            state: 'IL',
            countryOrRegion: 'USA',
            postalCode: '62701',
          },
        },
        customQuestionAnswers: [
          { questionId: 'topic', selectedOptions: ['Audit'] },
          { questionId: 'notes', answer: 'Bring coffee' },
        ],
      },
    ],
    additionalInformation: 'Second floor',
    ...overrides,
  };
}

export function createAppointment(app: FastifyInstance, body: object, mailbox = lunch) {
  return app.inject({
    method: 'POST',
    url: `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`,
    payload: body,
  });
}
