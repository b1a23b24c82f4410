import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/source.js';
import { runCli } from '../testing/cli.js';
import { positionIn, useScenarioFolder } from '../testing/scenario-files.js';
import { httpUrlProblem } from './http-step.js';
import { lintFile, loadScenarioFile } from './load.js';
import { type RunOptions, runScenario } from './runner.js';

/** The `http` step (README "Scenario files", decision 012): a downstream side checked from a scenario. */

const folder = useScenarioFolder('bookings-http-step-');

/** A downstream stand-in: answers `{ count }`, where count grows by one every `growEvery` GETs. */
let downstream: Server;
let downstreamUrl = '';
/** A loopback port nothing listens on (fetch refuses well-known ports such as 1). */
let closedPort = 0;
let gets = 0;
const posted: unknown[] = [];

beforeAll(async () => {
  downstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.method === 'POST') posted.push(JSON.parse(body));
      else gets += 1;
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ count: Math.floor(gets / 3), items: ['a'] }));
    });
  });
  downstream.listen(0, '127.0.0.1');
  await once(downstream, 'listening');
  downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  downstream.closeAllConnections();
  await new Promise<void>((resolve) => downstream.close(() => resolve()));
});

const flow =
  'flows: [{ name: f, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:f" }]';

async function run(lines: string[], options: RunOptions = {}) {
  const text = ['name: http-step', 'vars: { down: "http://127.0.0.1:1" }', flow, 'steps:', ...lines, ''].join(
    '\n',
  );
  const loaded = loadScenarioFile(folder.write(text));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return { text, result: await runScenario(loaded.loaded, options) };
}

const withDownstream = (): RunOptions => ({ vars: new Map([['down', downstreamUrl]]) });

describe('the http step', () => {
  it('calls again, in real time, until the answer matches within the bound', async () => {
    gets = 0;
    const { result } = await run(
      ['  - http: { url: "${down}/calls", within: 10s, expect: { status: 200, json: { count: 2 } } }'],
      withDownstream(),
    );
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.expectations).toBe(1);
    expect(gets).toBeGreaterThanOrEqual(6);
  });

  it('fails at its position with each differing field when the answer never matches', async () => {
    const { text, result } = await run(
      ['  - http: { url: "${down}/calls", within: 300ms, expect: { json: { count: 99, items: [] } } }'],
      withDownstream(),
    );
    expect(result.status).toBe('failed');
    const failure = result.failures[0];
    expect(failure?.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/calls answered 200; not as expected within 300ms/,
    );
    expect(failure?.diffs?.map((diff) => [diff.path, diff.expected, diff.actual])).toEqual([
      ['/count', 99, expect.any(Number)],
      ['/items', [], ['a']],
    ]);
    expect(failure?.line).toBe(positionIn(text, '- http').line);
  });

  it('without expect, any 2xx passes and anything else fails; a downstream that is down fails with the reason', async () => {
    const { result } = await run(
      [
        '  - http: { method: POST, url: "${down}/notes", body: { note: hello } }',
        '  - http: { url: "${down}/missing" }',
        `  - http: { url: "http://127.0.0.1:${closedPort}/nothing-listens-here" }`,
      ],
      withDownstream(),
    );
    expect(posted).toContainEqual({ note: 'hello' });
    expect(result.failures.map((failure) => failure.diffs?.[0]?.path)).toEqual(['status', 'status']);
    expect(result.failures[0]?.message).toContain('answered 404');
    expect(result.failures[1]?.message).toBe(
      `GET http://127.0.0.1:${closedPort}/nothing-listens-here: nothing listens on 127.0.0.1:${closedPort}: start the service it calls, or correct the URL`,
    );
  });

  it('a refused connection fails at once, whatever its within, naming the needed service to start', async () => {
    // Up when the scenario checks its needs, gone when the step calls it.
    const flaky = createNetServer((socket) => {
      socket.destroy();
      flaky.close();
    });
    flaky.listen(0, '127.0.0.1');
    await once(flaky, 'listening');
    const sink = `127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const text = [
      'name: refused',
      `vars: { sink: "http://${sink}" }`,
      'needs: [{ name: SMTP sink, url: "${sink}", start: npm run example -- welcome-email }]',
      'steps:',
      '  - http: { method: DELETE, url: "${sink}/messages", within: 30s }',
      '',
    ].join('\n');
    const loaded = loadScenarioFile(folder.write(text));
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const started = Date.now();
    const result = await runScenario(loaded.loaded);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe('failed');
    expect(result.failures[0]?.message).toBe(
      `DELETE http://${sink}/messages: nothing listens on ${sink}: start the SMTP sink (npm run example -- welcome-email)`,
    );
  });

  it('a path goes to the scenario emulator: redelivering a delivery is seen by the flow as a second attempt', async () => {
    const { result } = await run([
      '  - subscribe: { flow: f }',
      '  - create: { ref: a1, service: svc1, start: 2026-01-06T09:00:00Z, customer: { name: Jo, email: jo@example.com, answers: { q1: Tax } } }',
      '  - expect: { flow: f, count: 1, attempts: 1 }',
      '  - http: { method: POST, url: /_emulator/deliveries/redeliver, body: { filter: {} }, expect: { status: 202 } }',
      '  - expect: { flow: f, count: 1, attempts: 2 }',
      '  - http: { url: /_emulator/inbox/f, expect: { json: { messages: [{}, {}] } } }',
    ]);
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('vars given to the run replace the scenario vars of the same name', async () => {
    const { result } = await run(['  - http: { url: "${down}/calls" }']);
    expect(result.status).toBe('failed');
    expect(result.failures[0]?.message).toContain('http://127.0.0.1:1/calls');
  });
});

describe('vars in flow URLs and from the command line', () => {
  it('a flow URL may use vars', async () => {
    const text = [
      'name: flow-url-vars',
      'vars: { box: templated }',
      'flows: [{ name: f, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:${box}" }]',
      'steps:',
      '  - subscribe: { flow: f }',
      '  - create: { ref: a1, service: svc1, start: 2026-01-06T09:00:00Z, customer: { name: Jo, email: jo@example.com, answers: { q1: Tax } } }',
      '  - expect: { flow: f, count: 1 }',
      '  - http: { url: /_emulator/inbox/templated, expect: { json: { messages: [{ body: { CustomerName: Jo } }] } } }',
      '',
    ].join('\n');
    const loaded = loadScenarioFile(folder.write(text));
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    const result = await runScenario(loaded.loaded);
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('passed');
  });

  it('run --var NAME=VALUE replaces a scenario var; a bad setting exits 2 and says the form', async () => {
    const file = folder.write(
      [
        'name: cli-var',
        'vars: { down: "http://127.0.0.1:1" }',
        'steps:',
        '  - http: { url: "${down}/calls" }',
        '',
      ].join('\n'),
    );
    const passed = await runCli(['run', file, '--var', `down=${downstreamUrl}`]);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).toContain('1 passed, 0 failed');
    const bad = await runCli(['run', file, '--var', '1down=x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--var takes NAME=VALUE');
  });
});

describe('http step URLs', () => {
  it('takes loopback URLs and emulator paths only', () => {
    for (const url of [
      'http://127.0.0.1:4011/x',
      'http://localhost:1/',
      'https://[::1]:8443/',
      'http://127.9.0.1/',
      '/_emulator/health',
    ])
      expect(httpUrlProblem(url), url).toBeUndefined();
    for (const url of [
      'http://example.com/',
      'http://10.0.0.1/',
      'http://127.0.0.1.evil.example/',
      'http://user@evil.example/',
      'ftp://127.0.0.1/',
      'calls',
    ])
      expect(httpUrlProblem(url), url).toBeDefined();
  });

  it('lint reports a non-loopback URL at its position; a templated one is checked when it runs', () => {
    const text = [
      'name: lint-http',
      'steps:',
      '  - http: { url: "http://example.com/calls" }',
      '  - http: { url: "${elsewhere}/calls" }',
      '',
    ].join('\n');
    const file = folder.write(text);
    const diagnostics = lintFile(file);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `${file}:${positionIn(text, '"http://example.com').line}:${positionIn(text, '"http://example.com').col} "http://example.com/calls" is not on loopback; an http step calls only 127.0.0.1, localhost or [::1]`,
    ]);
  });
});
