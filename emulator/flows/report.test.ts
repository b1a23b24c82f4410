import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { ruleDescriptions } from './check.js';
import type { FlowFinding } from './model.js';
import {
  type CheckReport,
  checkFlowFiles,
  exitCodeOf,
  formatJson,
  formatSarif,
  formatText,
  summarize,
  toSarif,
} from './report.js';

const finding = (overrides: Partial<FlowFinding>): FlowFinding => ({
  severity: 'note',
  rule: 'uncertain-form',
  message: 'The text form of StartTime is uncertain.',
  file: 'flows/a.json',
  flow: 'A',
  action: 'Compose',
  expression: "triggerBody()?['StartTime']",
  pointer: '/actions/Compose/inputs',
  policy: 'time-format',
  ...overrides,
});

const report = (findings: FlowFinding[], extra: Partial<CheckReport> = {}): CheckReport => ({
  flows: [
    { file: 'flows/a.json', name: 'A' },
    { file: 'flows/b.zip', entry: 'Workflows/B-1.json', name: 'B' },
  ],
  findings,
  unreadable: [],
  ...extra,
});

describe('exit codes', () => {
  it('0 with notes only, 1 with a warning or an error, 2 with an unreadable file', () => {
    expect(exitCodeOf(report([finding({})]))).toBe(0);
    expect(exitCodeOf(report([]))).toBe(0);
    expect(exitCodeOf(report([finding({}), finding({ severity: 'warning', rule: 'deprecated' })]))).toBe(1);
    expect(exitCodeOf(report([finding({ severity: 'error', rule: 'unknown-field' })]))).toBe(1);
    expect(
      exitCodeOf(
        report([finding({ severity: 'error' })], { unreadable: [{ file: 'x.zip', message: 'x.zip: bad' }] }),
      ),
    ).toBe(2);
  });
});

describe('text', () => {
  it('groups by file and flow, one line per finding, and ends with a summary', () => {
    const text = formatText(
      report([
        finding({}),
        finding({
          severity: 'error',
          rule: 'unknown-field',
          action: 'Send',
          expression: "triggerBody()?['StartDateTime']",
          message: 'StartDateTime is not a field of AppointmentData; did you mean StartTime?',
        }),
      ]),
    );
    expect(text).toBe(
      [
        'flows/a.json  flow "A"',
        "  note    uncertain-form Compose: triggerBody()?['StartTime'] — The text form of StartTime is uncertain.",
        "  error   unknown-field Send: triggerBody()?['StartDateTime'] — StartDateTime is not a field of AppointmentData; did you mean StartTime?",
        '',
        'flows/b.zip › Workflows/B-1.json  flow "B": no findings',
        '',
        '1 error, 0 warnings, 1 note in 2 flows (2 files)',
        '',
      ].join('\n'),
    );
  });

  it('shortens a long expression', () => {
    const text = formatText(report([finding({ expression: `concat(${"'x', ".repeat(60)}'y')` })]));
    expect(text).toMatch(/Compose: concat\('x', .{100,}… — /);
  });
});

describe('json', () => {
  it('holds the findings as they are and a summary with the exit code', () => {
    const findings = [finding({}), finding({ severity: 'warning', rule: 'deprecated' })];
    const value = JSON.parse(formatJson(report(findings)));
    expect(value.findings).toEqual(findings);
    expect(value.summary).toEqual({
      files: 2,
      flows: 2,
      errors: 0,
      warnings: 1,
      notes: 1,
      unreadable: [],
      exitCode: 1,
    });
    expect(summarize(report([], { unreadable: [{ file: 'c.json', message: 'c.json: bad' }] })).files).toBe(3);
  });
});

describe('sarif', () => {
  const folder = mkdtempSync(join(tmpdir(), 'flow-report-'));
  const file = join(folder, 'definition.json');
  writeFileSync(
    file,
    `${JSON.stringify({ definition: { actions: { Compose: { type: 'Compose', inputs: "@triggerBody()?['StartTime']" } } } }, null, 2)}\n`,
  );
  const log = toSarif(
    report(
      [
        finding({ file }),
        finding({
          file: 'flows/b.zip',
          entry: 'Workflows/B-1.json',
          flow: 'B',
          severity: 'error',
          rule: 'unknown-field',
          policy: undefined,
        }),
      ],
      { unreadable: [{ file: 'flows/c.zip', message: 'flows/c.zip: holds no flow definition' }] },
    ),
    { cwd: folder, toolVersion: '9.9.9' },
  );

  it('is one SARIF 2.1.0 run of bookings-emulator with every rule', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]?.tool.driver as Sarif.ToolComponent;
    expect(driver).toMatchObject({ name: 'bookings-emulator', version: '9.9.9' });
    const ids = (driver.rules ?? []).map((rule) => rule.id);
    expect(ids).toEqual(Object.keys(ruleDescriptions));
    for (const rule of driver.rules ?? []) {
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration?.level);
    }
  });

  it('gives each result its rule, level, message, file and line, and the action as a logical location', () => {
    const run = log.runs[0] as Sarif.Run;
    const rules = run.tool.driver.rules ?? [];
    const [bare, zipped] = run.results ?? [];
    for (const result of run.results ?? []) {
      expect(result.message.text).toBeTruthy();
      expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
      const location = result.locations?.[0];
      const uri = location?.physicalLocation?.artifactLocation?.uri ?? '';
      expect(uri).not.toMatch(/^(\/|[a-z]+:)/i);
      expect(location?.physicalLocation?.region?.startLine).toBeGreaterThanOrEqual(1);
      expect(location?.logicalLocations?.[0]?.name).toBe('Compose');
      expect(Object.keys(result.partialFingerprints ?? {})).toHaveLength(1);
    }
    expect(bare).toMatchObject({
      ruleId: 'uncertain-form',
      level: 'note',
      properties: { policy: 'time-format', pointer: '/actions/Compose/inputs' },
    });
    // The expression stands on line 6 of the file, under "definition".
    expect(bare?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'definition.json' },
      region: { startLine: 6, startColumn: 19 },
    });
    expect(zipped).toMatchObject({ ruleId: 'unknown-field', level: 'error' });
    expect(zipped?.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: 1 });
    expect(zipped?.message.text).toContain('(in Workflows/B-1.json)');
    expect(zipped?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('flows/b.zip');
  });

  it('reports an unreadable file as a failed invocation', () => {
    const invocation = log.runs[0]?.invocations?.[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications?.[0]).toMatchObject({
      level: 'error',
      message: { text: 'flows/c.zip: holds no flow definition' },
    });
  });

  it('prints as JSON', () => {
    expect(JSON.parse(formatSarif(report([]), { cwd: folder, toolVersion: '1' })).runs[0].results).toEqual(
      [],
    );
  });
});

describe('checkFlowFiles', () => {
  it('checks the files it can read and lists the others as unreadable', async () => {
    const checked = await checkFlowFiles([
      'fixtures/flows/cooking-class-definition.json',
      'no/such/flow.json',
    ]);
    expect(checked.flows).toEqual([
      { file: 'fixtures/flows/cooking-class-definition.json', name: 'cooking-class-definition' },
    ]);
    expect(checked.findings.length).toBeGreaterThan(0);
    expect(checked.unreadable).toEqual([
      { file: 'no/such/flow.json', message: expect.stringContaining('no/such/flow.json') },
    ]);
    expect(exitCodeOf(checked)).toBe(2);
  });
});
