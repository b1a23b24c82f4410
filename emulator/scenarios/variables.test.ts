import { beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/source.js';
import { useScenarioFolder } from '../testing/scenario-files.js';
import { type LoadedScenario, loadScenarioFile } from './load.js';
import { scenarioVariables, unknownVariablesProblem } from './variables.js';

/** run --var (issue 15, point 8): a variable no scenario of the run knows is an error, not ignored. */

const folder = useScenarioFolder('bookings-variables-');

function load(lines: string[]): LoadedScenario {
  const loaded = loadScenarioFile(folder.write([...lines, ''].join('\n')));
  if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return loaded.loaded;
}

let crm: LoadedScenario;
// The folder exists only once the suite runs: write into it then, not at import.
beforeAll(() => {
  crm = load([
    'name: crm',
    'vars: { crm: "http://127.0.0.1:4031", unused: 1 }',
    'needs: [{ name: CRM stand-in, url: "${crm}" }]',
    'flows: [{ name: f, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "${flow}/created" }]',
    'steps:',
    '  - repeat: { times: 2, var: n, steps: [{ http: { url: "${crm}/calls/${n}" } }] }',
    '  - create: { ref: a1, service: svc1, start: +1h, customer: { name: "${fake:name}", email: a@example.com, answers: { q1: Tax } } }',
  ]);
});

describe('the variables of a scenario', () => {
  it('are the ones it declares in vars: and the ones it uses as ${name}, fake data aside', () => {
    expect([...scenarioVariables(crm)].sort()).toEqual(['crm', 'flow', 'n', 'unused']);
  });
});

describe('run --var names', () => {
  it('that a scenario declares or uses are fine', () => {
    expect(unknownVariablesProblem(['crm', 'flow', 'unused'], [crm])).toBeUndefined();
  });

  it('that no scenario knows are reported with the variables there are', () => {
    expect(unknownVariablesProblem(['nosuch', 'crm'], [crm])).toBe(
      `--var "nosuch": not a variable of the scenario (${crm.file}); its variables (declared in vars: or used as \${name}): crm, flow, n, unused. Check the spelling.`,
    );
  });

  it('across several scenarios, any one of them knowing the name is enough', () => {
    const other = load(['name: other', 'vars: { sink: x }', 'steps: [{ advance: { by: 1s } }]']);
    expect(unknownVariablesProblem(['sink', 'crm'], [crm, other])).toBeUndefined();
    expect(unknownVariablesProblem(['snik'], [crm, other])).toMatch(
      /^--var "snik": not a variable of any of the 2 scenarios; their variables .*: crm, flow, n, sink, unused\./,
    );
  });
});
