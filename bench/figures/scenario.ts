import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { controlPaths, graphPaths } from '../../emulator/client/paths.js';
import { cliEntryPath } from '../../emulator/core/paths.js';
import { admin, appointmentsPath, demoMailbox, subscribePath } from '../lib/calls.js';
import { type Measure, sized } from '../lib/figure.js';
import { fmt, mib } from '../lib/format.js';
import { watchPeakRss } from '../lib/process-memory.js';
import { kill, spawnServer } from '../lib/server-process.js';

/** The 10,000-step scenario: 2,500 × create, update, cancel, expect, plus the subscribe. */
function scenarioOf(rounds: number): string {
  return [
    `name: bench-${rounds * 4}-steps`,
    'flows:',
    '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: [created, updated, cancelled], url: "inbox:all" }',
    'steps:',
    '  - subscribe: { flow: all }',
    '  - repeat:',
    `      times: ${rounds}`,
    '      steps:',
    '        - create: { ref: "a${i}", service: svc1, start: +1d, customer: { name: "C ${i}", email: c@example.com, answers: { q1: Tax } } }',
    '        - update: { ref: "a${i}", notes: "n${i}" }',
    '        - cancel: { ref: "a${i}", reason: r }',
    '        - expect: { flow: all, ref: "a${i}", count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: "n${i}" } }',
    '',
  ].join('\n');
}

/** The same steps as raw HTTP calls from undici against `bookings-emulator start`: the baseline. */
async function rawScenarioSteps(url: string, rounds: number): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: object, headers = json) => {
    const response = await request(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${text}`);
    return text;
  };
  await call(
    'POST',
    subscribePath,
    {
      webhook: {
        notification_url: `${url}${controlPaths.inbox('all')}`,
        resource: 'Appointments',
        change_type: ['Created', 'Updated', 'Deleted'],
      },
    },
    admin,
  );
  for (let i = 0; i < rounds; i++) {
    const created = JSON.parse(
      await call('POST', appointmentsPath, {
        serviceId: 'svc1',
        startDateTime: { dateTime: new Date(Date.now() + 86_400_000).toISOString(), timeZone: 'UTC' },
        customers: [
          {
            name: `C ${i}`,
            emailAddress: 'c@example.com',
            customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Tax'] }],
          },
        ],
      }),
    ) as { id: string };
    await call('PATCH', graphPaths.appointment(demoMailbox, created.id), { additionalInformation: `n${i}` });
    await call('POST', graphPaths.cancel(demoMailbox, created.id), { cancellationMessage: 'r' });
    // The expectation: poll the journal until the three deliveries have landed.
    for (;;) {
      const list = JSON.parse(
        await call('GET', controlPaths.deliveries({ appointmentId: created.id, status: 'delivered' })),
      ) as {
        deliveries: unknown[];
      };
      if (list.deliveries.length === 3) break;
    }
  }
}

/** `run` of a 10,000-step scenario (the build in dist/): wall time and peak RSS, against raw calls. */
export const measure: Measure = async (effort) => {
  const rounds = sized(effort, 2_500, 10);
  const steps = `${fmt(rounds * 4)}-step scenario (\`run\`)`;
  const folder = mkdtempSync(join(tmpdir(), 'bench-scenario-'));
  const file = join(folder, 'steps.yaml');
  writeFileSync(file, scenarioOf(rounds));
  const started = performance.now();
  const child = spawn(process.execPath, [cliEntryPath, 'run', file, '--reporter', 'json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const memory = watchPeakRss(child.pid ?? 0);
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => {
    report += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const peak = memory.stop();
  const ours = performance.now() - started;
  rmSync(folder, { recursive: true, force: true });
  if (code !== 0) throw new Error(`the scenario did not pass (exit ${code}): ${report.slice(0, 2_000)}`);

  const baselineStarted = performance.now();
  const server = await spawnServer([cliEntryPath, 'start', '--port', '0', '--quiet', '--log-level', 'error']);
  const serverMemory = watchPeakRss(server.child.pid ?? 0);
  await rawScenarioSteps(server.url, rounds);
  const serverPeak = serverMemory.stop();
  const bare = performance.now() - baselineStarted;
  await kill(server.child);
  const ratio = ours / bare;
  return [
    {
      figure: `${steps}: wall time`,
      value: `${fmt(ours / 1000, 1)} s`,
      baseline: `${fmt(bare / 1000, 1)} s (the same steps as raw HTTP calls)`,
      ratio,
      target: '≤ 2x',
      met: ratio <= 2,
    },
    {
      figure: `${steps}: peak RSS`,
      value: mib(peak),
      baseline: `${mib(serverPeak)} (the emulator's peak under the raw calls)`,
      ratio: peak / serverPeak,
      target: '< 150 MiB',
      met: peak < 150 * 2 ** 20,
    },
  ];
};
