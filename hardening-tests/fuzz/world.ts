/**
 * The model side of the trigger-API and Graph-actions fuzzer: what the emulator should hold, who
 * the callers are, which URLs are allowlisted, and the invariants checked after every command.
 * The model knows the rules from docs/contract.md (Rules) and the test seed only; it never asks the
 * emulator's own allowlist or directory, so a broken rule there cannot hide itself.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ChangeType, Delivery, Subscription } from '../../emulator/generated/schema-types.js';
import { bearerHeader, unsignedJwt } from '../../emulator/testing/jwt.js';
import { clinic, lunch, testSeed } from '../../emulator/testing/seed.js';

export const clockStartMs = Date.parse('2026-01-05T08:00:00Z');
export const webhookLimit = 5;
export const unknownMailbox = 'nobody@contoso.example';

interface ModelFlow {
  webhookId: string;
  /** The business's address as seeded (the emulator stores it so). */
  mailbox: string;
  /** As subscribed, with the receiver's port filled in. */
  url: string;
  changeTypes: ChangeType[];
  createdBy: string;
}

export interface ModelAppointment {
  mailbox: string;
  id: string;
}

interface ExpectedDelivery {
  webhookId: string;
  url: string;
  changeType: ChangeType;
  appointmentId: string;
}

export interface FuzzModel {
  nowMs: number;
  flows: ModelFlow[];
  /** Webhook ids that were live once: unsubscribe targets that must answer 404. */
  goneWebhookIds: string[];
  appointments: ModelAppointment[];
  goneAppointments: ModelAppointment[];
  /** What the last appointment change must have put in the journal, and nothing else. */
  expected: ExpectedDelivery[];
  /** Every delivery id the journal has shown this run (a reset clears the journal, not this). */
  journaled: Set<string>;
}

export interface FuzzReal {
  app: FastifyInstance;
  /** The receiver's port: allowlisted URLs and forbidden spellings of 127.0.0.1 all point there. */
  port: number;
  /** Requests the commands sent, over all runs (invariant checks not counted). */
  counter: { requests: number };
}

export function newModel(): FuzzModel {
  return {
    nowMs: clockStartMs,
    flows: [],
    goneWebhookIds: [],
    appointments: [],
    goneAppointments: [],
    expected: [],
    journaled: new Set(),
  };
}

/** Sends one request a command stands for, and counts it. */
export function send(real: FuzzReal, options: InjectOptions): Promise<LightMyRequestResponse> {
  real.counter.requests += 1;
  return real.app.inject(options);
}

// --- who calls -------------------------------------------------------------------------------

export interface Caller {
  name: string;
  headers: Record<string, string>;
  /** Whom the credentials name; null when they must be refused with 401. */
  upn: string | null;
  /** An unsigned JWT's exp, in ms: refused from then on (emulator clock). */
  expiresAtMs?: number;
}

const jwtExpiry = clockStartMs + 3 * 60 * 60 * 1000;

export const callers: readonly Caller[] = [
  { name: 'lunch admin (token)', headers: bearerHeader('admin-token-0001'), upn: 'admin@contoso.example' },
  {
    name: 'second lunch admin (token)',
    headers: bearerHeader('admin2-token-001'),
    upn: 'admin2@contoso.example',
  },
  {
    name: 'lunch admin (unsigned JWT, expires after 3 h)',
    headers: bearerHeader(unsignedJwt({ upn: 'jwt-admin@contoso.example', exp: jwtExpiry / 1000 })),
    upn: 'jwt-admin@contoso.example',
    expiresAtMs: jwtExpiry,
  },
  { name: 'team member', headers: bearerHeader('member-token-001'), upn: 'member@contoso.example' },
  { name: 'viewer', headers: bearerHeader('viewer-token-001'), upn: 'viewer@contoso.example' },
  {
    name: 'clinic admin (token)',
    headers: bearerHeader('other-admin-tok1'),
    upn: 'other-admin@fabrikam.example',
  },
  {
    name: 'clinic admin (unsigned JWT, preferred_username)',
    headers: bearerHeader(unsignedJwt({ preferred_username: 'other-admin@fabrikam.example' })),
    upn: 'other-admin@fabrikam.example',
  },
  { name: 'no Authorization header', headers: {}, upn: null },
  { name: 'unknown token', headers: bearerHeader('guessed-token-42'), upn: null },
  {
    name: 'expired JWT of a lunch admin',
    headers: bearerHeader(unsignedJwt({ upn: 'admin@contoso.example', exp: clockStartMs / 1000 - 1 })),
    upn: null,
  },
  {
    name: 'JWT of a lunch admin for Graph',
    headers: bearerHeader(unsignedJwt({ upn: 'admin@contoso.example', aud: 'https://graph.microsoft.com' })),
    upn: null,
  },
];

export function identify(model: FuzzModel, caller: Caller): string | null {
  if (caller.expiresAtMs !== undefined && model.nowMs >= caller.expiresAtMs) return null;
  return caller.upn;
}

/** Administrators by business, straight from the seed (docs/contract.md (Rules): only they may subscribe). */
const administrators = new Map(
  testSeed.businesses.map((business) => [
    business.email.toLowerCase(),
    new Set(
      (business.staff ?? [])
        .filter((member) => member.role === 'administrator')
        .map((member) => member.emailAddress.toLowerCase()),
    ),
  ]),
);

export function isAdministrator(upn: string, mailbox: string): boolean {
  return administrators.get(mailbox.toLowerCase())?.has(upn.toLowerCase()) ?? false;
}

export function seededMailbox(spelled: string): string | undefined {
  const wanted = spelled.toLowerCase();
  return testSeed.businesses.find((business) => business.email.toLowerCase() === wanted)?.email;
}

export const mailboxSpellings: readonly string[] = [lunch, clinic, 'LUNCH@Contoso.Example', unknownMailbox];

// --- where flows point -----------------------------------------------------------------------

export interface UrlChoice {
  label: string;
  /** `{port}` is the receiver's port. */
  template: string;
  allowed: boolean;
}

/** Allowlisted spellings of the receiver (default profile: localhost and 127.0.0.1). */
export const allowedUrls: readonly UrlChoice[] = [
  'http://127.0.0.1:{port}/flow/plain',
  'http://localhost:{port}/flow/name',
  'HTTP://LOCALHOST:{port}/flow/upper',
  'http://LocalHost.:{port}/flow/trailing-dot',
  'http://127.0.0.1.:{port}/flow/ip-trailing-dot?x=1',
].map((template) => ({ label: 'allowed', template, allowed: true }));

/** Forbidden spellings that still reach the receiver if the allowlist let them through. */
export const forbiddenUrls: readonly UrlChoice[] = [
  'http://2130706433:{port}/decimal',
  'http://0x7f.1:{port}/hex-short',
  'http://0177.0.0.1:{port}/octal',
  'http://127.1:{port}/short',
  'http://[::ffff:127.0.0.1]:{port}/mapped',
  'http://evil.example@127.0.0.1:{port}/userinfo',
  'http://127.0.0.1:{port}@evil.example/userinfo-host',
  'http://%6c%6f%63%61%6c%68%6f%73%74:{port}/encoded',
  'http://local\thost:{port}/tab',
  'http://evil.example\\@localhost:{port}/backslash',
  'http://localhost.evil.example:{port}/suffix',
  'ftp://127.0.0.1:{port}/scheme',
  'javascript:fetch("http://127.0.0.1:{port}/")',
].map((template) => ({ label: 'forbidden', template, allowed: false }));

export function resolveUrl(choice: UrlChoice, port: number): string {
  return choice.template.replaceAll('{port}', String(port));
}

/** The URL a delivery must call for an allowlisted flow URL: the host lower case, no trailing dot. */
export function calledUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hostname = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return parsed.href;
}

/** A delivery goes to the receiver through a loopback name, whatever else happens. */
function expectLoopbackReceiver(url: string, port: number): void {
  const parsed = new URL(url);
  expect(['127.0.0.1', 'localhost'], `delivery host of ${url}`).toContain(parsed.hostname);
  expect(parsed.port, `delivery port of ${url}`).toBe(String(port));
}

// --- expected answers ------------------------------------------------------------------------

export function expectStatus(response: LightMyRequestResponse, status: number, code?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  if (code !== undefined) expect(response.json().error.code, response.body).toBe(code);
}

export function deliveriesFor(model: FuzzModel, change: ModelAppointment, changeType: ChangeType): void {
  model.expected = model.flows
    .filter((flow) => flow.mailbox === change.mailbox && flow.changeTypes.includes(changeType))
    .map((flow) => ({
      webhookId: flow.webhookId,
      url: calledUrl(flow.url),
      changeType,
      appointmentId: change.id,
    }));
}

// --- invariants --------------------------------------------------------------------------------

const byWebhook = (a: { webhookId: string }, b: { webhookId: string }) =>
  a.webhookId.localeCompare(b.webhookId);

/**
 * After every command: at most five flows per mailbox, each made by an administrator of its
 * business, exactly the flows the model holds; the journal grew by exactly the deliveries the
 * last change owed to flows live at that moment, each to an allowlisted host.
 */
export async function checkInvariants(model: FuzzModel, real: FuzzReal): Promise<void> {
  const response = await real.app.inject({ method: 'GET', url: '/_emulator/flows' });
  expect(response.statusCode).toBe(200);
  const flows = (response.json() as { flows: Subscription[] }).flows;
  const perMailbox = new Map<string, number>();
  for (const flow of flows) {
    const key = flow.mailbox.toLowerCase();
    perMailbox.set(key, (perMailbox.get(key) ?? 0) + 1);
    expect(perMailbox.get(key), `flows on ${flow.mailbox}`).toBeLessThanOrEqual(webhookLimit);
    expect(
      isAdministrator(flow.createdBy, flow.mailbox),
      `${flow.createdBy} administers ${flow.mailbox}`,
    ).toBe(true);
  }
  expect(
    flows
      .map(({ webhookId, mailbox, notificationUrl, changeTypes, createdBy }) => ({
        webhookId,
        mailbox,
        url: notificationUrl,
        changeTypes,
        createdBy,
      }))
      .sort(byWebhook),
  ).toEqual([...model.flows].sort(byWebhook));

  const fresh: Delivery[] = real.app.emulator.state.store.deliveries
    .list()
    .filter((delivery) => !model.journaled.has(delivery.deliveryId));
  for (const delivery of fresh) {
    model.journaled.add(delivery.deliveryId);
    expectLoopbackReceiver(delivery.url, real.port);
  }
  expect(
    fresh
      .map(({ webhookId, url, changeType, appointmentId }) => ({ webhookId, url, changeType, appointmentId }))
      .sort(byWebhook),
  ).toEqual([...model.expected].sort(byWebhook));
  model.expected = [];
}
