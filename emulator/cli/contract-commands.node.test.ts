import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { cliPath, runCli } from '../testing/cli.js';

const captured = join(packageRoot, 'fixtures', 'captured');
const temp = () => mkdtempSync(join(tmpdir(), 'bookings-contract-'));

/** Runs the CLI with `input` on stdin. */
const runWithStdin = (args: string[], input: string) => runCli(args, 20_000, { stdin: input });

describe('bookings-emulator validate', () => {
  it('exits 0 for a folder of valid payloads, naming each file', async () => {
    const result = await runCli(['validate', captured]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('one-to-one-created.json: valid');
  });

  it('exits 1 for an invalid payload, with pointer, expected and found', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ customerEmail: 'a@b.example', Duration: '30' }));
    const result = await runCli(['validate', join(dir, 'bad.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('bad.json: invalid');
    expect(result.stdout).toContain('/customerEmail: expected no such property, found "a@b.example"');
    expect(result.stdout).toContain('/Duration: expected integer, found "30"');
  });

  it('exits 2 for unreadable input, and --json reports every verdict', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'good.json'), '{}');
    writeFileSync(join(dir, 'broken.json'), '{"Duration": ');
    const result = await runCli(['validate', dir, '--json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { files: Array<{ file: string; status: string }> };
    expect(report.files.map((file) => file.status).sort()).toEqual(['unreadable', 'valid']);
    expect((await runCli(['validate', join(dir, 'missing.json')])).code).toBe(2);
    expect((await runCli(['validate', dir, '--schema', 'nope'])).stderr).toMatch(/unknown schema "nope"/);
  });

  it('reads stdin with -, including JSON Lines, and checks other schemas by name', async () => {
    const good = await runWithStdin(
      ['validate', '-'],
      readFileSync(join(captured, 'group-created.json'), 'utf8'),
    );
    expect(good.code).toBe(0);
    const lines = await runWithStdin(
      ['validate', '-', '--schema', 'subscribe-request'],
      '{"webhook":{}}\n{"webhook":{"notification_url":"x","resource":"Appointments","change_type":["Created"]}}\n',
    );
    expect(lines.code).toBe(1);
    expect(lines.stdout).toContain('document 1 /webhook/notification_url: expected present, found (missing)');
  });
});

describe('bookings-emulator fake', () => {
  it('prints valid AppointmentData, one JSON per line, the same for the same seed', async () => {
    const first = await runCli(['fake', '--count', '25', '--seed', '42', '--kind', 'group']);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(25);
    for (const line of lines)
      expect((JSON.parse(line) as { MaxAttendeesCount: number }).MaxAttendeesCount).toBeGreaterThan(1);
    expect((await runCli(['fake', '--count', '25', '--seed', '42', '--kind', 'group'])).stdout).toBe(
      first.stdout,
    );
    expect((await runCli(['fake', '--count', '25', '--seed', '43', '--kind', 'group'])).stdout).not.toBe(
      first.stdout,
    );
    const validated = await runWithStdin(
      ['validate', '-', '--schema', 'appointment-data.emulator'],
      first.stdout,
    );
    expect(validated.code, validated.stdout).toBe(0);
    const oneToOne = await runCli(['fake', '--seed', '1', '--kind', 'one-to-one']);
    expect((JSON.parse(oneToOne.stdout) as { MaxAttendeesCount: number }).MaxAttendeesCount).toBe(1);
  });

  it('refuses bad flags with exit 2', async () => {
    expect((await runCli(['fake', '--count', '0'])).code).toBe(2);
    expect((await runCli(['fake', '--kind', 'triple'])).code).toBe(2);
    expect((await runCli(['fake', '--seed', 'x'])).code).toBe(2);
  });
});

describe('bookings-emulator capture', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  async function startCapture(args: string[]): Promise<string> {
    const child = spawn(process.execPath, [cliPath, 'capture', '--port', '0', ...args], { cwd: packageRoot });
    stop = () => child.kill('SIGKILL');
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const match = /capturing on (http:\/\/\S+?)\/? ->/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('close', (code) => reject(new Error(`capture exited ${code}: ${output}`)));
    });
  }

  it('stores each POSTed body as a fixture, and --redact keeps the shape without personal data', async () => {
    const dir = temp();
    const url = await startCapture(['--out', dir, '--redact']);
    const body = readFileSync(join(captured, 'one-to-one-created.json'), 'utf8');
    const response = await fetch(`${url}/api/flow?code=abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'not json from jordan.miller@example.com',
    });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['capture-0001.json', 'capture-0002.txt']);
    const stored = readFileSync(join(dir, 'capture-0001.json'), 'utf8');
    expect(stored).not.toContain('Jordan Miller');
    expect(stored).not.toContain('jordan.miller@example.com');
    expect(Object.keys(JSON.parse(stored))).toEqual(Object.keys(JSON.parse(body)));
    expect(readFileSync(join(dir, 'capture-0002.txt'), 'utf8')).not.toContain('jordan.miller@example.com');
    const validated = await runCli(['validate', dir]);
    expect(validated.stdout).toContain('capture-0001.json: valid');
  });
});

describe('bookings-emulator drift', () => {
  it('exits 0 when captured payloads match the emulator, 1 with the differences, 2 for nothing to read', async () => {
    const same = temp();
    const fake = await runCli(['fake', '--count', '30', '--seed', '3']);
    for (const [index, line] of fake.stdout.trim().split('\n').entries()) {
      writeFileSync(join(same, `p${index}.json`), line);
    }
    const clean = await runCli(['drift', same]);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain('no drift');

    const drifted = temp();
    const payload = JSON.parse(readFileSync(join(captured, 'one-to-one-created.json'), 'utf8'));
    writeFileSync(
      join(drifted, 'a.json'),
      JSON.stringify({
        ...payload,
        StartTime: '2026-01-06T15:00:00Z',
        BookingPageUrl: 'https://book.example/',
      }),
    );
    const result = await runCli(['drift', drifted]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /DIFF \[one-to-one\] BookingPageUrl: present in 1 of 1 captured payloads; the emulator never sends it/,
    );
    expect(result.stdout).toMatch(
      /DIFF \[one-to-one\] StartTime: captured as other \(ISO 8601, no fraction, Z\); the emulator sends invariant/,
    );

    expect((await runCli(['drift', temp()])).code).toBe(2);
  });

  const realRun = join(captured, 'real-run-2026-06-created.partial.json');

  it('finds no drift in the real run of 2026-06 under the default policies, and says it is partial', async () => {
    const result = await runCli(['drift', realRun]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toBe(
      'captured: 1 one-to-one (1 partial), 0 group\nemulated with the default policies\nno drift: the emulator matches the captured shapes\n',
    );
  });

  it('--policy emulates under other policies: minutes report Duration, Exchange-style times report the times', async () => {
    const minutes = await runCli(['drift', realRun, '--policy', 'duration-unit=minutes']);
    expect(minutes.code).toBe(1);
    expect(minutes.stdout).toContain('emulated with duration-unit=minutes');
    expect(minutes.stdout.match(/^DIFF .*$/gm)).toEqual([
      'DIFF [one-to-one] Duration: captured as seconds; the emulator sends minutes (try --policy duration-unit=seconds)',
    ]);

    const exchange = await runCli(['drift', realRun, '--policy', 'time-format=exchange', '--json']);
    expect(exchange.code).toBe(1);
    const report = JSON.parse(exchange.stdout) as { policies: object; findings: Array<{ field: string }> };
    expect(report.policies).toEqual({ 'time-format': 'exchange' });
    expect(report.findings.map((finding) => finding.field).sort()).toEqual(['EndTime', 'StartTime']);
  });

  it('--policy with an unknown name or value exits 2 listing what is allowed', async () => {
    const name = await runCli(['drift', realRun, '--policy', 'time-zone=utc']);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(
      /Unknown policy "time-zone"\. Policies: duration-unit, buffers-in-times, time-format/,
    );
    const value = await runCli(['drift', realRun, '--policy', 'time-format=rfc1123']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('Policy time-format takes invariant | exchange | iso, got "rfc1123".');
  });
});
