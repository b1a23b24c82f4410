import type { RunReport, ScenarioResult } from '../results.js';
import { listingReport } from './pretty.js';

/** XML 1.0 has no place for most control characters: they are dropped. */
function isXmlCharacter(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function xml(text: string): string {
  return [...text]
    .filter(isXmlCharacter)
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** A run --matrix result is a test of its own per variant: the variant is in its name and message. */
function testcase(scenario: ScenarioResult): string {
  const label = scenario.variant === undefined ? '' : `[${scenario.variant}]`;
  const name = label ? `${scenario.name} ${label}` : scenario.name;
  const open = `    <testcase classname="${xml(scenario.file)}" name="${xml(name)}" time="0"`;
  if (scenario.status === 'passed') return `${open}/>`;
  const detail = listingReport({ scenarios: [scenario], passed: 0, failed: 1, errors: 0 });
  const reason = scenario.error ?? scenario.failures[0]?.message ?? 'failed';
  const first = label ? `${label} ${reason}` : reason;
  const element = scenario.status === 'error' ? 'error' : 'failure';
  return `${open}>\n      <${element} message="${xml(first)}">${xml(detail)}</${element}>\n    </testcase>`;
}

/** JUnit XML for CI dashboards: one testsuite, one testcase per scenario (per variant with --matrix). */
export function junitReport(report: RunReport): string {
  const total = report.scenarios.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bookings-emulator" tests="${total}" failures="${report.failed}" errors="${report.errors}">`,
    `  <testsuite name="scenarios" tests="${total}" failures="${report.failed}" errors="${report.errors}" skipped="0" time="0">`,
    ...report.scenarios.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
