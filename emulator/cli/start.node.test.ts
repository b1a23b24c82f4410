import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type StartedCli, startCli } from '../testing/cli.js';

describe('bookings-emulator start', () => {
  let running: StartedCli | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) await running.stop('SIGKILL');
    running = undefined;
  });

  it('serves the built-in seed and prints URL, mailboxes, tokens and a curl line that works', async () => {
    running = await startCli(['--port', '0']);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${running.url}/_emulator/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const printed = running.output();
    expect(printed.split('\n')[0]).toBe(`listening on ${running.url}`);
    expect(printed).toContain('lunch@contoso.example');
    expect(printed).toMatch(/admin token: +admin-token/);
    expect(printed).toMatch(/non-admin token: +member-token/);

    // The printed curl line, replayed with fetch, subscribes the inbox.
    const curl =
      /curl -i -X POST '([^']+)' -H 'Authorization: Bearer ([^']+)' -H 'Content-Type: application\/json' -d '([^']+)'/.exec(
        printed,
      );
    expect(curl, printed).not.toBeNull();
    const [, url = '', token = '', body = ''] = curl ?? [];
    const subscribed = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(subscribed.status).toBe(200);
    expect(subscribed.headers.get('location')).toContain('/webhook/');
  });

  it('stops cleanly on SIGINT (Ctrl-C) and on SIGTERM', async () => {
    running = await startCli(['--port', '0', '--quiet']);
    expect(await running.stop('SIGINT')).toBe(0);
    running = await startCli(['--port', '0', '--quiet']);
    expect(await running.stop('SIGTERM')).toBe(0);
  });

  it('takes a seed file, a profile and quirks', async () => {
    const seed = join(tmpdir(), `bookings-seed-${process.pid}.yaml`);
    writeFileSync(
      seed,
      [
        'users: [{ upn: a@x.example, token: token-a-123 }]',
        'businesses:',
        '  - email: shop@x.example',
        '    displayName: X Shop',
        '    staff: [{ id: s1, displayName: A, emailAddress: a@x.example, role: administrator }]',
      ].join('\n'),
    );
    running = await startCli([
      '--port',
      '0',
      '--seed',
      seed,
      '--profile',
      'strict',
      '--quirk',
      'update-fires-on-create=on',
    ]);
    expect(running.output()).toContain('shop@x.example');
    const quirks = (await (await fetch(`${running.url}/_emulator/quirks`)).json()) as Record<string, boolean>;
    expect(quirks['update-fires-on-create']).toBe(true);
    const refused = await fetch(
      `${running.url}/BookingsService/api/V1/bookingBusinesses/shop%40x.example/webhook/AppointmentCreated`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer token-a-123', 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook: {
            notification_url: 'http://localhost:9/x',
            resource: 'Appointments',
            change_type: ['Created'],
          },
        }),
      },
    );
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'NotificationUrlNotAllowlisted',
    );
  });

  it.each([
    [['--port', 'abc'], /port number/],
    [['--port', '70000'], /port number/],
    [['--profile', 'lax'], /default, strict/],
    [['--quirk', 'nope=on'], /Unknown policy "nope"\. Policies: duration-unit, /],
    [['--quirk', 'update-fires-on-create'], /--quirk takes NAME=VALUE/],
    [['--policy', 'duration-unit=hours'], /Policy duration-unit takes seconds \| minutes, got "hours"/],
    [['--policy', 'no-such-policy=on'], /Unknown policy "no-such-policy"/],
    [['--retry-policy', 'forever'], /Unknown retry policy/],
    [['--seed', '/nonexistent/seed.yaml'], /cannot read the file/],
    [['--bogus'], /unknown option/],
  ])('exits 2 with a message that says what was expected: %j', async (args, message) => {
    const result = await runCli(['start', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on an invalid seed, naming each problem with its JSON pointer', async () => {
    const seed = join(tmpdir(), `bookings-bad-seed-${process.pid}.yaml`);
    writeFileSync(
      seed,
      'businesses:\n  - email: not-an-address\n    displayName: X\n    staff: [{ id: s1, role: boss }]\n',
    );
    const result = await runCli(['start', '--seed', seed]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/businesses/0/email');
    expect(result.stderr).toContain('/businesses/0/staff/0/role');
  });

  it('prints --version and --help', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['start', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--retry-policy');
  });
});
