import { describe, expect, it } from 'vitest';
import { type Diagnostic, formatDiagnostic } from '../core/source.js';
import { lintFile, loadScenarioFile } from '../scenarios/load.js';
import { runScenario } from '../scenarios/runner.js';
import { bookingsTrigger } from '../testing/flows.js';
import { positionIn as at, useScenarioFolder } from '../testing/scenario-files.js';

const folder = useScenarioFolder('bookings-flow-definition-');

/** A Power Automate export's definition.json with these triggers. */
function exported(triggers: Record<string, unknown>): string {
  return JSON.stringify({
    name: 'f1',
    type: 'Microsoft.Flow/flows',
    properties: {
      displayName: 'Notify on cancel',
      definition: {
        triggers,
        actions: { Compose: { type: 'Compose', inputs: "@triggerOutputs()?['body/CancelReason']" } },
      },
    },
  });
}

function scenario(flowLines: string[], steps: string[] = ['  - advance: { by: 1m }']): string {
  return ['name: from-definition', 'flows:', ...flowLines, 'steps:', ...steps, ''].join('\n');
}

function diagnosticsOf(file: string): Diagnostic[] {
  const result = loadScenarioFile(file);
  if (result.ok) throw new Error('expected the scenario to be refused');
  return result.diagnostics;
}

describe('scenario flows declared by their exported definition', () => {
  it('take mailbox and trigger from the Bookings trigger, and subscribe as the mailbox administrator: a passing run', async () => {
    folder.write(
      exported({
        When_an_appointment_is_cancelled: bookingsTrigger('CancelAppointment', 'lunch@contoso.example'),
      }),
      'notify-on-cancel.json',
    );
    const file = folder.write(
      scenario(
        ['  - { name: on-cancel, definition: notify-on-cancel.json, url: "inbox:cancelled" }'],
        [
          '  - subscribe: { flow: on-cancel }',
          '  - create: { ref: a1, service: svc2, start: 2026-01-06T09:00:00Z, customer: { name: Jo, email: jo@example.com, answers: { q3: None } } }',
          '  - cancel: { ref: a1, reason: Rained out }',
          '  - expect: { flow: on-cancel, ref: a1, count: 1, payload: { CancelReason: Rained out } }',
        ],
      ),
    );
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    expect(loaded.loaded.scenario.flows?.[0]).toMatchObject({
      mailbox: 'lunch@contoso.example',
      trigger: 'cancelled',
      as: 'adele@contoso.example',
    });
    const result = await runScenario(loaded.loaded);
    expect(result.failures, JSON.stringify(result.failures, null, 2)).toEqual([]);
    expect(result.status).toBe('passed');
    expect(lintFile(file)).toEqual([]);
  });

  it('keep an `as` or `token` that is given', () => {
    folder.write(
      exported({ T: bookingsTrigger('CreateAppointment', 'clinic@contoso.example') }),
      'clinic.json',
    );
    const file = folder.write(
      scenario(['  - { name: f, definition: clinic.json, token: not-a-token, url: "inbox:x" }']),
    );
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map(formatDiagnostic).join('\n'));
    expect(loaded.loaded.scenario.flows?.[0]).toMatchObject({
      mailbox: 'clinic@contoso.example',
      token: 'not-a-token',
    });
    expect(loaded.loaded.scenario.flows?.[0]?.as).toBeUndefined();
  });

  it('a definition with no or several Bookings triggers, or that cannot be read, is a problem at its field', () => {
    folder.write(exported({}), 'none.json');
    folder.write(
      exported({
        A: bookingsTrigger('CreateAppointment', 'lunch@contoso.example'),
        B: bookingsTrigger('UpdateAppointment', 'lunch@contoso.example'),
      }),
      'two.json',
    );
    folder.write('{"triggers": {}, "triggers": {}}', 'dup.json');
    const text = scenario([
      '  - { name: none, definition: none.json, url: "inbox:a" }',
      '  - { name: two, definition: two.json, url: "inbox:b" }',
      '  - { name: missing, definition: nowhere.json, url: "inbox:c" }',
      '  - { name: dup, definition: dup.json, url: "inbox:d" }',
    ]);
    const file = folder.write(text);
    const lines = diagnosticsOf(file).map(formatDiagnostic);
    const position = (needle: string) => {
      const { line, col } = at(text, needle);
      return `${file}:${line}:${col}`;
    };
    expect(lines).toEqual([
      `${position('none.json')} definition none.json has no Bookings trigger ("When an appointment is created", "updated" or "cancelled" of the Microsoft Bookings connector); a scenario flow declared by its definition needs exactly one`,
      `${position('two.json')} definition two.json has 2 Bookings triggers: A (created), B (updated); a scenario flow declared by its definition needs exactly one, so declare this flow with mailbox and trigger instead`,
      `${position('nowhere.json')} definition nowhere.json: cannot read it: no such file`,
      expect.stringMatching(
        new RegExp(
          `^${position('dup.json')} definition dup.json: is not valid JSON: the key "triggers" appears twice`,
        ),
      ),
    ]);
    expect(lintFile(file).map(formatDiagnostic)).toEqual(lines);
  });

  it('mailbox or trigger next to a definition, and a mailbox the seed does not know, are problems', () => {
    folder.write(
      exported({ T: bookingsTrigger('CreateAppointment', 'lunch@contoso.example') }),
      'lunch.json',
    );
    folder.write(
      exported({ T: bookingsTrigger('CreateAppointment', 'bookings@fabrikam.example') }),
      'fabrikam.json',
    );
    const text = scenario([
      '  - { name: both, definition: lunch.json, mailbox: lunch@contoso.example, url: "inbox:a" }',
      '  - { name: elsewhere, definition: fabrikam.json, url: "inbox:b" }',
    ]);
    const file = folder.write(text);
    const lines = diagnosticsOf(file).map(formatDiagnostic);
    const mailboxKey = at(text, 'mailbox:');
    const fabrikam = at(text, 'fabrikam.json');
    expect(lines).toEqual([
      `${file}:${mailboxKey.line}:${mailboxKey.col} mailbox comes from the Bookings trigger of the flow's definition; leave it out, or leave out definition and declare the flow by hand`,
      `${file}:${fabrikam.line}:${fabrikam.col} the flow's mailbox bookings@fabrikam.example (from its Bookings trigger) is not a business of the seed; add it to the seed's businesses, or give as (or token) to subscribe anyway`,
    ]);
  });

  it('a flow without definition still needs mailbox, trigger and as or token', () => {
    const file = folder.write(scenario(['  - { name: plain, url: "inbox:a" }']));
    const messages = diagnosticsOf(file).map((diagnostic) => diagnostic.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        '/flows/0/mailbox is required but missing',
        '/flows/0/trigger is required but missing',
      ]),
    );
  });
});
