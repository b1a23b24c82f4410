/**
 * Starts one piece of an example flow setup on 127.0.0.1, with the README's ports as defaults:
 *
 *   npx tsx examples/flows/start.ts welcome-email   [--port 7101] [--smtp-port 2525] [--from ADDRESS]
 *   npx tsx examples/flows/start.ts smtp-sink       [--port 2526] [--smtp-port 2525]
 *   npx tsx examples/flows/start.ts zoom-meeting    [--port 7102] [--api-url http://127.0.0.1:4011]
 *   npx tsx examples/flows/start.ts stripe-payment  [--port 7103] [--api-url http://127.0.0.1:4021] [--price svc1=5000:eur]...
 *   npx tsx examples/flows/start.ts crm-upload      [--port 7104] [--api-url http://127.0.0.1:4031]
 *   npx tsx examples/flows/start.ts recorder        --port 4011 --upstream http://127.0.0.1:4010
 *
 * The first line printed is `listening on http://127.0.0.1:PORT`; Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildFlowApp } from './common/flow-app.js';
import { buildRecorder } from './common/recorder.js';
import { crmUploadFlow } from './crm-upload/flow.js';
import { type Price, stripePaymentFlow } from './stripe-payment/flow.js';
import { welcomeEmailFlow } from './welcome-email/flow.js';
import { buildSmtpSink } from './welcome-email/smtp-sink.js';
import { zoomMeetingFlow } from './zoom-meeting/flow.js';

const host = '127.0.0.1';
const defaultPorts: Record<string, number> = {
  'welcome-email': 7101,
  'zoom-meeting': 7102,
  'stripe-payment': 7103,
  'crm-upload': 7104,
  'smtp-sink': 2526,
};
const defaultApiUrls: Record<string, string> = {
  'zoom-meeting': 'http://127.0.0.1:4011',
  'stripe-payment': 'http://127.0.0.1:4021',
  'crm-upload': 'http://127.0.0.1:4031',
};

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function parsePrice(setting: string): [string, Price] {
  const match = /^([^=]+)=(\d+):([a-z]{3})$/.exec(setting);
  if (!match?.[1] || !match[2] || !match[3])
    fail(`--price takes SERVICE_ID=AMOUNT:CURRENCY, such as svc1=5000:eur; got "${setting}"`);
  return [match[1], { amount: Number(match[2]), currency: match[3] }];
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    'smtp-port': { type: 'string', default: '2525' },
    from: { type: 'string', default: 'Contoso Lunch <bookings@contoso.example>' },
    'api-url': { type: 'string' },
    token: { type: 'string', default: 'stand-in-token' },
    'host-user': { type: 'string', default: 'me' },
    'secret-key': { type: 'string', default: 'sk_test_stand_in' },
    price: { type: 'string', multiple: true, default: ['svc1=5000:eur', 'svc2=2500:eur'] },
    upstream: { type: 'string' },
  },
});

const what = positionals[0] ?? '';
const port = Number(values.port ?? defaultPorts[what] ?? Number.NaN);
if (!Number.isInteger(port)) fail(`--port is required for ${what || 'this'}`);
const apiUrl = values['api-url'] ?? defaultApiUrls[what] ?? '';
const smtpPort = Number(values['smtp-port']);

const servers: Array<{ close(): Promise<unknown> }> = [];

async function listen(app: FastifyInstance, note: string): Promise<void> {
  await app.listen({ port, host });
  servers.push(app);
  process.stdout.write(`listening on http://${host}:${port} (${what}${note})\n`);
}

const flowNote = ': subscribe /created, /updated or /cancelled';
switch (what) {
  case 'welcome-email':
    await listen(
      buildFlowApp(welcomeEmailFlow({ smtp: { host, port: smtpPort }, from: values.from }), { logger: true }),
      `${flowNote}; mail to smtp://${host}:${smtpPort}`,
    );
    break;
  case 'zoom-meeting':
    await listen(
      buildFlowApp(
        zoomMeetingFlow({ baseUrl: apiUrl, token: values.token, hostUserId: values['host-user'] }),
        {
          logger: true,
        },
      ),
      `${flowNote}; Zoom at ${apiUrl}`,
    );
    break;
  case 'stripe-payment':
    await listen(
      buildFlowApp(
        stripePaymentFlow({
          secretKey: values['secret-key'],
          apiUrl,
          prices: Object.fromEntries(values.price.map(parsePrice)),
        }),
        { logger: true },
      ),
      `${flowNote}; Stripe at ${apiUrl}`,
    );
    break;
  case 'crm-upload':
    await listen(
      buildFlowApp(crmUploadFlow({ orgUrl: apiUrl, token: values.token }), { logger: true }),
      `${flowNote}; Dynamics 365 at ${apiUrl}`,
    );
    break;
  case 'recorder':
    if (!values.upstream) fail('recorder needs --upstream URL (the Prism stand-in)');
    await listen(
      buildRecorder(values.upstream, { logger: true }),
      `: calls at /_recorder/calls, forwarded to ${values.upstream}`,
    );
    break;
  case 'smtp-sink': {
    const sink = buildSmtpSink();
    await new Promise<void>((resolve, reject) => {
      sink.smtp.once('error', reject);
      sink.smtp.listen(smtpPort, host, () => resolve());
    });
    servers.push({ close: () => new Promise<void>((resolve) => sink.smtp.close(() => resolve())) });
    await listen(sink.api, `: mail at /messages, SMTP on ${host}:${smtpPort}`);
    break;
  }
  default:
    fail(
      `start what? one of: ${[...Object.keys(defaultPorts), 'recorder'].join(', ')} (see the README, "Example flows")`,
    );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(servers.map((server) => server.close())).then(() => process.exit(0));
  });
}
