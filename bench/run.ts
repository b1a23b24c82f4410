/**
 * `npm run bench`: each figure beside a baseline measured in the same run, on loopback, bounded in
 * time. Prints one table and writes bench/RESULTS.md. Targets are checked here, never in tests.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { generateSync } from 'json-schema-faker';
import { request } from 'undici';
import { startEmulator } from '../emulator/api/start.js';
import { cliEntryPath, packageRoot } from '../emulator/core/paths.js';
import { loadSchemaDocument } from '../emulator/core/schemas/documents.js';
import { getSchemaRegistry, schemaId } from '../emulator/core/schemas/registry.js';
import { fakeAppointmentData } from '../emulator/fakes/appointment-data.js';
import type { Delivery } from '../emulator/generated/schema-types.js';
import { buildApp } from '../emulator/http/app.js';
import { load } from './lib/load.js';
import { watchPeakRss } from './lib/process-memory.js';
import { startCountingReceiver } from './lib/receiver.js';
import { inTurns, median, percentile, ratePerSecond } from './lib/stats.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: number;
  target: string;
  met: boolean;
}

const rows: Row[] = [];
/** Each throughput figure is measured this many times in turns with its baseline. */
const rounds = 4;
/** The same, for figures cheap enough to measure in many short turns. */
const shortRounds = 11;
const mib = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const admin = { authorization: 'Bearer admin-token', 'content-type': 'application/json' };
const cli = cliEntryPath;
const appointment = (hour: number) => ({
  serviceId: 'svc1',
  startDateTime: {
    dateTime: new Date(Date.UTC(2026, 0, 6, 0) + hour * 3_600_000).toISOString(),
    timeZone: 'UTC',
  },
  customers: [{ name: 'Jordan Miller', emailAddress: 'jordan@example.com' }],
});

/** Spawns a server process and resolves with its URL once it prints "listening on URL". */
async function spawnServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  return { url, child };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Milliseconds from spawning `args` until GET /_emulator/health answers. */
async function timeToHealthy(args: string[]): Promise<number> {
  const started = performance.now();
  const { url, child } = await spawnServer(args);
  for (;;) {
    try {
      if ((await request(`${url}/_emulator/health`)).statusCode === 200) break;
    } catch {}
  }
  const elapsed = performance.now() - started;
  await kill(child);
  return elapsed;
}

async function startup(): Promise<void> {
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) {
    ours.push(await timeToHealthy([cli, 'start', '--port', '0', '--quiet']));
    bare.push(await timeToHealthy([join(packageRoot, 'bench', 'baselines', 'hello-fastify.mjs')]));
  }
  const ratio = median(ours) / median(bare);
  rows.push({
    figure: 'start to healthy, median of 10',
    value: `${fmt(median(ours))} ms`,
    baseline: `${fmt(median(bare))} ms (bare Fastify)`,
    ratio,
    target: '≤ 1.5x',
    met: ratio <= 1.5,
  });
}

async function subscribeThroughput(): Promise<void> {
  const emulator = await startEmulator({ webhookLimit: 1_000_000_000 });
  const bareApp = (await import('fastify')).default();
  bareApp.post('/subscribe', async () => ({ webhookId: '00000000-0000-4000-8000-000000000000' }));
  const bareUrl = await bareApp.listen({ port: 0, host: '127.0.0.1' });
  const body = JSON.stringify({
    webhook: {
      notification_url: 'http://127.0.0.1:9/flow',
      resource: 'Appointments',
      change_type: ['Created'],
    },
  });
  const path = '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated';
  const result = await inTurns(
    rounds,
    async () =>
      (
        await load({
          origin: emulator.url,
          connections: 32,
          durationMs: 2_000,
          request: () => ({ method: 'POST', path, headers: admin, body }),
        })
      ).perSecond,
    async () =>
      (
        await load({
          origin: bareUrl,
          connections: 32,
          durationMs: 2_000,
          request: () => ({ method: 'POST', path: '/subscribe', headers: admin, body }),
        })
      ).perSecond,
  );
  await emulator.close();
  await bareApp.close();
  rows.push({
    figure: 'subscribe calls per second (32 connections)',
    value: fmt(result.ours),
    baseline: `${fmt(result.baseline)} (bare Fastify route)`,
    ratio: result.ratio,
    target: '≥ 0.6x',
    met: result.ratio >= 0.6,
  });
}

/** Raw POSTs of one payload from undici to the receiver, 32 at a time: the delivery baseline. */
async function rawPostsPerSecond(url: string, payload: string, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
      });
      await response.body.dump();
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return count / ((performance.now() - started) / 1000);
}

/** Settled deliveries already in the journal before a throughput run, each a full copy of a real one. */
function prefillJournal(
  app: Awaited<ReturnType<typeof buildApp>>,
  template: Delivery,
  entries: number,
): void {
  for (let i = 0; i < entries; i++) {
    const copy = structuredClone(template);
    copy.deliveryId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    copy.appointmentId = `prefilled-${i}`;
    app.emulator.store.deliveries.insert(copy);
  }
}

async function deliveryThroughput(flows: number, changes: number, journalEntries = 0): Promise<void> {
  const receiver = await startCountingReceiver();
  const app = await buildApp({ maxPendingDeliveries: 1_000_000, perOriginConcurrency: 32 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  for (let i = 0; i < flows; i++) {
    await app.inject({
      method: 'POST',
      url: '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated',
      headers: admin,
      payload: {
        webhook: {
          notification_url: `${receiver.url}/flow-${i}`,
          resource: 'Appointments',
          change_type: ['Created'],
        },
      },
    });
  }
  let rssGrowth = 0;
  if (journalEntries > 0) {
    await app.inject({
      method: 'POST',
      url: '/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments',
      payload: appointment(-1),
    });
    await receiver.waitFor(flows);
    const [template] = app.emulator.store.deliveries.list();
    if (!template) throw new Error('no delivery to copy into the journal');
    const before = process.memoryUsage().rss;
    prefillJournal(app, template, journalEntries);
    rssGrowth = process.memoryUsage().rss - before;
  }
  const sendChanges = async (round: number): Promise<number> => {
    const already = receiver.count();
    const started = performance.now();
    for (let i = 0; i < changes; i++) {
      await app.inject({
        method: 'POST',
        url: '/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments',
        payload: appointment(round * changes + i),
      });
    }
    await receiver.waitFor(already + changes * flows);
    return (changes * flows) / ((performance.now() - started) / 1000);
  };
  await sendChanges(0); // warm-up: JIT, connections, validators compiled on first use
  const sample = app.emulator.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  let round = 0;
  const result = await inTurns(
    rounds,
    () => sendChanges(++round),
    () => rawPostsPerSecond(`${receiver.url}/raw`, sample, changes * flows),
  );
  await app.close();
  await receiver.close();
  rows.push({
    figure: `deliveries per second, ${flows} flow(s), ${fmt(changes)} changes${
      journalEntries > 0 ? `, ${fmt(journalEntries)} already in the journal` : ''
    }`,
    value: journalEntries > 0 ? `${fmt(result.ours)} (journal: +${mib(rssGrowth)} RSS)` : fmt(result.ours),
    baseline: `${fmt(result.baseline)} (raw undici POSTs)`,
    ratio: result.ratio,
    target: '≥ 0.5x',
    met: result.ratio >= 0.5,
  });
}

const latencyWarmUp = 100;
const latencyRounds = 1_000;

async function latency(): Promise<void> {
  const receiver = await startCountingReceiver();
  const app = await buildApp({});
  await app.listen({ port: 0, host: '127.0.0.1' });
  await app.inject({
    method: 'POST',
    url: '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated',
    headers: admin,
    payload: {
      webhook: {
        notification_url: `${receiver.url}/flow`,
        resource: 'Appointments',
        change_type: ['Created'],
      },
    },
  });
  const ours: number[] = [];
  // The first rounds of both sides warm up the JIT, connections and lazily compiled validators.
  for (let i = 0; i < latencyWarmUp + latencyRounds; i++) {
    const before = performance.now();
    await app.inject({
      method: 'POST',
      url: '/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments',
      payload: appointment(i),
    });
    await receiver.waitFor(i + 1);
    if (i >= latencyWarmUp) ours.push(performance.now() - before);
  }
  const sample = app.emulator.store.deliveries.list()[0]?.attempts[0]?.requestBody ?? '{}';
  await app.close();
  const bare: number[] = [];
  for (let i = 0; i < latencyWarmUp + latencyRounds; i++) {
    const before = performance.now();
    const response = await request(`${receiver.url}/raw`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sample,
    });
    await response.body.dump();
    if (i >= latencyWarmUp) bare.push(performance.now() - before);
  }
  await receiver.close();
  const ratio = percentile(ours, 99) / percentile(bare, 99);
  rows.push({
    figure: `change-to-delivery latency p50 / p99 (${fmt(latencyRounds)} sequential, after ${latencyWarmUp} warm-up)`,
    value: `${fmt(median(ours), 2)} / ${fmt(percentile(ours, 99), 2)} ms`,
    baseline: `${fmt(median(bare), 2)} / ${fmt(percentile(bare, 99), 2)} ms (one raw POST)`,
    ratio,
    target: 'p99 < 5x',
    met: ratio < 5,
  });
}

async function validation(): Promise<void> {
  const payload = fakeAppointmentData({ seed: 1 }).next().value;
  const registry = getSchemaRegistry();
  // The same options the registry uses, so the ratio is the registry's own overhead.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(loadSchemaDocument('appointment-data') as object);
  const validate = ajv.compile(loadSchemaDocument('appointment-data.emulator') as object);
  const emulatorProfile = schemaId('appointment-data.emulator');
  // Many short turns: on this shared VM the same loop's speed swings by 2x from second to second.
  const result = await inTurns(
    shortRounds,
    () =>
      ratePerSecond(300, () => {
        registry.check(emulatorProfile, payload);
      }),
    () =>
      ratePerSecond(300, () => {
        validate(payload);
      }),
  );
  rows.push({
    figure: 'payload validations per second (emulator profile)',
    value: fmt(result.ours),
    baseline: `${fmt(result.baseline)} (ajv on the same schema)`,
    ratio: result.ratio,
    target: '≥ 0.9x',
    met: result.ratio >= 0.9,
  });
}

async function fakes(): Promise<void> {
  const generator = fakeAppointmentData({ seed: 1 });
  const document = loadSchemaDocument('appointment-data');
  let seed = 1;
  const result = await inTurns(
    shortRounds,
    () =>
      ratePerSecond(500, () => {
        generator.next();
      }),
    () =>
      ratePerSecond(500, () => {
        generateSync(document as Parameters<typeof generateSync>[0], { seed: seed++ });
      }),
  );
  rows.push({
    figure: 'fake payloads per second',
    value: fmt(result.ours),
    baseline: `${fmt(result.baseline)} (json-schema-faker alone)`,
    ratio: result.ratio,
    target: '≥ 0.8x',
    met: result.ratio >= 0.8,
  });
}

const scenarioRounds = 2_500;

/** The 10,000-step scenario: 2,500 × create, update, cancel, expect, plus the subscribe. */
function tenThousandStepScenario(): string {
  return [
    'name: ten-thousand',
    'flows:',
    '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: [created, updated, cancelled], url: "inbox:all" }',
    'steps:',
    '  - subscribe: { flow: all }',
    '  - repeat:',
    `      times: ${scenarioRounds}`,
    '      steps:',
    '        - create: { ref: "a${i}", service: svc1, start: +1d, customer: { name: "C ${i}", email: c@example.com } }',
    '        - update: { ref: "a${i}", notes: "n${i}" }',
    '        - cancel: { ref: "a${i}", reason: r }',
    '        - expect: { flow: all, ref: "a${i}", count: 3, order: [created, updated, cancelled], payload: { AdditionalInfo: "n${i}" } }',
    '',
  ].join('\n');
}

/** The same steps as raw HTTP calls from undici against `bookings-emulator start`: the baseline. */
async function rawScenarioSteps(url: string): Promise<void> {
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
    '/BookingsService/api/V1/bookingBusinesses/lunch%40contoso.example/webhook/AppointmentCreated',
    {
      webhook: {
        notification_url: `${url}/_emulator/inbox/all`,
        resource: 'Appointments',
        change_type: ['Created', 'Updated', 'Deleted'],
      },
    },
    admin,
  );
  const appointments = '/v1.0/solutions/bookingBusinesses/lunch@contoso.example/appointments';
  for (let i = 0; i < scenarioRounds; i++) {
    const created = JSON.parse(
      await call('POST', appointments, {
        serviceId: 'svc1',
        startDateTime: { dateTime: new Date(Date.now() + 86_400_000).toISOString(), timeZone: 'UTC' },
        customers: [{ name: `C ${i}`, emailAddress: 'c@example.com' }],
      }),
    ) as { id: string };
    const id = encodeURIComponent(created.id);
    await call('PATCH', `${appointments}/${id}`, { additionalInformation: `n${i}` });
    await call('POST', `${appointments}/${id}/cancel`, { cancellationMessage: 'r' });
    // The expectation: poll the journal until the three deliveries have landed.
    for (;;) {
      const list = JSON.parse(
        await call('GET', `/_emulator/deliveries?appointmentId=${id}&status=delivered`),
      ) as {
        deliveries: unknown[];
      };
      if (list.deliveries.length === 3) break;
    }
  }
}

async function scenarioRun(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-scenario-'));
  const file = join(folder, 'ten-thousand.yaml');
  writeFileSync(file, tenThousandStepScenario());
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'run', file, '--reporter', 'json'], {
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
  const server = await spawnServer([cli, 'start', '--port', '0', '--quiet']);
  const serverMemory = watchPeakRss(server.child.pid ?? 0);
  await rawScenarioSteps(server.url);
  const serverPeak = serverMemory.stop();
  const bare = performance.now() - baselineStarted;
  await kill(server.child);
  const ratio = ours / bare;
  rows.push({
    figure: '10,000-step scenario (`run`): wall time',
    value: `${fmt(ours / 1000, 1)} s`,
    baseline: `${fmt(bare / 1000, 1)} s (the same steps as raw HTTP calls)`,
    ratio,
    target: '≤ 2x',
    met: ratio <= 2,
  });
  rows.push({
    figure: '10,000-step scenario (`run`): peak RSS',
    value: mib(peak),
    baseline: `${mib(serverPeak)} (the emulator's peak under the raw calls)`,
    ratio: peak / serverPeak,
    target: '< 150 MiB',
    met: peak < 150 * 2 ** 20,
  });
}

const figures: Array<[string, () => Promise<void>]> = [
  ['startup', startup],
  ['subscribe', subscribeThroughput],
  ['delivery-1', () => deliveryThroughput(1, 2_000)],
  ['delivery-5', () => deliveryThroughput(5, 1_000)],
  ['delivery-journal-100k', () => deliveryThroughput(1, 2_000, 100_000)],
  ['latency', latency],
  ['validation', validation],
  ['fake', fakes],
  ['scenario', scenarioRun],
];

const only = process.argv.slice(2);
for (const [name, run] of figures) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`measuring ${name}…\n`);
  await run();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  '| figure | value | baseline (same run) | ratio | target | met |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.figure} | ${row.value} | ${row.baseline} | ${fmt(row.ratio, 2)}x | ${row.target} | ${row.met ? 'yes' : 'NO'} |`,
  ),
].join('\n');
process.stdout.write(`${table}\n\nmachine: ${machine}\n`);
if (only.length === 0) {
  // Only the part between the markers is rewritten; the explanations below it are kept.
  const resultsPath = join(packageRoot, 'bench', 'RESULTS.md');
  const latest = `<!-- table -->\nLatest \`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, on ${machine}.\n\n${table}\n<!-- /table -->`;
  const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
  const marked = /<!-- table -->[\s\S]*<!-- \/table -->/;
  writeFileSync(
    resultsPath,
    marked.test(previous) ? previous.replace(marked, () => latest) : `# Benchmark results\n\n${latest}\n`,
  );
  // The project's formatter pads the table, so `npm test`'s lint accepts the file as written.
  spawnSync(
    process.execPath,
    [
      join(packageRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
      'format',
      '--write',
      resultsPath,
    ],
    {
      stdio: 'ignore',
    },
  );
}
