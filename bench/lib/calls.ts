import { request } from 'undici';
import { createEmulatorClient } from '../../emulator/client/client.js';
import { graphPaths, triggerApiPaths } from '../../emulator/client/paths.js';
import { injectTransport } from '../../emulator/client/transport.js';
import type { buildApp } from '../../emulator/http/app.js';

type App = Awaited<ReturnType<typeof buildApp>>;

export const admin = { authorization: 'Bearer admin-token', 'content-type': 'application/json' };

export const demoMailbox = 'lunch@contoso.example';
export const subscribePath = triggerApiPaths.subscribe(demoMailbox, 'created');
export const appointmentsPath = graphPaths.appointments(demoMailbox);

/** The Graph body of the bench's appointment `hour` hours after its first one. */
export const appointmentBody = (hour: number) => ({
  serviceId: 'svc1',
  startDateTime: {
    dateTime: new Date(Date.UTC(2026, 0, 6, 0) + hour * 3_600_000).toISOString(),
    timeZone: 'UTC',
  },
  customers: [
    {
      name: 'Jordan Miller',
      emailAddress: 'jordan@example.com',
      // svc1 asks a required question (policy graph-required-answers).
      customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Tax'] }],
    },
  ],
});

const clients = new WeakMap<App, ReturnType<typeof createEmulatorClient>>();

/** One client per app, as an app keeps its Graph client: the relay side builds nothing per change either. */
function inProcess(app: App) {
  let client = clients.get(app);
  if (!client) {
    client = createEmulatorClient({ transport: injectTransport(app), token: 'admin-token' });
    clients.set(app, client);
  }
  return client;
}

/** Subscribes a flow to Created on a mailbox (the demo one unless named), in process. */
export async function subscribeFlow(
  app: App,
  notificationUrl: string,
  mailbox = demoMailbox,
  token = 'admin-token',
): Promise<void> {
  const result = await inProcess(app).subscribe({ mailbox, url: notificationUrl, trigger: 'created', token });
  if (result.status >= 300)
    throw new Error(`subscribe ${mailbox}: ${result.status} ${result.error?.message}`);
}

/** Books an appointment `hour` hours after the bench's first one, in process: one change. */
export async function createAppointment(app: App, hour: number, mailbox = demoMailbox): Promise<void> {
  await inProcess(app).createAppointment(mailbox, appointmentBody(hour));
}

/** One raw POST of a JSON body from undici: the delivery baselines. */
export async function rawPost(url: string, body: string): Promise<void> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.body.dump();
}
