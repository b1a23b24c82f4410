import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, runCli, type StartedCli, startCli } from '../testing/cli.js';

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
    [
      ['--retain-deliveries', '0'],
      /'--retain-deliveries <n>' argument '0' is invalid\. expected a whole number of at least 1/,
    ],
    [['--retain-deliveries', 'lots'], /expected a whole number of at least 1/],
    [['--seed', '/nonexistent/seed.yaml'], /cannot read \/nonexistent\/seed\.yaml: no such file/],
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

/** `start` with stdout and stderr kept apart, until stdout shows the listening line. */
function startApart(args: string[]) {
  const child = spawn(process.execPath, [cliPath, 'start', '--port', '0', ...args]);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no listening line:\n${output.stdout}${output.stderr}`)),
      20_000,
    );
    child.stdout.on('data', () => {
      const url = /listening on (http:\/\/\S+)/.exec(output.stdout)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}:\n${output.stdout}${output.stderr}`)));
  });
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { child, output, listening, stop };
}

/** Waits until `read()` matches, or fails showing what was there. */
async function until(read: () => string, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (pattern.test(read())) return read();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${pattern} never showed in:\n${read()}`);
}

const curlPattern =
  /curl -i -X POST '([^']+)' -H 'Authorization: Bearer ([^']+)' -H 'Content-Type: application\/json' -d '([^']+)'/;

/** Replays the banner's curl line with fetch, the notification URL replaced when asked. */
function replayCurl(banner: string, notificationUrl?: string) {
  const [, url = '', token = '', body = ''] = curlPattern.exec(banner) ?? [];
  const sent = JSON.parse(body) as { webhook: { notification_url: string } };
  if (notificationUrl !== undefined) sent.webhook.notification_url = notificationUrl;
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(sent),
  });
}

describe('what start prints, and where', { timeout: 60_000 }, () => {
  let started: ReturnType<typeof startApart> | undefined;
  afterEach(async () => {
    if (started && started.child.exitCode === null) await started.stop();
    started = undefined;
  });

  it('keeps stdout for the banner with --log-level info: its first line is the listening line, the log goes to stderr', async () => {
    started = startApart(['--log-level', 'info']);
    const url = await started.listening;
    const { output } = started;
    expect(output.stdout.split('\n')[0]).toBe(`listening on ${url}`);
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    await until(() => output.stderr, /"msg":"request completed"/);
    expect(output.stdout).not.toContain('"level"');
    for (const line of output.stderr.trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('prints the dashboard URL, which answers', async () => {
    started = startApart([]);
    const url = await started.listening;
    expect(started.output.stdout.split('\n')[1]).toBe(`dashboard: ${url}/_emulator/ui`);
    expect((await fetch(`${url}/_emulator/ui`)).status).toBe(200);
  });

  it('says when the allowlist refuses the built-in inbox (--profile strict), and prints a line that works with a URL it allows', async () => {
    started = startApart(['--profile', 'strict']);
    const url = await started.listening;
    const banner = started.output.stdout;
    expect(banner).toContain(
      `the allowlist (--profile strict) refuses the built-in inbox ${url}/_emulator/inbox/demo: host "127.0.0.1" matches no allowlisted pattern.`,
    );
    expect(banner).toContain("a flow's callback URL must be on one of: *.logic.azure.com, *.azure-apim.net");
    expect(banner).toContain('start with --profile default, which allows 127.0.0.1');
    expect(banner).not.toMatch(/subscribe the built-in inbox/);
    // What the banner says is what a subscribe gets.
    const inbox = await replayCurl(banner, `${url}/_emulator/inbox/demo`);
    expect(inbox.status).toBe(403);
    expect(((await inbox.json()) as { error: { code: string } }).error.code).toBe(
      'NotificationUrlNotAllowlisted',
    );
    expect(banner).toContain('"notification_url":"YOUR_CALLBACK_URL"');
    const own = await replayCurl(
      banner,
      'https://prod-00.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=x',
    );
    expect(own.status).toBe(200);
  });

  it("says so when the seed's allowlist refuses loopback", async () => {
    const seed = join(tmpdir(), `bookings-allowlist-seed-${process.pid}.yaml`);
    writeFileSync(
      seed,
      [
        'allowlist: ["*.logic.azure.com", "receiver.internal"]',
        'users: [{ upn: a@x.example, token: token-a-123 }]',
        'businesses:',
        '  - email: shop@x.example',
        '    displayName: X Shop',
        '    staff: [{ id: s1, displayName: A, emailAddress: a@x.example, role: administrator }]',
      ].join('\n'),
    );
    started = startApart(['--seed', seed]);
    await started.listening;
    const banner = started.output.stdout;
    expect(banner).toContain("the allowlist (the seed's allowlist) refuses the built-in inbox");
    expect(banner).toContain('must be on one of: *.logic.azure.com, receiver.internal');
    expect(banner).toContain('add 127.0.0.1 to the seed\'s "allowlist"');
    expect((await replayCurl(banner, 'https://receiver.internal/hook')).status).toBe(200);
  });

  it('narrates each new flow with the change types it fires on, and warns on stderr when they differ from the path', async () => {
    started = startApart([]);
    const url = await started.listening;
    const subscribed = await fetch(
      `${url}/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentDeleted`,
      {
        method: 'POST',
        headers: { authorization: 'Bearer admin-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook: {
            notification_url: `${url}/_emulator/inbox/x`,
            resource: 'Appointments',
            change_type: ['Created'],
          },
        }),
      },
    );
    expect(subscribed.status).toBe(201);
    const note = subscribed.headers.get('x-emulator-note') ?? '';
    expect(note).toContain('this flow fires when an appointment is created, not when it is cancelled');
    const { output } = started;
    expect(
      await until(
        () => output.stdout,
        /^flow \S+ subscribed on lunch@contoso\.example: fires on Created \(created\) -> /m,
      ),
    ).toContain(`-> ${url}/_emulator/inbox/x`);
    const logged = await until(() => output.stderr, /"level":40/);
    const warnings = logged
      .split('\n')
      .filter((line) => line.includes('"level":40'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(warnings).toEqual([note]);
  });

  it.each([
    [
      ['--host', 'localhst'],
      /^bookings-emulator: cannot listen on localhst: (no such host|the name cannot be looked up now \(no DNS answer\)); use 127\.0\.0\.1, localhost or 0\.0\.0\.0 \(every interface\)\.$/,
    ],
    [
      ['--host', '192.0.2.1'],
      /^bookings-emulator: cannot listen on 192\.0\.2\.1: no network interface of this machine has that address; use 127\.0\.0\.1, localhost or 0\.0\.0\.0/,
    ],
  ])('exits 2 with what to use instead when it cannot listen: %j', async (args, message) => {
    const result = await runCli(['start', '--port', '0', ...args]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the port is in use, saying how to get a free one', async () => {
    started = startApart(['--quiet']);
    const port = new URL(await started.listening).port;
    const result = await runCli(['start', '--port', port]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `bookings-emulator: cannot listen on 127.0.0.1:${port}: the port is in use (another emulator?); choose another --port, or --port 0 for a free one.`,
    );
  });
});
