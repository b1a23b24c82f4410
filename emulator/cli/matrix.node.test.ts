import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { allowedValues, policyNames } from '../domain/policies.js';
import { matrixLimit, policyVariants } from '../domain/policy-variants.js';
import type { RunReport } from '../scenarios/results.js';
import { type CliResult, runNode } from '../testing/cli.js';
import { positionIn as at, bufferedScenario, useScenarioFolder } from '../testing/scenario-files.js';
import { keepScenariosFromMatrix } from './commands/run.js';

/** The command from its source, through tsx: these tests need no build. */
const runSourceCli = (args: string[]) =>
  runNode(['--import', 'tsx', join(packageRoot, 'emulator/cli/main.ts'), ...args], 30_000);

const scenarioFolder = useScenarioFolder('bookings-matrix-cli-');
const write = scenarioFolder.write;

const show = (result: CliResult) =>
  `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;

const allVariants = policyVariants().map((variant) => variant.name);

/** The table's rows under a scenario's verdict line: [mark, variant]. */
function rows(stdout: string): string[][] {
  return [...stdout.matchAll(/^ {2}(PASS|FAIL|ERROR) +(\S+)$/gm)].map((match) => [
    match[1] ?? '',
    match[2] ?? '',
  ]);
}

function testcases(xml: string): Array<{ classname: string; name: string; body: string }> {
  return [
    ...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g),
  ].map((match) => ({ classname: match[1] ?? '', name: match[2] ?? '', body: match[3] ?? '' }));
}

describe('keepScenariosFromMatrix', () => {
  it.each([
    [
      ['--matrix', 'a.yaml'],
      ['a.yaml', '--matrix'],
    ],
    [
      ['--matrix', 'a.yaml', 'b.yaml', '--reporter', 'junit'],
      ['a.yaml', 'b.yaml', '--matrix', '--reporter', 'junit'],
    ],
    [
      ['--matrix', 'all', 'a.yaml'],
      ['--matrix', 'all', 'a.yaml'],
    ],
    [
      ['a.yaml', '--matrix'],
      ['a.yaml', '--matrix'],
    ],
    [
      ['--matrix', '--seed', '4', 'a.yaml'],
      ['--matrix', '--seed', '4', 'a.yaml'],
    ],
    [
      ['--matrix=all', 'a.yaml'],
      ['--matrix=all', 'a.yaml'],
    ],
    [
      ['--', '--matrix', 'a.yaml'],
      ['--', '--matrix', 'a.yaml'],
    ],
  ])('%j -> %j', (args, kept) => {
    expect(keepScenariosFromMatrix(args)).toEqual(kept);
  });
});

describe('bookings-emulator run --matrix', { timeout: 60_000 }, () => {
  it('passes on the defaults and fails exactly on the variants that change Duration, naming them (exit 1)', async () => {
    const text = bufferedScenario();
    const file = write(text);
    // The file right after --matrix is a scenario, not the option's value.
    const result = await runSourceCli(['run', '--matrix', file]);
    expect(result.code, show(result)).toBe(1);
    expect(result.stdout).toContain(
      `FAIL buffered (${file}): 2 of ${allVariants.length} policy variants failed\n`,
    );
    const failing = ['duration-unit=minutes', 'buffers-in-times=off'];
    expect(rows(result.stdout)).toEqual(
      allVariants.map((variant) => [failing.includes(variant) ? 'FAIL' : 'PASS', variant]),
    );
    const step = at(text, '{ flow: on-create, ref: a1, count: 1');
    const lines = result.stdout.split('\n');
    const where = `step 3 expect at ${file}:${step.line}:${step.col}: flow "on-create": expectation not met within 5s (/Duration)`;
    expect(lines).toContain(`  [duration-unit=minutes] ${where}`);
    expect(lines[lines.indexOf(`  [duration-unit=minutes] ${where}`) + 1]).toBe(
      '    /Duration: expected 2400, found 40',
    );
    expect(lines[lines.indexOf(`  [buffers-in-times=off] ${where}`) + 1]).toBe(
      '    /Duration: expected 2400, found 1800',
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `\n\n${allVariants.length - 2} passed, 2 failed \\(${allVariants.length} runs: 1 scenario, ${allVariants.length} policy variants\\)\n$`,
      ),
    );
    expect(Math.max(...lines.map((line) => line.replace(file, 'FILE').length))).toBeLessThanOrEqual(120);
  });

  it('does not vary a policy the scenario pins', async () => {
    const file = write(bufferedScenario(['policies: { duration-unit: seconds }']));
    const result = await runSourceCli(['run', file, '--matrix']);
    expect(result.code, show(result)).toBe(1);
    const variants = rows(result.stdout).map(([, variant]) => variant);
    expect(variants).toEqual(allVariants.filter((variant) => variant !== 'duration-unit=minutes'));
    expect(rows(result.stdout).filter(([mark]) => mark !== 'PASS')).toEqual([
      ['FAIL', 'buffers-in-times=off'],
    ]);
  });

  it('exits 0 when every variant passed', async () => {
    const text = bufferedScenario(['policies: { duration-unit: seconds, buffers-in-times: on }']);
    const result = await runSourceCli(['run', '--matrix', write(text)]);
    expect(result.code, show(result)).toBe(0);
    const runs = allVariants.length - 2;
    expect(result.stdout).toMatch(new RegExp(`^PASS buffered \\(.*\\): ${runs} policy variants passed\n`));
    expect(result.stdout).toMatch(
      new RegExp(`\n${runs} passed, 0 failed \\(${runs} runs: 1 scenario, ${runs} policy variants\\)\n$`),
    );
  });

  it('--matrix all runs every combination of the policies left free', async () => {
    const pins =
      'time-format: invariant, join-url-suffix: on, self-service-id: fresh, cancel-reason-missing-1on1: on, customer-notes-missing-1on1: off, choice-answer-missing: on, update-fires-on-create: off, reschedule-new-id: off, graph-query-options: supported, graph-time-zones: windows-and-iana, graph-required-answers: enforce, graph-outside-business-hours: accept, graph-staff-busy: accept';
    const result = await runSourceCli([
      'run',
      '--matrix',
      'all',
      write(bufferedScenario([`policies: { ${pins} }`])),
    ]);
    expect(result.code, show(result)).toBe(1);
    expect(rows(result.stdout)).toEqual([
      ['PASS', 'defaults'],
      ['FAIL', 'buffers-in-times=off'],
      ['FAIL', 'duration-unit=minutes'],
      ['FAIL', 'duration-unit=minutes,buffers-in-times=off'],
    ]);
  });

  it(`--matrix all past ${matrixLimit} runs exits 2, saying how to narrow it`, async () => {
    const result = await runSourceCli(['run', '--matrix', 'all', write(bufferedScenario())]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    const every = policyNames.reduce((product, name) => product * allowedValues(name).length, 1);
    expect(result.stderr).toContain(
      `--matrix all would make ${every} runs (1 scenario × ${every} policy variants)`,
    );
    expect(result.stderr).toContain(`more than the limit of ${matrixLimit}`);
    expect(result.stderr).toMatch(/pin the policies .* \(top-level policies:\), use --matrix without all/);
  });

  it(`--matrix over too many scenarios (more than ${matrixLimit} runs in all) exits 2 before running any`, async () => {
    const count = Math.floor(matrixLimit / allVariants.length) + 1;
    const files = Array.from({ length: count }, () => write(bufferedScenario()));
    const result = await runSourceCli(['run', '--matrix', ...files]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `--matrix would make ${count * allVariants.length} runs (${count} scenarios × ${allVariants.length} policy variants)`,
    );
  });

  it('--reporter junit has one testcase per scenario × variant, named with the variant', async () => {
    const free = write(bufferedScenario(), 'junit-a.yaml');
    const pinned = write(bufferedScenario(['policies: { duration-unit: seconds }']), 'junit-b.yaml');
    const result = await runSourceCli(['run', free, pinned, '--matrix', '--reporter', 'junit']);
    expect(result.code, show(result)).toBe(1);
    const cases = testcases(result.stdout);
    const expected = [
      ...allVariants.map((variant) => [free, `buffered [${variant}]`]),
      ...allVariants
        .filter((variant) => variant !== 'duration-unit=minutes')
        .map((variant) => [pinned, `buffered [${variant}]`]),
    ];
    expect(cases.map((testcase) => [testcase.classname, testcase.name])).toEqual(expected);
    const total = expected.length;
    expect(result.stdout).toMatch(new RegExp(`<testsuites [^>]*tests="${total}" failures="3" errors="0"`));
    const failed = cases.filter((testcase) => testcase.body.includes('<failure'));
    expect(failed.map((testcase) => testcase.name)).toEqual([
      'buffered [duration-unit=minutes]',
      'buffered [buffers-in-times=off]',
      'buffered [buffers-in-times=off]',
    ]);
    expect(failed[0]?.body).toMatch(/<failure message="\[duration-unit=minutes\] flow &quot;on-create&quot;/);
    expect(failed[0]?.body).toContain('/Duration: expected 2400, found 40');
  });

  it('--reporter json puts the variant on each result', async () => {
    const file = write(bufferedScenario());
    const result = await runSourceCli(['run', '--matrix', file, '--reporter', 'json']);
    expect(result.code, show(result)).toBe(1);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report).toMatchObject({ passed: allVariants.length - 2, failed: 2, errors: 0 });
    expect(report.scenarios.map((scenario) => scenario.variant)).toEqual(allVariants);
    expect(report.scenarios[1]).toMatchObject({ name: 'buffered', file, variant: 'duration-unit=minutes' });
  });

  it('with --policy, starts from those policies and changes one policy at a time away from them', async () => {
    const result = await runSourceCli([
      'run',
      '--matrix',
      write(bufferedScenario()),
      '--policy',
      'duration-unit=minutes',
    ]);
    expect(result.code, show(result)).toBe(1);
    const table = rows(result.stdout);
    expect(table.slice(0, 3)).toEqual([
      ['FAIL', 'duration-unit=minutes'],
      ['PASS', 'defaults'],
      ['FAIL', 'duration-unit=minutes,buffers-in-times=off'],
    ]);
    expect(table.filter(([mark]) => mark === 'PASS')).toEqual([['PASS', 'defaults']]);
  });

  it.each([
    [['--matrix=sometimes'], /option '--matrix \[all\]' argument 'sometimes' is invalid/],
    [['--policy', 'duration-unit=hours'], /Policy duration-unit takes seconds \| minutes, got "hours"/],
    [
      ['--policy', 'no-such-policy=on'],
      /Unknown policy "no-such-policy"\. Policies: duration-unit, buffers-in-times, /,
    ],
    [['--quirk', 'nonsense'], /--quirk takes NAME=VALUE/],
    [['--matrix', '--policy', 'time-format=rfc'], /Policy time-format takes invariant \| exchange \| iso/],
  ])('exits 2 on bad flags: %j', async (flags, message) => {
    const result = await runSourceCli(['run', write(bufferedScenario()), ...flags]);
    expect(result.code, show(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('bookings-emulator run --policy', { timeout: 60_000 }, () => {
  it('sets a policy for a plain run; the report is the usual one', async () => {
    const file = write(bufferedScenario());
    const result = await runSourceCli(['run', file, '--policy', 'duration-unit=minutes']);
    expect(result.code, show(result)).toBe(1);
    expect(result.stdout.split('\n')).toContain('    /Duration: expected 2400, found 40');
    expect(result.stdout).toMatch(
      /^FAIL buffered \(.*\): 3 steps, 1 expectations, 1 deliveries\n {2}step 3 /,
    );
    expect(result.stdout).toMatch(/\n0 passed, 1 failed\n$/);
  });

  it('--quirk is a synonym, with true/false for on/off; a scenario pin wins over either', async () => {
    const quirk = await runSourceCli(['run', write(bufferedScenario()), '--quirk', 'buffers-in-times=false']);
    expect(quirk.code, show(quirk)).toBe(1);
    expect(quirk.stdout).toContain('/Duration: expected 2400, found 1800');
    const pinned = write(bufferedScenario(['policies: { buffers-in-times: on }']));
    const overruled = await runSourceCli(['run', pinned, '--quirk', 'buffers-in-times=off']);
    expect(overruled.code, show(overruled)).toBe(0);
  });
});
