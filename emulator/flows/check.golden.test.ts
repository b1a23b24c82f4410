import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleArchives } from '../../scripts/build-sample-flows.js';
import { loadSeedFile } from '../config/seed-loader.js';
import { fieldRules, ruleDescriptions } from './check.js';
import type { FlowFinding } from './model.js';
import { readFlowFile } from './read-flow.js';
import { checkFlowFiles, formatJson } from './report.js';
import { findTriggerReads } from './trigger-reads.js';

/**
 * The sample flows of fixtures/flows/, one per export form, and the findings each must produce
 * (`<name>.findings.json`, the `flow check --format json` output). `UPDATE_GOLDEN=1 npx vitest run
 * emulator/flows/check.golden.test.ts` rewrites the golden files; review the diff.
 */
const samples: { file: string; form: string; seed?: string }[] = [
  { file: 'fixtures/flows/lunch-package.zip', form: 'Power Automate export package', seed: 'demo' },
  { file: 'fixtures/flows/clinic-solution.zip', form: 'solution export (two flows, one without Bookings)' },
  { file: 'fixtures/flows/cooking-class-definition.json', form: 'bare definition.json', seed: 'demo' },
  {
    file: 'fixtures/flows/clinic-reminders/workflow.json',
    form: 'Logic Apps Standard workflow.json',
    seed: 'demo',
  },
  {
    file: 'fixtures/flows/lunch-cancellations/workflow.json',
    form: 'Logic Apps Consumption workflow.json',
    seed: 'demo',
  },
];

const seeds = { demo: loadSeedFile('fixtures/seeds/demo.yaml') };
const update = process.env.UPDATE_GOLDEN === '1';

/** fixtures/flows/NAME.findings.json: NAME is the file's name, or its folder's for a workflow.json. */
function goldenOf(file: string): string {
  const name =
    basename(file) === 'workflow.json' ? basename(dirname(file)) : basename(file).replace(/\.[^.]+$/, '');
  return `fixtures/flows/${name}.findings.json`;
}

async function findingsOf(sample: (typeof samples)[number]): Promise<string> {
  return formatJson(await checkFlowFiles([sample.file], sample.seed ? { seed: seeds.demo } : {}));
}

describe('flow check on the sample flows (golden files)', () => {
  it.each(samples)('$file ($form)', async (sample) => {
    const actual = await findingsOf(sample);
    const golden = goldenOf(sample.file);
    if (update) writeFileSync(golden, actual);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });

  it('the sample archives are built from fixtures/flows/src (npx tsx scripts/build-sample-flows.ts)', () => {
    for (const [path, bytes] of sampleArchives()) {
      expect(Buffer.from(readFileSync(path)).equals(Buffer.from(bytes)), path).toBe(true);
    }
  });

  it('together, the samples produce every rule, every policy and every kind of read', async () => {
    const findings = samples.flatMap(
      (sample) =>
        (JSON.parse(readFileSync(goldenOf(sample.file), 'utf8')) as { findings: FlowFinding[] }).findings,
    );
    const rules = new Set(findings.map((finding) => finding.rule));
    expect([...rules].sort()).toEqual(Object.keys(ruleDescriptions).sort());
    const policies = new Set(findings.map((finding) => finding.policy));
    for (const rule of fieldRules) if (rule.policy) expect(policies, rule.policy).toContain(rule.policy);
    const severitiesOf = (rule: string) =>
      new Set(findings.filter((finding) => finding.rule === rule).map((finding) => finding.severity));
    expect(severitiesOf('one-to-one-only')).toEqual(new Set(['warning', 'note']));
    expect(severitiesOf('may-be-missing')).toEqual(new Set(['warning', 'note']));
    // Every kind of read is found in the samples (with or without a finding).
    const flows = (await Promise.all(samples.map((sample) => readFlowFile(sample.file)))).flat();
    const reads = flows.flatMap((flow) =>
      flow.bookingsTriggers.flatMap((trigger) => findTriggerReads(flow.definition, trigger.name)),
    );
    const expressions = reads.map((read) => read.expression).join('\n');
    for (const form of [
      "triggerOutputs()?['body/", // plain body/X
      "triggerOutputs()['body']['", // ['body']['X']
      "triggerBody()?['",
      'triggerOutputs().body.', // .x access
      "trigger()['outputs']",
      'item()?[',
      'first(',
      'last(',
      "body('Parse_appointment')",
      "outputs('Keep_the_booking')", // a Compose of the trigger body
      "items('Each_attendee')", // loop over Customers
      "items('Each_answer')", // nested loop over a customer's Answers
      "items('Record_topics')", // loop over CustomQuestionAnswers
      "items('For_each_host')", // loop over StaffMembers
      '?[0]',
      'coalesce(',
    ]) {
      expect(expressions, form).toContain(form);
    }
    // A read in an @{…} interpolation, in a condition (If), and in the trigger's own conditions.
    expect(reads.some((read) => read.pointer.endsWith('/emailMessage~1Body'))).toBe(true);
    expect(reads.some((read) => read.pointer.includes('/Is_a_cooking_class/expression/'))).toBe(true);
    expect(reads.some((read) => read.pointer.includes('/conditions/'))).toBe(true);
  });
});
