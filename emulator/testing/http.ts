import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { graphPaths, triggerApiPaths } from '../client/paths.js';
import type { EmulatorOptions } from '../config/options.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { subscribeRequest, triggerApiBase, triggerOf } from '../domain/triggers.js';
import type { ChangeType, ErrorCode } from '../generated/schema-types.js';
import { buildApp } from '../http/app.js';
import { adminAuth, jordan, lunch, testSeed } from './seed.js';

export const triggerBase = triggerApiBase;

export function buildTestApp(options: EmulatorOptions = {}): Promise<FastifyInstance> {
  return buildApp({ seed: testSeed, logLevel: false, ...options });
}

export function subscribeBody(url: string, changeType: ChangeType | ChangeType[] = 'Created') {
  const changeTypes = Array.isArray(changeType) ? changeType : [changeType];
  return subscribeRequest(
    url,
    changeTypes.map((each) => triggerOf[each]),
  );
}

/** Subscribes as Power Automate would, through the per-trigger path. */
export function subscribe(
  app: FastifyInstance,
  url: string,
  options: { changeType?: ChangeType; mailbox?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const changeType = options.changeType ?? 'Created';
  return app.inject({
    method: 'POST',
    url: triggerApiPaths.subscribe(options.mailbox ?? lunch, triggerOf[changeType]),
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
        ...jordan,
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

/**
 * The CustomQuestionAnswers a flow gets for the test seed's `one` service (choice-answer-missing on):
 * the topic as indexes of the options chosen, the notes question's text answer.
 */
export function oneServiceAnswers(topicIndexes: number[], notes: string) {
  return [
    {
      QuestionID: 'topic',
      Question: 'Topic?',
      IsRequired: true,
      AnswerOptions: ['Tax', 'Audit', 'Payroll'],
      SelectedOptions: topicIndexes,
    },
    { QuestionID: 'notes', Question: 'Anything else?', IsRequired: false, Answer: notes },
  ];
}

/** The Graph path of a business's appointments, or of one appointment. */
export function appointmentsPath(mailbox = lunch, appointmentId?: string): string {
  return appointmentId === undefined
    ? graphPaths.appointments(mailbox)
    : graphPaths.appointment(mailbox, appointmentId);
}

export function createAppointment(app: FastifyInstance, body: object, mailbox = lunch) {
  return app.inject({ method: 'POST', url: appointmentsPath(mailbox), payload: body });
}
