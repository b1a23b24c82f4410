import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlowApp } from '../common/flow-app.js';
import { listenOnLoopback, runExampleScenario } from '../common/testing.js';
import { welcomeEmailFlow } from './flow.js';
import { buildSmtpSink, parseMail, type SmtpSink } from './smtp-sink.js';

/** The welcome e-mail example (README "Example flows"): examples/scenarios/welcome-email.yaml against the flow and an SMTP sink. */

let sink: SmtpSink;
let sinkUrl = '';
let smtpPort = 0;
const flows: FastifyInstance[] = [];

async function startFlow(port: number): Promise<string> {
  const app = buildFlowApp(
    welcomeEmailFlow({ smtp: { host: '127.0.0.1', port }, from: 'Contoso Lunch <bookings@contoso.example>' }),
  );
  flows.push(app);
  return listenOnLoopback(app);
}

beforeAll(async () => {
  sink = buildSmtpSink();
  sink.smtp.listen(0, '127.0.0.1');
  await once(sink.smtp.server, 'listening');
  smtpPort = (sink.smtp.server.address() as AddressInfo).port;
  sinkUrl = await listenOnLoopback(sink.api);
});

afterAll(async () => {
  await Promise.all(flows.map((flow) => flow.close()));
  await sink?.api.close();
  await new Promise<void>((resolve) => sink?.smtp.close(() => resolve()));
});

describe('the welcome e-mail example flow', () => {
  it('sends one e-mail per customer, once even when the delivery is duplicated', async () => {
    const { result, report } = await runExampleScenario('welcome-email.yaml', {
      flow: await startFlow(smtpPort),
      sink: sinkUrl,
    });
    expect(result.status, report).toBe('passed');
    expect(sink.messages).toHaveLength(3);
    const [jordan, bea] = sink.messages;
    expect(jordan?.text).toContain('Hello Jordan Miller,');
    expect(jordan?.text).toContain('When: 2026-01-06 09:00 UTC (30 minutes)');
    expect(jordan?.text).toContain('With: Adele Vance');
    // The choice answer arrives as an index (choice-answer-missing quirk) and is written as its option.
    expect(jordan?.text).toContain('- Topic?: Audit');
    expect(bea?.text).toContain('- Dietary needs?: Vegan');
    expect(bea?.text).toContain('(90 minutes)');
  });

  it('fails its scenario when the mail cannot be sent (nothing listens on the SMTP port)', async () => {
    const closed = buildSmtpSink();
    closed.smtp.listen(0, '127.0.0.1');
    await once(closed.smtp.server, 'listening');
    const deadPort = (closed.smtp.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.smtp.close(() => resolve()));
    const { result } = await runExampleScenario('welcome-email.yaml', {
      flow: await startFlow(deadPort),
      sink: sinkUrl,
    });
    expect(result.status).toBe('failed');
    expect(result.failures[0]?.message).toMatch(/flow "welcome": expectation not met/);
  }, 90_000);

  it('reads quoted-printable and encoded-word mail', () => {
    const raw = [
      'Subject: =?UTF-8?Q?Caf=C3=A9_time?=',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Cr=C3=A8me =',
      'br=C3=BBl=C3=A9e',
    ].join('\r\n');
    expect(parseMail(raw)).toEqual({ subject: 'Café time', text: 'Crème brûlée' });
  });
});
