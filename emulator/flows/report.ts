import { createHash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import type * as Sarif from 'sarif';
import { cannotReadMessage, readSourceFile, SourceDocument } from '../core/source.js';
import type { Seed } from '../generated/schema-types.js';
import { checkFlow, ruleDescriptions } from './check.js';
import { type FindingSeverity, type FlowDocument, type FlowFinding, FlowReadError } from './model.js';
import { readFlowFile } from './read-flow.js';

/**
 * What `flow check` prints: readable text (the default), JSON (the findings and a summary) and
 * SARIF 2.1.0 for GitHub code scanning.
 */

export type CheckFormat = 'text' | 'json' | 'sarif';

/** One flow that was checked, with or without findings. */
interface CheckedFlow {
  file: string;
  entry?: string;
  name: string;
}

export interface CheckReport {
  flows: CheckedFlow[];
  findings: FlowFinding[];
  /** Files that could not be read: each makes the exit code 2. */
  unreadable: { file: string; message: string }[];
}

export interface CheckSummary {
  files: number;
  flows: number;
  errors: number;
  warnings: number;
  notes: number;
  unreadable: { file: string; message: string }[];
  exitCode: 0 | 1 | 2;
}

/**
 * Reads and checks every file: a file that cannot be read is listed in `unreadable` (exit 2) and
 * the others are still checked.
 */
export async function checkFlowFiles(
  files: readonly string[],
  options: { seed?: Seed } = {},
): Promise<CheckReport> {
  const report: CheckReport = { flows: [], findings: [], unreadable: [] };
  for (const file of files) {
    let flows: FlowDocument[];
    try {
      flows = await readFlowFile(file);
    } catch (error) {
      if (error instanceof FlowReadError) report.unreadable.push({ file, message: error.message });
      else if ((error as NodeJS.ErrnoException).code !== undefined)
        report.unreadable.push({ file, message: cannotReadMessage(file, error) });
      else throw error;
      continue;
    }
    for (const flow of flows) {
      report.flows.push({
        file: flow.file,
        ...(flow.entry !== undefined ? { entry: flow.entry } : {}),
        name: flow.name,
      });
      report.findings.push(...checkFlow(flow, options));
    }
  }
  return report;
}

const count = (findings: readonly FlowFinding[], severity: FindingSeverity) =>
  findings.filter((finding) => finding.severity === severity).length;

/** 2 when a file could not be read; 1 on any error or warning; 0 when nothing is above a note. */
export function exitCodeOf(report: CheckReport): 0 | 1 | 2 {
  if (report.unreadable.length > 0) return 2;
  return report.findings.some((finding) => finding.severity !== 'note') ? 1 : 0;
}

export function summarize(report: CheckReport): CheckSummary {
  return {
    files: new Set([...report.flows.map((flow) => flow.file), ...report.unreadable.map((u) => u.file)]).size,
    flows: report.flows.length,
    errors: count(report.findings, 'error'),
    warnings: count(report.findings, 'warning'),
    notes: count(report.findings, 'note'),
    unreadable: report.unreadable,
    exitCode: exitCodeOf(report),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const flowKey = (flow: { file: string; entry?: string; flow?: string; name?: string }) =>
  JSON.stringify([flow.file, flow.entry ?? '', flow.flow ?? flow.name ?? '']);

const maxExpressionLength = 120;
const shorten = (expression: string) =>
  expression.length > maxExpressionLength ? `${expression.slice(0, maxExpressionLength - 1)}…` : expression;

/**
 * Grouped by file and flow, then by action in the order the findings came:
 * `SEVERITY rule action: expression — message`, and a summary line.
 */
export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  for (const flow of report.flows) {
    const findings = report.findings.filter((finding) => flowKey(finding) === flowKey(flow));
    const where = `${flow.file}${flow.entry !== undefined ? ` › ${flow.entry}` : ''}  flow "${flow.name}"`;
    if (findings.length === 0) {
      lines.push(`${where}: no findings`, '');
      continue;
    }
    lines.push(where);
    const actions = [...new Set(findings.map((finding) => finding.action))];
    for (const action of actions) {
      for (const finding of findings.filter((candidate) => candidate.action === action)) {
        const expression = finding.expression ? `: ${shorten(finding.expression)}` : '';
        lines.push(
          `  ${finding.severity.padEnd(7)} ${finding.rule} ${finding.action}${expression} — ${finding.message}`,
        );
      }
    }
    lines.push('');
  }
  const summary = summarize(report);
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.notes, 'note')}`;
  const unreadable = summary.unreadable.length > 0 ? `; ${summary.unreadable.length} unreadable` : '';
  lines.push(`${counts} in ${plural(summary.flows, 'flow')} (${plural(summary.files, 'file')}${unreadable})`);
  return `${lines.join('\n')}\n`;
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify({ flows: report.flows, findings: report.findings, summary: summarize(report) }, null, 2)}\n`;
}

// --- SARIF ---

/** A file's path as SARIF wants it: relative to the working folder, with forward slashes. */
function artifactUri(file: string, cwd: string): string {
  const path = relative(cwd, resolve(cwd, file)) || file;
  return encodeURI(path.split(sep).join('/'));
}

/** Where the workflow definition stands in a bare JSON file; export packages keep it elsewhere. */
const definitionPrefixes = ['', '/definition', '/properties/definition'];

function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, token)) return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}

/**
 * The line and column of a finding's expression in a bare JSON file, so code scanning can point
 * at it; line 1 for an entry of an archive (a zip has no lines) or a file that cannot be read again.
 */
function positionFinder(): (finding: FlowFinding) => { startLine: number; startColumn?: number } {
  const documents = new Map<string, SourceDocument | undefined>();
  return (finding) => {
    if (finding.entry !== undefined) return { startLine: 1 };
    if (!documents.has(finding.file)) {
      const document = readSourceFile(finding.file);
      documents.set(finding.file, document instanceof SourceDocument ? document : undefined);
    }
    const document = documents.get(finding.file);
    if (!document || document.value === undefined) return { startLine: 1 };
    const prefix = definitionPrefixes.find(
      (candidate) => typeof valueAt(document.value, `${candidate}${finding.pointer}`) === 'string',
    );
    if (prefix === undefined) return { startLine: 1 };
    const { line, col } = document.positionOf(`${prefix}${finding.pointer}`);
    return { startLine: line, startColumn: col };
  };
}

const sarifLevel: Record<FindingSeverity, Sarif.Result.level> = {
  error: 'error',
  warning: 'warning',
  note: 'note',
};

function fingerprint(finding: FlowFinding): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        finding.entry ?? '',
        finding.flow,
        finding.action,
        finding.pointer,
        finding.rule,
        finding.policy ?? '',
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

export interface SarifOptions {
  /** The folder artifact URIs are relative to (the working folder). */
  cwd: string;
  toolVersion: string;
}

/**
 * One run of the tool `bookings-emulator` with every rule it has, and one result per finding at
 * the flow file (physical location) and the action (logical location).
 */
export function toSarif(report: CheckReport, options: SarifOptions): Sarif.Log {
  const ruleIds = Object.keys(ruleDescriptions);
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => {
    const description = ruleDescriptions[id] as { severity: FindingSeverity; text: string };
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase()),
      shortDescription: { text: description.text },
      fullDescription: { text: description.text },
      help: { text: `${description.text} See docs/flows.md (Check a flow) for every rule.` },
      defaultConfiguration: { level: sarifLevel[description.severity] },
    };
  });
  const position = positionFinder();
  const results: Sarif.Result[] = report.findings.map((finding) => {
    const ruleIndex = ruleIds.indexOf(finding.rule);
    const inEntry = finding.entry !== undefined ? ` (in ${finding.entry})` : '';
    return {
      ruleId: finding.rule,
      ...(ruleIndex >= 0 ? { ruleIndex } : {}),
      level: sarifLevel[finding.severity],
      message: {
        text: `${finding.action}${finding.expression ? `: ${finding.expression}` : ''} — ${finding.message}${inEntry}`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(finding.file, options.cwd) },
            region: position(finding),
          },
          logicalLocations: [
            {
              name: finding.action,
              fullyQualifiedName: `${finding.flow}/${finding.action}`,
              kind: 'function',
            },
          ],
        },
      ],
      partialFingerprints: { 'bookingsEmulatorFinding/v1': fingerprint(finding) },
      properties: {
        flow: finding.flow,
        ...(finding.entry !== undefined ? { entry: finding.entry } : {}),
        expression: finding.expression,
        pointer: finding.pointer,
        ...(finding.policy ? { policy: finding.policy } : {}),
      },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bookings-emulator',
            version: options.toolVersion,
            informationUri: 'https://www.npmjs.com/package/bookings-emulator',
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.unreadable.length === 0,
            toolExecutionNotifications: report.unreadable.map((problem) => ({
              level: 'error',
              message: { text: problem.message },
              locations: [
                { physicalLocation: { artifactLocation: { uri: artifactUri(problem.file, options.cwd) } } },
              ],
            })),
          },
        ],
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

export function formatReport(report: CheckReport, format: CheckFormat, options: SarifOptions): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report, options);
  return formatText(report);
}
