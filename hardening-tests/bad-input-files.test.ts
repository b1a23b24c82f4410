import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../emulator/testing/cli.js';
import { useScenarioFolder } from '../emulator/testing/scenario-files.js';

/**
 * Issue 8, point 1, for every file the CLI reads: seed files (`start --seed`, `lint`), scenario
 * files (`run`, `lint`), payloads (`validate`, files and stdin) and captured fixtures (`drift`).
 * Each bad file exits 2 with a message naming the file and the problem, and never a stack trace.
 */

const folder = useScenarioFolder('bad-input-files-');

function expectCleanExit2(result: CliResult): void {
  const output = `${result.stdout}${result.stderr}`;
  expect(result.code, output).toBe(2);
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(output).not.toMatch(/unhandled|uncaught|RangeError|heap out of memory/i);
}

const validSeedHead = [
  'users: [{ upn: adele@contoso.example, token: admin-token }]',
  'businesses:',
  '  - email: lunch@contoso.example',
  '    displayName: Contoso Lunch',
  '',
].join('\n');

/** Anchors nine times over, eight levels deep: 43 million nodes if aliases were expanded freely. */
const yamlBomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map(
    (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefg'[index]}`).join(',')}]`,
  ),
  'businesses: [*h]',
  '',
].join('\n');

interface BadFile {
  name: string;
  file: string;
  content: string | Buffer;
  /** The problem as the user sees it, position included where there is one. */
  problem: RegExp;
}

const badSeeds: BadFile[] = [
  {
    name: 'malformed YAML',
    file: 'malformed.yaml',
    content: 'businesses: [\n  { email: lunch@contoso.example\n',
    problem: /malformed\.yaml.*(line|:)\s*\d+/s,
  },
  {
    name: 'a YAML bomb',
    file: 'bomb.yaml',
    content: yamlBomb,
    problem: /expand to more than 1000 nodes.*YAML bomb/,
  },
  {
    name: 'flow lists nested 5,000 deep',
    file: 'deep-flow.yaml',
    content: `businesses: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    problem: /1.*77.*nest deeper than 64 levels/,
  },
  {
    name: 'a block sequence nested 20,000 deep on one line',
    file: 'deep-dashes.yaml',
    content: `businesses:\n  ${'- '.repeat(20_000)}x\n`,
    problem: /(line 2, column 1|:2:1).*nest far deeper than 64 levels/,
  },
  {
    name: 'a JSON seed nested 20,000 deep',
    file: 'deep.json',
    content: `{"businesses": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
    problem: /nest deeper than 64 levels/,
  },
  {
    name: 'block maps nested 100 deep',
    file: 'deep-block.yaml',
    content: `businesses: []\nextra:\n${Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i + 1)}a:`).join('\n')}\n`,
    problem: /nest deeper than 64 levels/,
  },
  {
    name: 'invalid UTF-8',
    file: 'latin1.yaml',
    content: Buffer.concat([
      Buffer.from(validSeedHead),
      Buffer.from('    timeZone: Caf'),
      Buffer.from([0xe9, 0x0a]),
    ]),
    problem: /(line 5, column 18|:5:18).*not valid UTF-8.*save it as UTF-8/,
  },
  {
    name: 'a duplicate key',
    file: 'duplicate.yaml',
    content: `${validSeedHead}businesses: []\n`,
    problem: /the key "businesses" appears twice in one map/,
  },
  {
    name: 'a duplicate key in a JSON seed',
    file: 'duplicate.json',
    content: '{"businesses": [], "users": [], "businesses": []}',
    problem: /the key "businesses" appears twice/,
  },
  {
    name: 'a wrong type',
    file: 'wrong-type.yaml',
    content: 'businesses: lunch@contoso.example\n',
    problem: /\/businesses.*must be array/,
  },
  {
    name: 'an unknown field',
    file: 'unknown-field.yaml',
    content: `${validSeedHead}bussinesses: []\n`,
    problem: /\/bussinesses.*is not a property/,
  },
  { name: 'an empty file', file: 'empty.yaml', content: '# nothing here\n', problem: /the file is empty/ },
  {
    name: 'an unknown YAML tag',
    file: 'tag.yaml',
    content: 'businesses: !!js/function "function () { return [] }"\n',
    problem: /Unresolved tag/,
  },
];

describe('seed files', () => {
  it.each(badSeeds)('start --seed with $name exits 2 and says why', async (bad) => {
    const path = folder.write(bad.content, bad.file);
    const result = await runCli(['start', '--port', '0', '--seed', path]);
    expectCleanExit2(result);
    expect(result.stdout).not.toContain('listening on');
    expect(result.stderr).toContain(`Invalid seed ${path}`);
    expect(result.stderr).toMatch(bad.problem);
  });

  it('start --seed reports schema problems as FILE:LINE:COL message, as lint does for the same file', async () => {
    const text = `${validSeedHead}    staff: [{ id: s1, displayName: A, emailAddress: a@x.example, role: boss }]\n`;
    const path = folder.write(text, 'bad-role.yaml');
    const started = await runCli(['start', '--port', '0', '--seed', path]);
    const linted = await runCli(['lint', path]);
    expectCleanExit2(started);
    const line = linted.stdout.trim();
    expect(line).toMatch(
      new RegExp(`^${escapeRegExp(path)}:5:\\d+ /businesses/0/staff/0/role must be one of`),
    );
    expect(started.stderr).toContain(`Invalid seed ${path}:\n  ${line}\n`);
  });

  it.each(badSeeds)('lint with $name exits 2 with FILE:LINE:COL', async (bad) => {
    const path = folder.write(bad.content, bad.file);
    const result = await runCli(['lint', path]);
    expectCleanExit2(result);
    expect(result.stdout).toMatch(new RegExp(`^${escapeRegExp(path)}:\\d+:\\d+ `, 'm'));
    expect(result.stdout).toMatch(bad.problem);
  });

  it.each([
    ['a folder', (dir: string) => dir, 'it is a folder, not a file'],
    ['a missing file', (dir: string) => join(dir, 'nope.yaml'), 'no such file'],
  ])('start --seed with %s exits 2 and says so in one sentence', async (_name, pathOf, problem) => {
    const path = pathOf(folder.path());
    const result = await runCli(['start', '--port', '0', '--seed', path]);
    expectCleanExit2(result);
    expect(result.stderr).toBe(`bookings-emulator: cannot read ${path}: ${problem}\n`);
  });
});

const flows = [
  'flows:',
  '  - { name: f, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:f" }',
].join('\n');

const badScenarios: BadFile[] = [
  {
    name: 'malformed YAML',
    file: 'malformed-scenario.yaml',
    content: `name: x\n${flows}\nsteps:\n  - subscribe: { flow: f\n`,
    problem: /malformed-scenario\.yaml:\d+:\d+ /,
  },
  {
    name: 'a YAML bomb',
    file: 'bomb-scenario.yaml',
    content: yamlBomb.replace('businesses: [*h]', 'name: bomb\nsteps: [*h]'),
    problem: /YAML bomb/,
  },
  {
    name: 'steps nested 1,000 deep',
    file: 'deep-scenario.yaml',
    content: `name: deep\nsteps: ${'['.repeat(1000)}${']'.repeat(1000)}\n`,
    problem: /deep-scenario\.yaml:2:72 lists and maps nest deeper than 64 levels/,
  },
  {
    name: 'nested repeats that unroll to a trillion steps',
    file: 'step-bomb.yaml',
    content: [
      'name: step-bomb',
      'steps:',
      '  - repeat:',
      '      times: 1000000',
      '      steps: [{ repeat: { times: 1000000, steps: [{ advance: { by: 1s } }] } }]',
      '',
    ].join('\n'),
    problem: /step-bomb\.yaml:4:14 the steps expand to 1,000,000,000,000 steps .*at most 1,000,000/,
  },
  {
    name: 'invalid UTF-8',
    file: 'latin1-scenario.yaml',
    content: Buffer.concat([Buffer.from(`name: caf`), Buffer.from([0xe9]), Buffer.from(`\nsteps: []\n`)]),
    problem: /latin1-scenario\.yaml:1:10 the file is not valid UTF-8/,
  },
  {
    name: 'a duplicate key in a step',
    file: 'duplicate-scenario.yaml',
    content: `name: dup\n${flows}\nsteps:\n  - expect: { flow: f, count: 1, count: 2 }\n`,
    problem: /duplicate-scenario\.yaml:5:\d+ the key "count" appears twice/,
  },
  {
    name: 'a wrong type',
    file: 'wrong-type-scenario.yaml',
    content: `name: wrong\n${flows}\nsteps:\n  - expect: { flow: f, count: two }\n`,
    problem: /wrong-type-scenario\.yaml:5:\d+ .*count/,
  },
  {
    name: 'an unknown step',
    file: 'unknown-step.yaml',
    content: `name: unknown\n${flows}\nsteps:\n  - teleport: { flow: f }\n`,
    problem: /unknown-step\.yaml:5:\d+ .*teleport/,
  },
  {
    name: 'a seed that is a folder',
    file: 'folder-seed.yaml',
    content: `name: folder-seed\nseed: ./\nsteps: [{ advance: { by: 1m } }]\n`,
    problem: /folder-seed\.yaml:2:\d+ seed \.\/: cannot read .*: it is a folder, not a file/,
  },
  {
    name: 'a seed that is a YAML bomb',
    file: 'bomb-seed.yaml',
    content: `name: bomb-seed\nseed: ./bomb.yaml\nsteps: [{ advance: { by: 1m } }]\n`,
    problem: /bomb-seed\.yaml:2:\d+ .*YAML bomb/,
  },
];

describe('scenario files', () => {
  it.each(badScenarios)('run with $name exits 2 with FILE:LINE:COL', async (bad) => {
    folder.write(yamlBomb, 'bomb.yaml');
    const path = folder.write(bad.content, bad.file);
    const result = await runCli(['run', path]);
    expectCleanExit2(result);
    expect(result.stderr).toContain('invalid scenario files');
    expect(result.stderr).toMatch(bad.problem);
  });

  it.each(badScenarios)('lint with $name exits 2 with FILE:LINE:COL', async (bad) => {
    folder.write(yamlBomb, 'bomb.yaml');
    const path = folder.write(bad.content, bad.file);
    const result = await runCli(['lint', path]);
    expectCleanExit2(result);
    expect(result.stdout).toMatch(bad.problem);
  });
});

describe('a file that is not there (issue 15, point 13)', () => {
  it.each([
    ['run', (path: string) => ['run', path], 'no such file or folder'],
    ['lint', (path: string) => ['lint', path], 'no such file or folder'],
    ['validate', (path: string) => ['validate', path], 'no such file or folder'],
    ['drift', (path: string) => ['drift', path], 'no such file or folder'],
    ['start --seed', (path: string) => ['start', '--port', '0', '--seed', path], 'no such file'],
  ])('%s says "cannot read FILE: ..." in one sentence and exits 2', async (_command, args, problem) => {
    const path = join(folder.path(), 'not-there.yaml');
    const result = await runCli(args(path));
    expectCleanExit2(result);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`bookings-emulator: cannot read ${path}: ${problem}\n`);
  });
});

const payloadHead = '{"SelfServiceAppointmentId": "a1", "ServiceName": "Consultation"';
const badPayloads: Array<BadFile & { viaStdin?: boolean }> = [
  {
    name: 'malformed JSON',
    file: 'malformed.json',
    content: `${payloadHead},`,
    problem: /unreadable: not JSON/,
  },
  {
    name: 'an empty file',
    file: 'empty.json',
    content: '',
    problem: /unreadable: not JSON: Unexpected end of JSON input/,
  },
  {
    name: 'invalid UTF-8',
    file: 'latin1.json',
    content: Buffer.concat([
      Buffer.from(`${payloadHead}, "CustomerName": "Ren`),
      Buffer.from([0xe9, 0x22, 0x7d]),
    ]),
    problem: /unreadable: not JSON: it is not valid UTF-8 \(first bad byte at offset 86\)/,
  },
  {
    name: 'a duplicate key',
    file: 'duplicate.json',
    content: `${payloadHead}, "ServiceName": "Other"}`,
    problem: /unreadable: .*the key "ServiceName" appears twice in one object at \/ServiceName/,
  },
  {
    name: 'nesting 100,000 deep',
    file: 'deep.json',
    content: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    problem: /unreadable: .*nest deeper than 64 levels/,
  },
  {
    name: 'JSON Lines with a bad second line',
    file: 'lines.jsonl.json',
    content: `${payloadHead}}\n{"Id": "a2",}\n`,
    problem: /unreadable: not JSON \(nor JSON Lines: line 2: .*\)/,
  },
];

describe('payload files for validate', () => {
  it.each(badPayloads)('validate FILE with $name exits 2', async (bad) => {
    const path = folder.write(bad.content, bad.file);
    const result = await runCli(['validate', path]);
    expectCleanExit2(result);
    expect(result.stdout).toContain(`${path}: unreadable`);
    expect(result.stdout).toMatch(bad.problem);
  });

  it.each(badPayloads)('validate - (stdin) with $name exits 2', async (bad) => {
    const result = await runCli(['validate', '-'], 20_000, { stdin: bad.content });
    expectCleanExit2(result);
    expect(result.stdout).toContain('(stdin): unreadable');
    expect(result.stdout).toMatch(bad.problem);
  });

  it('a well-formed payload with a wrong type and an unknown field is invalid (exit 1), each at its pointer', async () => {
    const path = folder.write(
      `${payloadHead}, "Duration": "30", "customerEmail": "a@b.example"}`,
      'wrong.json',
    );
    const result = await runCli(['validate', path]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/\/Duration: expected integer/);
    expect(result.stdout).toMatch(/\/customerEmail: expected no such property/);
  });
});

describe('captured fixtures for drift', () => {
  const driftCases: BadFile[] = [
    ...badPayloads.filter((bad) => bad.file !== 'lines.jsonl.json'),
    {
      name: 'a document that is not an object',
      file: 'list.json',
      content: '[{"ServiceName": "Consultation"}]',
      problem: /the document is not a JSON object/,
    },
  ];

  it.each(driftCases)('drift with $name exits 2 and names the file', async (bad) => {
    const dir = join(folder.path(), `drift-${bad.file}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, bad.file), bad.content);
    const result = await runCli(['drift', dir]);
    expectCleanExit2(result);
    expect(result.stderr).toContain(join(dir, bad.file));
    expect(result.stderr).toMatch(
      new RegExp(bad.problem.source.replace(/^unreadable: /, '').replace(/^not JSON: /, '')),
    );
  });

  it('drift on a folder with no fixtures exits 2', async () => {
    const dir = join(folder.path(), 'drift-empty');
    mkdirSync(dir, { recursive: true });
    const result = await runCli(['drift', dir]);
    expectCleanExit2(result);
    expect(result.stderr).toMatch(/no captured payloads/);
  });
});

describe('capture', () => {
  it('capture --out where no folder can be made exits 2 and says what to do', async () => {
    const file = folder.write('a file, not a folder', 'not-a-folder.txt');
    const result = await runCli(['capture', '--port', '0', '--out', join(file, 'fixtures')]);
    expectCleanExit2(result);
    expect(result.stderr).toMatch(
      /cannot store fixtures in --out .*: a part of the path is a file, not a folder\. Choose a folder you can write\./,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
