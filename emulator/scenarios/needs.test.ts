import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/source.js';
import { useScenarioFolder } from '../testing/scenario-files.js';
import { loadScenarioFile } from './load.js';
import { type RunOptions, runScenario } from './runner.js';

/** `needs:` (issue 15): a scenario that drives services outside the emulator says which, and is skipped when they are down. */

const folder = useScenarioFolder('bookings-needs-');

let listening: Server;
let upAddress = '';
let downAddress = '';

beforeAll(async () => {
  listening = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
  await once(listening, 'listening');
  upAddress = `127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  downAddress = `127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(() => new Promise<void>((resolve) => listening.close(() => resolve())));

async function run(crm: string, options: RunOptions = {}) {
  const text = [
    'name: needs-crm',
    `vars: { crm: "http://${crm}" }`,
    'needs:',
    '  - { name: CRM stand-in, url: "${crm}", start: npm run example -- crm-upload }',
    'steps:',
    '  - advance: { by: 1m }',
    '',
  ].join('\n');
  const loaded = loadScenarioFile(folder.write(text));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return runScenario(loaded.loaded, options);
}

describe('a scenario that needs services', () => {
  it('is skipped at once, with what to start, when nothing listens', async () => {
    const started = Date.now();
    const result = await run(downAddress);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({
      status: 'skipped',
      steps: 0,
      skipReason: `nothing listens on ${downAddress}: start the CRM stand-in (npm run example -- crm-upload)`,
    });
    expect(result.failures).toEqual([]);
  });

  it('runs when each one listens', async () => {
    const result = await run(upAddress);
    expect(result.status).toBe('passed');
    expect(result.steps).toBe(1);
  });

  it('is checked where run --var moves it', async () => {
    const moved = await run(upAddress, { vars: new Map([['crm', `http://${downAddress}`]]) });
    expect(moved.status).toBe('skipped');
    expect(moved.skipReason).toContain(downAddress);
  });

  it('a needed URL with an unknown variable is an error of the scenario, not a skip', async () => {
    const text = [
      'name: needs-typo',
      'needs: [{ name: flow, url: "${flwo}" }]',
      'steps: [{ advance: { by: 1s } }]',
      '',
    ].join('\n');
    const loaded = loadScenarioFile(folder.write(text));
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const result = await runScenario(loaded.loaded);
    expect(result.status).toBe('error');
    expect(result.error).toBe('needs: unknown variable "${flwo}"');
  });
});
