/** Fuzz commands on the Bookings trigger API (docs/contract.md (Operations, Rules)). */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ChangeType } from '../../emulator/generated/schema-types.js';
import { triggerBase } from '../../emulator/testing/http.js';
import { lunch, testSeed } from '../../emulator/testing/seed.js';
import { FuzzCommand, pickTarget, type Target } from './command.js';
import {
  type Caller,
  callers,
  expectStatus,
  type FuzzModel,
  type FuzzReal,
  identify,
  isAdministrator,
  resolveUrl,
  seededMailbox,
  send,
  type UrlChoice,
  webhookLimit,
} from './world.js';

export type TriggerPath = 'AppointmentCreated' | 'AppointmentUpdated' | 'AppointmentDeleted' | '';
export const bodyShapes = [
  'valid',
  'wrong resource',
  'no change types',
  'url not a string',
  'unknown field',
] as const;
export type BodyShape = (typeof bodyShapes)[number];

export interface Route {
  mailbox: string;
  encodeMailbox: boolean;
  /** Through a Power Platform connection: /{connectionId}/BookingsService/... */
  viaConnection: boolean;
}

function mailboxPath(route: Route): string {
  const mailbox = route.encodeMailbox ? encodeURIComponent(route.mailbox) : route.mailbox;
  return `${route.viaConnection ? '/shared-bookings-7f3a' : ''}${triggerBase}/bookingBusinesses/${mailbox}`;
}

function subscribeBody(shape: BodyShape, url: string, changeTypes: ChangeType[]): object {
  const webhook: Record<string, unknown> = {
    notification_url: url,
    resource: 'Appointments',
    change_type: changeTypes,
  };
  if (shape === 'wrong resource') webhook.resource = 'Calendars';
  if (shape === 'no change types') webhook.change_type = [];
  if (shape === 'url not a string') webhook.notification_url = 42;
  if (shape === 'unknown field') webhook.notificationUrl = url;
  return { webhook };
}

function webhookIdOf(response: LightMyRequestResponse): string {
  const location = String(response.headers.location ?? '');
  const webhookId = decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
  expect(webhookId, `Location: ${location}`).not.toBe('');
  if (response.statusCode === 200) expect(response.json().webhookId).toBe(webhookId);
  return webhookId;
}

/** The answer every trigger-API call owes before its own rule: 401, then 404 mailbox, then 403 (source [A][B]). */
function refusedCaller(
  model: FuzzModel,
  caller: Caller,
  spelled: string,
): { status: number; code: string } | { upn: string; mailbox: string } {
  const upn = identify(model, caller);
  if (upn === null) return { status: 401, code: 'Unauthenticated' };
  const mailbox = seededMailbox(spelled);
  if (mailbox === undefined) return { status: 404, code: 'MailboxNotFound' };
  if (!isAdministrator(upn, mailbox)) return { status: 403, code: 'NotBookingsAdministrator' };
  return { upn, mailbox };
}

export class Subscribe extends FuzzCommand {
  constructor(
    readonly caller: Caller,
    readonly route: Route,
    readonly path: TriggerPath,
    readonly url: UrlChoice,
    readonly changeTypes: ChangeType[],
    readonly shape: BodyShape,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const url = resolveUrl(this.url, real.port);
    const response = await send(real, {
      method: 'POST',
      url: `${mailboxPath(this.route)}/webhook/${this.path}`,
      headers: this.caller.headers,
      payload: subscribeBody(this.shape, url, this.changeTypes),
    });
    if (identify(model, this.caller) !== null && this.shape !== 'valid') {
      return expectStatus(response, 400, 'InvalidRequestBody');
    }
    const verdict = refusedCaller(model, this.caller, this.route.mailbox);
    if ('status' in verdict) return expectStatus(response, verdict.status, verdict.code);
    if (!this.url.allowed) return expectStatus(response, 403, 'NotificationUrlNotAllowlisted');
    if (model.flows.filter((flow) => flow.mailbox === verdict.mailbox).length >= webhookLimit) {
      return expectStatus(response, 429, 'WebhookLimitExceeded');
    }
    const answersWithId =
      this.path === 'AppointmentCreated' || (this.path === '' && this.changeTypes.includes('Created'));
    expectStatus(response, answersWithId ? 200 : 201);
    model.flows.push({
      webhookId: webhookIdOf(response),
      mailbox: verdict.mailbox,
      url,
      changeTypes: [...this.changeTypes],
      createdBy: verdict.upn,
    });
  }

  toString(): string {
    return `Subscribe(${this.caller.name}, ${JSON.stringify(this.route)}, "${this.path}", ${JSON.stringify(
      this.url.template,
    )}, [${this.changeTypes}], ${this.shape})`;
  }
}

/** Several subscribe calls at once by one administrator: the limit must hold under the race. */
export class SubscribeBurst extends FuzzCommand {
  constructor(
    readonly count: number,
    readonly url: UrlChoice,
    readonly changeTypes: ChangeType[],
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const admin = callers[0] as Caller;
    const room = Math.max(0, webhookLimit - model.flows.filter((flow) => flow.mailbox === lunch).length);
    const url = resolveUrl(this.url, real.port);
    const responses = await Promise.all(
      Array.from({ length: this.count }, () =>
        send(real, {
          method: 'POST',
          url: `${mailboxPath({ mailbox: lunch, encodeMailbox: true, viaConnection: false })}/webhook/`,
          headers: admin.headers,
          payload: subscribeBody('valid', url, this.changeTypes),
        }),
      ),
    );
    const accepted = responses.filter((response) => response.statusCode < 300);
    expect(accepted.length).toBe(Math.min(this.count, room));
    for (const response of responses) {
      if (response.statusCode >= 300) expectStatus(response, 429, 'WebhookLimitExceeded');
    }
    for (const response of accepted) {
      expectStatus(response, this.changeTypes.includes('Created') ? 200 : 201);
      model.flows.push({
        webhookId: webhookIdOf(response),
        mailbox: lunch,
        url,
        changeTypes: [...this.changeTypes],
        createdBy: admin.upn as string,
      });
    }
  }

  toString(): string {
    return `SubscribeBurst(${this.count}, ${JSON.stringify(this.url.template)}, [${this.changeTypes}])`;
  }
}

export class Unsubscribe extends FuzzCommand {
  constructor(
    readonly caller: Caller,
    readonly route: Route,
    readonly target: Target,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const live = model.flows.map((flow) => flow.webhookId);
    const webhookId =
      pickTarget(this.target, live, model.goneWebhookIds) ?? '5f0c6f3e-0000-4000-8000-000000000000';
    const response = await send(real, {
      method: 'DELETE',
      url: `${mailboxPath(this.route)}/webhook/${encodeURIComponent(webhookId)}`,
      headers: this.caller.headers,
    });
    const verdict = refusedCaller(model, this.caller, this.route.mailbox);
    if ('status' in verdict) return expectStatus(response, verdict.status, verdict.code);
    const index = model.flows.findIndex(
      (flow) => flow.webhookId === webhookId && flow.mailbox === verdict.mailbox,
    );
    if (index < 0) return expectStatus(response, 404, 'WebhookNotFound');
    expectStatus(response, 200);
    model.flows.splice(index, 1);
    model.goneWebhookIds.push(webhookId);
  }

  toString(): string {
    return `Unsubscribe(${this.caller.name}, ${JSON.stringify(this.route)}, ${JSON.stringify(this.target)})`;
  }
}

/** GET bookingBusinessesUserAsAdmin: only the mailboxes the caller administers (source [A]). */
export class ListMailboxes extends FuzzCommand {
  constructor(
    readonly caller: Caller,
    readonly withHeader: boolean,
  ) {
    super();
  }

  protected async act(model: FuzzModel, real: FuzzReal): Promise<void> {
    const response = await send(real, {
      method: 'GET',
      url: `${triggerBase}/bookingBusinessesUserAsAdmin`,
      headers: { ...this.caller.headers, ...(this.withHeader ? { 'x-prefer-owauserconfig': 'true' } : {}) },
    });
    const upn = identify(model, this.caller);
    if (upn === null) return expectStatus(response, 401, 'Unauthenticated');
    if (!this.withHeader) return expectStatus(response, 400, 'MissingRequiredHeader');
    expectStatus(response, 200);
    const listed = (response.json() as { mailboxes: Array<{ email: string }> }).mailboxes.map((m) => m.email);
    const administered = testSeed.businesses
      .filter((business) => isAdministrator(upn, business.email))
      .map((business) => business.email);
    expect(listed.sort()).toEqual(administered.sort());
  }

  toString(): string {
    return `ListMailboxes(${this.caller.name}, header: ${this.withHeader})`;
  }
}
