import { describe, expect, it } from 'vitest';
import { jsonReport } from './reporters/json.js';
import { junitReport } from './reporters/junit.js';
import { prettyReport } from './reporters/pretty.js';
import { formatDuration, lineProgress, liveProgress } from './reporters/progress.js';
import { type ScenarioResult, summarise } from './results.js';

/** The reports of a run with a skipped scenario, and their times (issue 15, point 1). */

const base = { steps: 3, expectations: 1, deliveries: 1, failures: [], moreFailures: 0 };
const passed: ScenarioResult = {
  ...base,
  name: 'payload',
  file: 'scenarios/payload.yaml',
  status: 'passed',
  durationMs: 1234,
};
const failed: ScenarioResult = {
  ...base,
  name: 'order',
  file: 'scenarios/order.yaml',
  status: 'failed',
  durationMs: 250,
  failures: [
    { step: 3, verb: 'expect', line: 9, col: 5, message: 'flow "f": expectation not met within 5s (count)' },
  ],
};
const reason = 'nothing listens on 127.0.0.1:5031: start the CRM stand-in (npm run example -- crm-upload)';
const skipped: ScenarioResult = {
  ...base,
  steps: 0,
  expectations: 0,
  deliveries: 0,
  name: 'example-crm-upload',
  file: 'examples/scenarios/crm-upload.yaml',
  status: 'skipped',
  skipReason: reason,
  durationMs: 3,
};
const report = summarise([passed, failed, skipped]);

describe('a run with a skipped scenario', () => {
  it('counts it apart: it neither passes nor fails', () => {
    expect(report).toMatchObject({ passed: 1, failed: 1, errors: 0, skipped: 1 });
  });

  it('pretty: a SKIP line with the reason, and the skipped count in the totals', () => {
    const lines = prettyReport(report).split('\n');
    expect(lines).toContain(
      `SKIP example-crm-upload (examples/scenarios/crm-upload.yaml): skipped: ${reason}`,
    );
    expect(lines.at(-2)).toBe('1 passed, 1 failed, 1 skipped');
    // Without skipped scenarios the totals read as they always did.
    expect(prettyReport(summarise([passed])).endsWith('\n1 passed, 0 failed\n')).toBe(true);
  });

  it('json: status skipped with its reason, and no wall-clock times (the report repeats)', () => {
    const parsed = JSON.parse(jsonReport(report));
    expect(parsed.skipped).toBe(1);
    expect(parsed.scenarios[2]).toMatchObject({ status: 'skipped', skipReason: reason });
    expect(jsonReport(report)).not.toContain('durationMs');
  });

  it('junit: each testcase and the suite with their real times; the skipped one as <skipped> with the reason', () => {
    const xml = junitReport(report);
    expect(xml).toContain(
      '<testsuite name="scenarios" tests="3" failures="1" errors="0" skipped="1" time="1.487">',
    );
    expect(xml).toContain('<testcase classname="scenarios/payload.yaml" name="payload" time="1.234"/>');
    expect(xml).toContain('<testcase classname="scenarios/order.yaml" name="order" time="0.250">');
    expect(xml).toContain(
      `<testcase classname="examples/scenarios/crm-upload.yaml" name="example-crm-upload" time="0.003">\n      <skipped message="${reason}"/>\n    </testcase>`,
    );
  });
});

class Captured {
  text = '';
  columns?: number;
  write(chunk: string) {
    this.text += chunk;
  }
}

describe('progress while run runs', () => {
  it('says durations as a person reads them', () => {
    expect([45, 2400, 59_940, 185_000].map(formatDuration)).toEqual(['45ms', '2.4s', '59.9s', '3m05s']);
  });

  it('on a terminal: one line drawn over, with the scenario n of N, the step running and the time so far', () => {
    const stream = new Captured();
    let clock = 0;
    const progress = liveProgress(stream, 2, () => clock);
    progress.starting(0, 'payload', 12);
    clock = 2400;
    progress.step({ step: 5, verb: 'expect', line: 40 });
    expect(stream.text).toContain('\r[1/2] payload: step 5 of 12, expect (line 40) · 2.4s\u001b[K');
    clock = 2450;
    progress.step({ step: 6, verb: 'create', line: 41 });
    expect(stream.text).not.toContain('step 6'); // drawn at most every 100 ms
    progress.finished(passed);
    progress.close();
    expect(stream.text.endsWith('\r\u001b[K')).toBe(true);
    expect(stream.text).not.toContain('\n');
  });

  it('on a narrow terminal the line is cut to fit', () => {
    const stream = new Captured();
    stream.columns = 20;
    const progress = liveProgress(stream, 1, () => 0);
    progress.starting(0, 'a-scenario-with-a-long-name', 3);
    progress.close();
    expect(stream.text.split('\r')[1]).toBe(`${'[1/1] a-scenario-with-a-long-name'.slice(0, 19)}\u001b[K`);
  });

  it('in CI: one line per scenario as it finishes, with its verdict, time and why it did not pass', () => {
    const stream = new Captured();
    const progress = lineProgress(stream, 3);
    [passed, failed, skipped].forEach((result, index) => {
      progress.starting(index, result.name, result.steps);
      progress.step({ step: 1, verb: 'advance', line: 3 });
      progress.finished(result);
    });
    progress.close();
    expect(stream.text.split('\n')).toEqual([
      '[1/3] PASS payload (scenarios/payload.yaml) 1.2s',
      '[2/3] FAIL order (scenarios/order.yaml) 250ms: step 3 expect at scenarios/order.yaml:9:5: flow "f": expectation not met within 5s (count)',
      `[3/3] SKIP example-crm-upload (examples/scenarios/crm-upload.yaml) 3ms: skipped: ${reason}`,
      '',
    ]);
  });
});
