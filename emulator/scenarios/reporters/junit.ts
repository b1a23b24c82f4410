import { type RunReport, type ScenarioResult, summarise } from '../results.js';
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

/** Seconds, as JUnit's time attribute takes them. */
const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** A run --matrix result is a test of its own per variant: the variant is in its name and message. */
function testcase(scenario: ScenarioResult): string {
  const label = scenario.variant === undefined ? '' : `[${scenario.variant}]`;
  const name = label ? `${scenario.name} ${label}` : scenario.name;
  const open = `    <testcase classname="${xml(scenario.file)}" name="${xml(name)}" time="${seconds(scenario.durationMs)}"`;
  if (scenario.status === 'passed') return `${open}/>`;
  if (scenario.status === 'skipped')
    return `${open}>\n      <skipped message="${xml(scenario.skipReason ?? '')}"/>\n    </testcase>`;
  const detail = listingReport(summarise([scenario]));
  const reason = scenario.error ?? scenario.failures[0]?.message ?? 'failed';
  const first = label ? `${label} ${reason}` : reason;
  const element = scenario.status === 'error' ? 'error' : 'failure';
  return `${open}>\n      <${element} message="${xml(first)}">${xml(detail)}</${element}>\n    </testcase>`;
}

/**
 * JUnit XML for CI dashboards: one testsuite, one testcase per scenario (per variant with
 * --matrix), each with the time it took; skipped scenarios are <skipped> with the reason.
 */
export function junitReport(report: RunReport): string {
  const total = report.scenarios.length;
  const time = seconds(report.scenarios.reduce((sum, scenario) => sum + (scenario.durationMs ?? 0), 0));
  const counts = `tests="${total}" failures="${report.failed}" errors="${report.errors}" skipped="${report.skipped}" time="${time}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bookings-emulator" ${counts}>`,
    `  <testsuite name="scenarios" ${counts}>`,
    ...report.scenarios.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
