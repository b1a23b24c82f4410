import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedCli, startCli } from '../emulator/testing/cli.js';

/**
 * Issue 8, point 1, against the real process (`bookings-emulator start`): requests that only a raw
 * socket can send. Each gets an answer in the error envelope or a closed connection; afterwards the
 * emulator still answers, nothing changed, SIGTERM exits 0, and nothing crashed on the way.
 */

const subscribePath =
  '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated';
const subscribeJson = (url: string) =>
  JSON.stringify({ webhook: { notification_url: url, resource: 'Appointments', change_type: ['Created'] } });

interface RawExchange {
  /** Everything the emulator sent back before the connection closed. */
  response: string;
  status: number | undefined;
  body: { error?: { code?: string; message?: string } } | undefined;
}

/**
 * Writes `bytes` to a fresh connection and collects the answer. `endAfterWrite` half-closes the
 * socket, as a client that has nothing more to send does; otherwise the connection is dropped
 * after `dropAfterMs`, as a client that gives up does.
 */
function rawRequest(
  url: string,
  bytes: string | Buffer,
  options: { endAfterWrite?: boolean; dropAfterMs?: number } = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString('utf8');
    });
    // A reset after the answer (the emulator closes bad connections) is expected, not a failure.
    socket.on('error', () => {});
    const timer = setTimeout(() => socket.destroy(), options.dropAfterMs ?? 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      const bodyText = response.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      let body: RawExchange['body'];
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = undefined;
      }
      resolve({ response, status: status === undefined ? undefined : Number(status), body });
    });
    socket.write(bytes, () => {
      if (options.endAfterWrite ?? true) socket.end();
    });
  });
}

function expectRefused(answer: RawExchange, status: number, code: string): void {
  expect(answer.status, answer.response).toBe(status);
  expect(answer.body?.error?.code).toBe(code);
}

function request(lines: string[], body: string | Buffer = ''): Buffer {
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(body)]);
}

describe('the real process against raw-socket bad input', () => {
  let cli: StartedCli;
  let before: string;

  const state = async () => {
    const flows = await (await fetch(`${cli.url}/_emulator/flows`)).json();
    const deliveries = await (await fetch(`${cli.url}/_emulator/deliveries`)).json();
    const inbox = await (await fetch(`${cli.url}/_emulator/inbox/raw`)).json();
    return JSON.stringify({ flows, deliveries, inbox });
  };

  beforeAll(async () => {
    // Request logs on, so an error answer or a crash would show in the output.
    cli = await startCli(['--port', '0', '--log-level', 'info']);
    const subscribed = await fetch(`${cli.url}${subscribePath}`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-token', 'content-type': 'application/json' },
      body: subscribeJson(`${cli.url}/_emulator/inbox/raw`),
    });
    expect(subscribed.status).toBe(200);
    before = await state();
  });

  afterAll(async () => {
    if (cli && cli.child.exitCode === null) await cli.stop('SIGKILL');
  });

  const chunkedInboxPost = [
    'POST /_emulator/inbox/raw HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'Transfer-Encoding: chunked',
  ];
  const postHeaders = (path: string, length: number | string, extra: string[] = []) => [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Authorization: Bearer admin-token',
    'Content-Type: application/json',
    `Content-Length: ${length}`,
    ...extra,
  ];

  it('invalid UTF-8 in a subscribe body: 400 MalformedJson', async () => {
    const body = Buffer.concat([
      Buffer.from('{"webhook":{"notification_url":"http://127.0.0.1:9/caf'),
      Buffer.from([0xe9]),
      Buffer.from('","resource":"Appointments","change_type":["Created"]}}'),
    ]);
    const answer = await rawRequest(cli.url, request(postHeaders(subscribePath, body.length), body));
    expectRefused(answer, 400, 'MalformedJson');
    expect(answer.body?.error?.message).toMatch(/not valid UTF-8/);
  });

  it('a body over 1 MiB announced by Content-Length: 413 before it is read', async () => {
    const answer = await rawRequest(
      cli.url,
      request(postHeaders(subscribePath, 5 * 1024 * 1024), '{"webhook":'),
    );
    expectRefused(answer, 413, 'PayloadTooLarge');
  });

  it('a chunked body that grows past 1 MiB: 413', async () => {
    const chunk = `100000\r\n${'x'.repeat(0x100000)}\r\n`;
    const answer = await rawRequest(cli.url, request(chunkedInboxPost, `${chunk}${chunk}0\r\n\r\n`));
    expectRefused(answer, 413, 'PayloadTooLarge');
  });

  it('a truncated chunked body: 400 MalformedHttpRequest when the client stops sending', async () => {
    const answer = await rawRequest(cli.url, request(chunkedInboxPost, '20\r\n{"half": "a body'));
    expectRefused(answer, 400, 'MalformedHttpRequest');
    expect(answer.body?.error?.message).toMatch(/cannot be parsed/);
  });

  it('a Content-Length larger than the body, then a dropped connection: no answer owed, no harm', async () => {
    const answer = await rawRequest(cli.url, request(postHeaders('/_emulator/inbox/raw', 500), '{"a": 1}'), {
      endAfterWrite: false,
      dropAfterMs: 300,
    });
    expect(answer.response).toBe('');
  });

  it('a Content-Length larger than the body, then end of input: 400 MalformedHttpRequest', async () => {
    const answer = await rawRequest(cli.url, request(postHeaders('/_emulator/inbox/raw', 500), '{"a": 1}'));
    expectRefused(answer, 400, 'MalformedHttpRequest');
  });

  it('a Content-Length smaller than the body: the rest is not a request (400)', async () => {
    const answer = await rawRequest(cli.url, request(postHeaders('/_emulator/inbox/raw', 3), '{"a": 1}'));
    expect(answer.response).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.response).toMatch(/"code":"(MalformedJson|MalformedHttpRequest)"/);
  });

  it('Content-Length and chunked together (request smuggling): 400 MalformedHttpRequest', async () => {
    const answer = await rawRequest(
      cli.url,
      request(postHeaders('/_emulator/inbox/raw', 3, ['Transfer-Encoding: chunked']), '0\r\n\r\n'),
    );
    expect(answer.status, answer.response).toBe(400);
    expect(answer.body?.error?.message).toMatch(/Transfer-Encoding can't be present with Content-Length/);
  });

  it('a raw NUL in the path: 400 MalformedHttpRequest', async () => {
    const answer = await rawRequest(
      cli.url,
      'GET /_emulator/inbox/a\u0000b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    expectRefused(answer, 400, 'MalformedHttpRequest');
    expect(answer.body?.error?.message).toMatch(/Invalid char in url path/);
  });

  it('an encoded NUL in {WebhookId}: 400 InvalidPath', async () => {
    const answer = await rawRequest(
      cli.url,
      request([
        'DELETE /BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/x%00 HTTP/1.1',
        'Host: 127.0.0.1',
        'Authorization: Bearer admin-token',
        'Connection: close',
      ]),
    );
    expectRefused(answer, 400, 'InvalidPath');
  });

  it('a raw .. as {SMTPAddress} is a mailbox that does not exist (404), not a way to another path', async () => {
    const body = subscribeJson('http://127.0.0.1:9/flow');
    const answer = await rawRequest(
      cli.url,
      request(
        postHeaders('/BookingsService/api/V1/bookingBusinesses/../webhook/AppointmentCreated', body.length, [
          'Connection: close',
        ]),
        body,
      ),
    );
    expectRefused(answer, 404, 'MailboxNotFound');
  });

  it('headers over 16 KiB: 431 RequestHeadersTooLarge', async () => {
    const answer = await rawRequest(
      cli.url,
      request(['GET /_emulator/health HTTP/1.1', 'Host: 127.0.0.1', `X-Padding: ${'a'.repeat(20_000)}`]),
    );
    expectRefused(answer, 431, 'RequestHeadersTooLarge');
  });

  it('a TLS handshake on the plain-HTTP port: 400 MalformedHttpRequest', async () => {
    const answer = await rawRequest(
      cli.url,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
    );
    expectRefused(answer, 400, 'MalformedHttpRequest');
  });

  it('afterwards: healthy, state unchanged, SIGTERM exits 0, and no crash or stack trace was printed', async () => {
    const health = await fetch(`${cli.url}/_emulator/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await state()).toBe(before);
    expect(await cli.stop('SIGTERM')).toBe(0);
    const output = cli.output();
    expect(output).not.toMatch(/unhandled|uncaught|ERR_UNHANDLED_REJECTION/i);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(output).not.toMatch(/"level":(50|60)/);
    const answered = [...output.matchAll(/"statusCode":(\d{3})/g)].map((match) => Number(match[1]));
    expect(answered.length).toBeGreaterThan(5);
    expect(answered.filter((status) => status >= 500)).toEqual([]);
  });
});
