import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../scenarios/results.js';
import { type CliResult, cliPath, runCli, runProcess, type StartedCli, startCli } from '../testing/cli.js';
import { TestReceiver } from '../testing/receiver.js';
import { positionIn as at, useScenarioFolder } from '../testing/scenario-files.js';

const scenarioFolder = useScenarioFolder('bookings-run-cli-');
const write = scenarioFolder.write;

const show = (result: CliResult) =>
  `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

const flows = [
  'flows:',
  '  - { name: on-create, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:created" }',
  '  - { name: all, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: [created, updated, cancelled], url: "inbox:all" }',
];

const passingText = [
  'name: passing',
  ...flows,
  'steps:',
  '  - subscribe: { flow: on-create }',
  '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: Jordan Miller, email: jordan@example.com, answers: { q1: Audit } } }',
  '  - expect: { flow: on-create, ref: a1, count: 1, payload: { CustomerName: Jordan Miller } }',
  '',
].join('\n');

const failingText = [
  'name: failing',
  ...flows,
  'steps:',
  '  - subscribe: { flow: on-create }',
  '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: Jordan Miller, email: jordan@example.com, answers: { q1: Audit } } }',
  '  - expect: { flow: on-create, count: 2, payload: { CustomerName: Pat Lee } }',
  '',
].join('\n');

/** Fake data and seeded ids show up in the report through the failing expectations. */
const fakeText = [
  'name: fake',
  ...flows,
  'steps:',
  '  - subscribe: { flow: all }',
  '  - create: { ref: a1, service: svc1, start: +1d, customer: { fake: true, answers: { q1: Audit } }, notes: "${fake:sentence}" }',
  '  - expect: { flow: all, payload: { Id: "?", CustomerName: "?", CustomerEmail: "?", CustomerPhone: "?", AdditionalInfo: "?" } }',
  '  - create: { ref: a2, service: svc1, start: +1d, customer: { name: "${fake:name}", email: "${fake:email}", answers: { q1: Audit } } }',
  '  - expect: { flow: all, ref: a2, payload: { Id: "?", CustomerId: "?", CustomerName: "?", CustomerEmail: "?" } }',
  '',
].join('\n');

/** Enough steps for progress to be reported on a terminal. */
const longText = [
  'name: long',
  ...flows,
  'steps:',
  '  - subscribe: { flow: all }',
  '  - repeat:',
  '      times: 100',
  '      steps:',
  '        - create: { ref: "a${i}", service: svc1, start: +1d, customer: { name: "C${i}", answers: { q1: Audit } } }',
  '        - expect: { flow: all, ref: "a${i}", count: 1 }',
  '',
].join('\n');

const malformedText = [
  'name: malformed',
  ...flows,
  'steps:',
  '  - subscribe: { flow: on-create }',
  '  - create: { ref: a1, service: svc1, start: 42 }',
  '  - expect: { flow: nowhere, count: 1 }',
  '',
].join('\n');

function parseReport(text: string): RunReport {
  return JSON.parse(text) as RunReport;
}

describe('bookings-emulator run', { timeout: 60_000 }, () => {
  let receiver: TestReceiver | undefined;
  let running: StartedCli | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    if (running && running.child.exitCode === null) await running.stop('SIGKILL');
    running = undefined;
  });

  it('exits 0 when every expectation held', async () => {
    const file = write(passingText);
    const result = await runCli(['run', file]);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toContain(`PASS passing (${file}): 3 steps, 1 expectations, 1 deliveries`);
    expect(result.stdout).toMatch(/\n1 passed, 0 failed\n$/);
  });

  it('exits 1 when an expectation failed, showing FILE:LINE:COL of the step and expected/found per field', async () => {
    const file = write(failingText);
    const result = await runCli(['run', file]);
    expect(result.code, show(result)).toBe(1);
    const step = at(failingText, '{ flow: on-create, count: 2');
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`FAIL failing (${file}): 3 steps, 1 expectations, 1 deliveries`);
    expect(lines).toContain(
      `  step 3 expect at ${file}:${step.line}:${step.col}: flow "on-create": expectation not met within 5s (count, /CustomerName)`,
    );
    expect(lines).toContain('    count: expected 2, found 1');
    expect(lines).toContain('    /CustomerName: expected "Pat Lee", found "Jordan Miller"');
    expect(result.stdout).toMatch(/\n0 passed, 1 failed\n$/);
  });

  it('exits 2 on a malformed file, with FILE:LINE:COL message on stderr', async () => {
    const file = write(malformedText);
    const result = await runCli(['run', file]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    const start = at(malformedText, '42');
    expect(result.stderr).toContain(
      `${file}:${start.line}:${start.col} /steps/1/create/start must be string`,
    );
  });

  it('exits 2 on a file with a reference problem, with FILE:LINE:COL message on stderr', async () => {
    const text = malformedText.replace('start: 42', 'start: +1h, customer: { name: A }');
    const file = write(text);
    const result = await runCli(['run', file]);
    expect(result.code, show(result)).toBe(2);
    const flow = at(text, 'nowhere');
    expect(result.stderr).toContain(`${file}:${flow.line}:${flow.col} no flow named "nowhere" in flows`);
  });

  it('exits 2 on a YAML syntax error, with its position on stderr', async () => {
    const text = 'name: broken\nsteps:\n  - advance: { by: 1s\n';
    const file = write(text);
    const result = await runCli(['run', file]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file.replaceAll('.', '\\.')}:\\d+:\\d+ \\S`));
  });

  it('exits 2 on a missing file, naming it', async () => {
    const missing = join(scenarioFolder.path(), 'no-such-scenario.yaml');
    const result = await runCli(['run', missing]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`bookings-emulator: cannot read ${missing}: no such file or folder\n`);
  });

  it('exits 2 on a folder without scenario files', async () => {
    const empty = join(scenarioFolder.path(), 'empty-folder');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'notes.txt'), 'not a scenario');
    const result = await runCli(['run', empty]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stderr).toContain('no scenario files found');
  });

  it.each([
    [['--reporter', 'xml'], /--reporter/],
    [['--seed', 'abc'], /--seed/],
    [['--seed', '-1'], /--seed/],
    [['--flow-url', 'nonsense'], /--flow-url takes NAME=URL/],
    [['--flow-url', '=http://127.0.0.1:1/x'], /--flow-url takes NAME=URL/],
    [['--flow-url', 'on-create=nonsense'], /is not an absolute URL/],
    [['--flow-url', 'no-such-flow=http://127.0.0.1:1/x'], /no scenario has a flow of that name/],
    [['--no-such-flag'], /unknown option/],
  ])('exits 2 on bad flags: %j', async (flags, message) => {
    const file = write(passingText);
    const result = await runCli(['run', file, ...flags]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 without any file', async () => {
    const result = await runCli(['run']);
    expect(result.code, show(result)).toBe(2);
  });

  it('exits 2 when --emulator points at a port nothing listens on', async () => {
    const closed = await new TestReceiver().start();
    const url = closed.url;
    await closed.close();
    const result = await runCli(['run', write(passingText), '--emulator', url]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`cannot reach the emulator at ${url}`);
  });

  it('runs against a running emulator with --emulator, and sends a flow elsewhere with --flow-url', async () => {
    running = await startCli(['--port', '0', '--quiet']);
    receiver = await new TestReceiver().start();
    const result = await runCli([
      'run',
      write(passingText),
      '--emulator',
      running.url,
      '--flow-url',
      `on-create=${receiver.url}/api/flow`,
    ]);
    expect(result.code, show(result)).toBe(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.path).toBe('/api/flow');
    expect(receiver.received[0]?.body).toMatchObject({ CustomerName: 'Jordan Miller' });
    const journal = (await (await fetch(`${running.url}/_emulator/deliveries`)).json()) as {
      deliveries: Array<{ url: string }>;
    };
    expect(journal.deliveries.map((delivery) => delivery.url)).toEqual([`${receiver.url}/api/flow`]);
  });

  it('--reporter json prints the whole report as JSON', async () => {
    const passing = write(passingText, 'json-a-passing.yaml');
    const failing = write(failingText, 'json-b-failing.yaml');
    const result = await runCli(['run', passing, failing, '--reporter', 'json']);
    expect(result.code, show(result)).toBe(1);
    const report = parseReport(result.stdout);
    expect(report).toMatchObject({ passed: 1, failed: 1, errors: 0 });
    expect(report.scenarios.map((scenario) => [scenario.name, scenario.file, scenario.status])).toEqual([
      ['passing', passing, 'passed'],
      ['failing', failing, 'failed'],
    ]);
    const step = at(failingText, '{ flow: on-create, count: 2');
    expect(report.scenarios[1]?.failures).toEqual([
      {
        step: 3,
        verb: 'expect',
        ...step,
        message: 'flow "on-create": expectation not met within 5s (count, /CustomerName)',
        diffs: [
          { path: 'count', expected: 2, actual: 1, problem: 'different' },
          { path: '/CustomerName', expected: 'Pat Lee', actual: 'Jordan Miller', problem: 'different' },
        ],
      },
    ]);
  });

  it('--reporter junit prints a testcase per scenario and a <failure> for the failing one', async () => {
    const passing = write(passingText, 'junit-a-passing.yaml');
    const failing = write(failingText, 'junit-b-failing.yaml');
    const result = await runCli(['run', passing, failing, '--reporter', 'junit']);
    expect(result.code, show(result)).toBe(1);
    const xml = result.stdout;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml).toMatch(/<testsuites [^>]*tests="2" failures="1" errors="0"/);
    const testcases = [
      ...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
    ];
    expect(testcases.map((match) => [match[1], match[2]])).toEqual([
      [passing, 'passing'],
      [failing, 'failing'],
    ]);
    expect(testcases[0]?.[3]).toBe('/>');
    const failure = testcases[1]?.[4] ?? '';
    expect(failure).toMatch(/<failure message="flow &quot;on-create&quot;: expectation not met within 5s/);
    const step = at(failingText, '{ flow: on-create, count: 2');
    expect(failure).toContain(`${failing}:${step.line}:${step.col}`);
    expect(failure).toContain('count: expected 2, found 1');
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('--out writes the report to a file and prints a summary', async () => {
    const out = join(scenarioFolder.path(), 'report.json');
    const result = await runCli([
      'run',
      write(passingText),
      write(failingText),
      '--reporter',
      'json',
      '--out',
      out,
    ]);
    expect(result.code, show(result)).toBe(1);
    expect(result.stdout).toBe(`1 passed, 1 failed (report: ${out})\n`);
    const report = parseReport(readFileSync(out, 'utf8'));
    expect(report.scenarios.map((scenario) => scenario.status)).toEqual(['passed', 'failed']);

    const xmlOut = join(scenarioFolder.path(), 'report.xml');
    const junit = await runCli(['run', write(passingText), '--reporter', 'junit', '--out', xmlOut]);
    expect(junit.code, show(junit)).toBe(0);
    expect(junit.stdout).toBe(`1 passed, 0 failed (report: ${xmlOut})\n`);
    expect(readFileSync(xmlOut, 'utf8')).toContain('<testcase ');
  });

  it('--out into a folder that does not exist is invalid input (exit 2), not a failed expectation', async () => {
    const out = join(scenarioFolder.path(), 'no-such-folder', 'report.xml');
    const result = await runCli(['run', write(passingText), '--out', out]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stderr).toContain(out);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('the same --seed gives byte-for-byte the same JSON report; another seed another report', async () => {
    const file = write(fakeText, 'fake.yaml');
    const first = await runCli(['run', file, '--seed', '7', '--reporter', 'json']);
    const second = await runCli(['run', file, '--seed', '7', '--reporter', 'json']);
    const other = await runCli(['run', file, '--seed', '8', '--reporter', 'json']);
    expect(first.code, show(first)).toBe(1);
    // The report does hold ids and fake data.
    const report = parseReport(first.stdout);
    const actuals = report.scenarios[0]?.failures.flatMap((failure) =>
      (failure.diffs ?? []).map((diff) => diff.actual),
    );
    expect(actuals).toHaveLength(9);
    for (const actual of actuals ?? []) {
      expect(typeof actual).toBe('string');
      expect(actual).not.toContain('${');
    }
    expect(actuals?.[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.stdout).toBe(first.stdout);
    expect(other.code, show(other)).toBe(1);
    expect(other.stdout).not.toBe(first.stdout);
    const otherActuals = parseReport(other.stdout).scenarios[0]?.failures.flatMap((failure) =>
      (failure.diffs ?? []).map((diff) => diff.actual),
    );
    // Ids and every fake value differ.
    otherActuals?.forEach((actual, index) => {
      expect(actual).not.toBe(actuals?.[index]);
    });
  });

  it('against a running emulator, the same --seed also repeats the ids in the report', async () => {
    running = await startCli(['--port', '0', '--quiet']);
    const file = write(fakeText, 'fake-remote.yaml');
    const first = await runCli(['run', file, '--seed', '7', '--reporter', 'json', '--emulator', running.url]);
    const second = await runCli([
      'run',
      file,
      '--seed',
      '7',
      '--reporter',
      'json',
      '--emulator',
      running.url,
    ]);
    expect(first.code, show(first)).toBe(1);
    expect(second.stdout).toBe(first.stdout);
  });

  it('without --seed, two runs give the same report too', async () => {
    const file = write(fakeText, 'fake-default.yaml');
    const first = await runCli(['run', file, '--reporter', 'json']);
    const second = await runCli(['run', file, '--reporter', 'json']);
    expect(first.code, show(first)).toBe(1);
    expect(second.stdout).toBe(first.stdout);
  });

  it('expands folders to the YAML and JSON files under them, sorted', async () => {
    const folder = join(scenarioFolder.path(), 'suite');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'b-failing.yaml'), failingText);
    writeFileSync(join(folder, 'a-passing.yml'), passingText.replace('name: passing', 'name: a'));
    writeFileSync(
      join(folder, 'nested', 'c.json'),
      JSON.stringify({ name: 'c', steps: [{ advance: { by: '1s' } }] }),
    );
    writeFileSync(join(folder, 'README.md'), '# not a scenario');
    writeFileSync(join(folder, 'notes.txt'), 'not a scenario either');
    const result = await runCli(['run', folder, '--reporter', 'json']);
    expect(result.code, show(result)).toBe(1);
    const report = parseReport(result.stdout);
    expect(report.scenarios.map((scenario) => [scenario.name, scenario.file])).toEqual([
      ['a', join(folder, 'a-passing.yml')],
      ['failing', join(folder, 'b-failing.yaml')],
      ['c', join(folder, 'nested', 'c.json')],
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 1, errors: 0 });
  });

  describe('on a terminal', () => {
    // util-linux `script` gives the CLI a pseudo-terminal, so progress would be shown unless CI is set.
    const hasScript = process.platform === 'linux' && existsSync('/usr/bin/script');
    const onTerminal = async (args: string[], env: Record<string, string | undefined>): Promise<string> => {
      const command = [process.execPath, cliPath, ...args].map((arg) => `'${arg}'`).join(' ');
      const { stdout, stderr } = await runProcess('/usr/bin/script', ['-qec', command, '/dev/null'], { env });
      return `${stdout}${stderr}`;
    };
    // An undefined value leaves the variable out of the child's environment.
    const withoutCi = () => ({ CI: undefined });

    it.skipIf(!hasScript)('shows progress on a terminal when CI is not set', async () => {
      const output = await onTerminal(['run', write(longText)], withoutCi());
      // Scenario n of N, the step running (of how many, where) and the time so far.
      expect(output).toMatch(
        /\r\[1\/1\] long: step \d+ of 201, (create|expect) \(line \d+\) · \d+(\.\d)?m?s/,
      );
      expect(output).toContain('\u001b[K'); // each drawing clears the rest of the line
      expect(output).toContain('1 passed, 0 failed');
    });

    it.skipIf(!hasScript)(
      'with CI=true on a terminal: a line per finished scenario, then the report',
      async () => {
        const file = write(longText);
        const output = await onTerminal(['run', file], { ...withoutCi(), CI: 'true' });
        // The terminal turns \n into \r\n; nothing else may be there.
        expect(output.replaceAll('\r\n', '\n')).toMatch(
          new RegExp(
            `^\\[1/1\\] PASS long \\(${escapeRegExp(file)}\\) \\d+(\\.\\d)?m?s\n${escapeRegExp(`PASS long (${file}): 201 steps, 100 expectations, 100 deliveries\n\n1 passed, 0 failed\n`)}$`,
          ),
        );
      },
    );
  });

  describe('with CI set', () => {
    let saved: string | undefined;
    beforeAll(() => {
      saved = process.env.CI;
      process.env.CI = 'true';
    });
    afterAll(() => {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    });

    it('prints the report, and on stderr one line per scenario as it finishes (no live progress)', async () => {
      const file = write(longText);
      const result = await runCli(['run', file]);
      expect(result.code, show(result)).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(`^\\[1/1\\] PASS long \\(${escapeRegExp(file)}\\) \\d+(\\.\\d)?m?s\n$`),
      );
      expect(result.stdout).not.toContain('\r');
      expect(result.stdout).toBe(
        `PASS long (${file}): 201 steps, 100 expectations, 100 deliveries\n\n1 passed, 0 failed\n`,
      );
    });

    it('prints nothing but the JSON report on stdout, which parses; the scenario lines go to stderr', async () => {
      const result = await runCli(['run', write(longText), write(failingText), '--reporter', 'json']);
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr.split('\n')).toEqual([
        expect.stringMatching(/^\[1\/2\] PASS long /),
        expect.stringMatching(/^\[2\/2\] FAIL failing .*: step 3 expect at .*expectation not met within 5s/),
        '',
      ]);
      expect(result.stdout).not.toContain('\r');
      expect(parseReport(result.stdout)).toMatchObject({ passed: 1, failed: 1 });
    });
  });
});

describe('bookings-emulator lint', { timeout: 60_000 }, () => {
  it('exits 0 with nothing on stdout for a good scenario', async () => {
    const result = await runCli(['lint', write(passingText)]);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with FILE:LINE:COL message lines for a bad scenario, schema and reference problems together', async () => {
    const file = write(malformedText);
    const result = await runCli(['lint', file]);
    expect(result.code, show(result)).toBe(2);
    const start = at(malformedText, '42');
    const flow = at(malformedText, 'nowhere');
    // The schema problem and the reference problem at once: fixing one does not uncover the other.
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:${start.line}:${start.col} /steps/1/create/start must be string`,
      `${file}:${flow.line}:${flow.col} no flow named "nowhere" in flows`,
    ]);
    expect(result.stderr).toContain('2 problem(s) in 1 file(s)');
  });

  it('lints folders of scenarios and seeds, reporting each bad file with positions', async () => {
    const folder = join(scenarioFolder.path(), 'lint-suite');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a-good.yaml'), passingText);
    const seedText = 'businesses:\n  - email: shop@x.example\n    displayname: Shop\n';
    writeFileSync(join(folder, 'b-seed.yaml'), seedText);
    const refsText = malformedText.replace('start: 42', 'start: +1h');
    writeFileSync(join(folder, 'c-refs.yaml'), refsText);
    const result = await runCli(['lint', folder]);
    expect(result.code, show(result)).toBe(2);
    const lines = result.stdout.split('\n').filter(Boolean);
    const seedKey = at(seedText, 'displayname');
    const seedMissing = at(seedText, 'email');
    const flow = at(refsText, 'nowhere');
    expect(lines).toEqual([
      `${join(folder, 'b-seed.yaml')}:${seedMissing.line}:${seedMissing.col} /businesses/0/displayName is required but missing`,
      `${join(folder, 'b-seed.yaml')}:${seedKey.line}:${seedKey.col} /businesses/0/displayname is not a property of this object (check its spelling and casing; known: email, displayName, timeZone, staff, services, businessHours, customers, customQuestions)`,
      `${join(folder, 'c-refs.yaml')}:${flow.line}:${flow.col} no flow named "nowhere" in flows`,
    ]);
    for (const line of lines) expect(line).toMatch(/^\S+:\d+:\d+ \S/);
  });

  it('exits 0 for a good seed file', async () => {
    const result = await runCli(['lint', join('fixtures', 'seeds', 'demo.yaml')]);
    expect(result.code, show(result)).toBe(0);
    expect(result.stdout).toBe('');
  });
});

describe('bookings-emulator run: services a scenario needs, --var, times (issue 15)', {
  timeout: 60_000,
}, () => {
  /** A loopback address nothing listens on. */
  const closedAddress = async () => {
    const closed = await new TestReceiver().start();
    await closed.close();
    return closed.url.replace('http://', '');
  };
  const needsText = (address: string) =>
    [
      'name: needs-crm',
      `vars: { crm: "http://${address}" }`,
      'needs: [{ name: CRM stand-in, url: "${crm}", start: npm run example -- crm-upload }]',
      'steps:',
      '  - http: { url: "${crm}/calls" }',
      '',
    ].join('\n');

  it('skips a scenario whose service is not running, with the reason, in every report; the run passes', async () => {
    const address = await closedAddress();
    const folder = join(scenarioFolder.path(), 'with-examples');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a-passing.yaml'), passingText);
    writeFileSync(join(folder, 'b-needs.yaml'), needsText(address));
    const reason = `nothing listens on ${address}: start the CRM stand-in (npm run example -- crm-upload)`;

    const started = Date.now();
    const junit = await runCli(['run', folder, '--reporter', 'junit']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(junit.code, show(junit)).toBe(0);
    expect(junit.stdout).toMatch(
      /<testsuite name="scenarios" tests="2" failures="0" errors="0" skipped="1" time="\d+\.\d{3}">/,
    );
    expect(junit.stdout).toContain(`<skipped message="${reason}"/>`);
    // Real times: the passing scenario took some.
    const passingTime = /name="passing" time="(\d+\.\d+)"/.exec(junit.stdout)?.[1];
    expect(Number(passingTime)).toBeGreaterThan(0);
    expect(junit.stderr.split('\n')).toEqual([
      expect.stringMatching(/^\[1\/2\] PASS passing /),
      expect.stringMatching(new RegExp(`^\\[2/2\\] SKIP needs-crm .* skipped: ${escapeRegExp(reason)}$`)),
      '',
    ]);

    const pretty = await runCli(['run', folder]);
    expect(pretty.code, show(pretty)).toBe(0);
    expect(pretty.stdout).toContain(`SKIP needs-crm (${join(folder, 'b-needs.yaml')}): skipped: ${reason}\n`);
    expect(pretty.stdout).toMatch(/\n1 passed, 0 failed, 1 skipped\n$/);

    const json = await runCli(['run', folder, '--reporter', 'json']);
    expect(json.code, show(json)).toBe(0);
    expect(parseReport(json.stdout)).toMatchObject({ passed: 1, failed: 0, skipped: 1 });
    expect(parseReport(json.stdout).scenarios[1]).toMatchObject({ status: 'skipped', skipReason: reason });
  });

  it('a scenario whose service runs is not skipped', async () => {
    const receiver = await new TestReceiver().start();
    try {
      const result = await runCli(['run', write(needsText(receiver.url.replace('http://', '')))]);
      expect(result.code, show(result)).toBe(0);
      expect(result.stdout).toContain('PASS needs-crm');
    } finally {
      await receiver.close();
    }
  });

  it('--var that no scenario of the run declares or uses exits 2, listing the variables there are', async () => {
    const file = write(needsText('127.0.0.1:9'));
    const result = await runCli(['run', file, '--var', 'nosuch=1']);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `bookings-emulator: --var "nosuch": not a variable of the scenario (${file}); its variables (declared in vars: or used as \${name}): crm. Check the spelling.\n`,
    );
  });
});

describe('bookings-emulator lint: everything at once (issue 15)', { timeout: 60_000 }, () => {
  it('schema problems, reference problems and answers that are not options, each at FILE:LINE:COL', async () => {
    const text = [
      'name: answers',
      ...flows,
      'steps:',
      '  - subscribe: { flow: on-craete }',
      '  - create: { ref: a1, service: svc1, start: 42, customer: { name: A, email: a@example.com } }',
      '  - create: { ref: a2, service: svc1, start: +1h, customer: { name: A, email: a@example.com, answers: { q1: Gardening } } }',
      '',
    ].join('\n');
    const file = write(text);
    const result = await runCli(['lint', file]);
    expect(result.code, show(result)).toBe(2);
    const position = (needle: string) => `${file}:${at(text, needle).line}:${at(text, needle).col}`;
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${position('on-craete')} no flow named "on-craete" in flows`,
      `${position('42')} /steps/1/create/start must be string`,
      `${position('Gardening')} "Gardening" is not an option of q1 (Topic?); its options: Tax, Audit`,
    ]);
    // run refuses it the same way, before starting anything.
    const run = await runCli(['run', file]);
    expect(run.code, show(run)).toBe(2);
    expect(run.stderr).toContain(`${position('Gardening')} "Gardening" is not an option of q1`);
  });

  it('a file or folder that is not there is one sentence, exit 2', async () => {
    const missing = join(scenarioFolder.path(), 'nope.yaml');
    const result = await runCli(['lint', missing]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stderr).toBe(`bookings-emulator: cannot read ${missing}: no such file or folder\n`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
