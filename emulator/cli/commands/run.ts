import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeFileError, formatDiagnostic } from '../../core/source.js';
import { parsePolicySettings } from '../../domain/policies.js';
import type { Policies } from '../../generated/schema-types.js';
import { expandPaths } from '../../scenarios/files.js';
import { expandedStepCount, type LoadedScenario, loadScenarioFile } from '../../scenarios/load.js';
import { jsonReport } from '../../scenarios/reporters/json.js';
import { junitReport } from '../../scenarios/reporters/junit.js';
import { prettyReport } from '../../scenarios/reporters/pretty.js';
import {
  lineProgress,
  liveProgress,
  type RunProgress,
  runLabel,
} from '../../scenarios/reporters/progress.js';
import { type RunReport, type ScenarioResult, summarise, totalsLine } from '../../scenarios/results.js';
import type { RunOptions, StepStarted } from '../../scenarios/runner.js';
import { unknownVariablesProblem } from '../../scenarios/variables.js';
import { collect, parseChoice } from '../flags.js';
import { UsageError } from '../usage-error.js';

type Reporter = 'pretty' | 'json' | 'junit';

interface RunFlags {
  emulator?: string;
  reporter: Reporter;
  out?: string;
  seed?: number;
  flowUrl: string[];
  var: string[];
  controlToken?: string;
  /** true: one policy changed at a time; 'all': every combination. */
  matrix?: true | 'all';
  policy: string[];
  quirk: string[];
}

const reporters: Record<Reporter, typeof prettyReport> = {
  pretty: prettyReport,
  json: jsonReport,
  junit: junitReport,
};

function parseSeed(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('expected a whole number, such as 42.');
  return Number(value);
}

function parseFlowUrls(settings: string[]): Map<string, string> {
  const urls = new Map<string, string>();
  for (const setting of settings) {
    const match = /^([^=]+)=(.+)$/.exec(setting);
    if (!match?.[1] || !match[2]) throw new UsageError(`--flow-url takes NAME=URL, got "${setting}".`);
    if (!URL.canParse(match[2]))
      throw new UsageError(`--flow-url ${match[1]}: "${match[2]}" is not an absolute URL.`);
    urls.set(match[1], match[2]);
  }
  return urls;
}

function parseVars(settings: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const setting of settings) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(setting);
    if (!match?.[1])
      throw new UsageError(`--var takes NAME=VALUE (NAME of letters, digits and _), got "${setting}".`);
    vars.set(match[1], match[2] ?? '');
  }
  return vars;
}

function parseMatrix(value: string): 'all' {
  if (value !== 'all')
    throw new InvalidArgumentError(
      'expected all (every combination of the policies), or nothing (one policy changed at a time).',
    );
  return value;
}

const isOptionLike = (arg: string) => arg.length > 1 && arg.startsWith('-');

/**
 * Commander gives an optional option-argument the next word whatever it is, so `run --matrix
 * a.yaml` would lose its scenario. A bare --matrix moves past the words after it unless the first
 * is `all`, its one value.
 */
export function keepScenariosFromMatrix(args: readonly string[]): string[] {
  const kept: string[] = [];
  let index = 0;
  while (index < args.length) {
    const arg = args[index++] as string;
    if (arg === '--') {
      kept.push(arg, ...args.slice(index));
      break;
    }
    if (arg !== '--matrix' || args[index] === 'all') {
      kept.push(arg);
      continue;
    }
    while (index < args.length && !isOptionLike(args[index] as string)) kept.push(args[index++] as string);
    kept.push(arg);
  }
  return kept;
}

class RunCommand extends Command {
  override parseOptions(args: string[]): ReturnType<Command['parseOptions']> {
    return super.parseOptions(keepScenariosFromMatrix(args));
  }
}

/** --quirk is a synonym of --policy; --policy wins where both set a policy. */
function runPolicies(flags: RunFlags): Policies {
  return { ...parsePolicySettings(flags.quirk, '--quirk'), ...parsePolicySettings(flags.policy) };
}

/**
 * A live line on a terminal; one line per finished scenario in CI (CI set) or when the report goes
 * to a file or a pipe. Either way on standard error, so the report on standard output stays clean.
 */
function progressFor(total: number): RunProgress {
  const onTerminal = process.stderr.isTTY && process.stdout.isTTY && !process.env.CI;
  return onTerminal ? liveProgress(process.stderr, total) : lineProgress(process.stderr, total);
}

/** Reads every scenario first: one bad file stops the run before anything runs (exit 2). */
function loadScenarios(paths: string[]): LoadedScenario[] {
  const files = expandPaths(paths);
  if (files.length === 0) throw new UsageError(`no scenario files found in ${paths.join(', ')}.`);
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const result = loadScenarioFile(file);
    if (result.ok) loaded.push(result.loaded);
    else problems.push(...result.diagnostics.map(formatDiagnostic));
  }
  if (problems.length > 0) throw new UsageError(`invalid scenario files:\n${problems.join('\n')}`);
  return loaded;
}

/** --flow-url and --var must name something a scenario of the run has: a typo is not ignored. */
function checkNamesExist(loaded: LoadedScenario[], flowUrls: Map<string, string>, vars: Map<string, string>) {
  const flowNames = new Set(
    loaded.flatMap((scenario) => (scenario.scenario.flows ?? []).map((flow) => flow.name)),
  );
  for (const name of flowUrls.keys()) {
    if (!flowNames.has(name)) {
      throw new UsageError(
        `--flow-url names "${name}", but no scenario has a flow of that name (${[...flowNames].join(', ') || 'none'}).`,
      );
    }
  }
  const problem = unknownVariablesProblem(vars.keys(), loaded);
  if (problem) throw new UsageError(problem);
}

function writeReport(report: RunReport, flags: RunFlags): void {
  const text = reporters[flags.reporter](report);
  if (flags.out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(flags.out, text);
  } catch (error) {
    throw new UsageError(
      `cannot write the report to ${flags.out}: ${describeFileError(error, 'its folder does not exist')}. Choose a path in an existing folder.`,
    );
  }
  process.stdout.write(`${totalsLine(report)} (report: ${flags.out})\n`);
}

/** One run of the plan: a scenario, or a scenario under one policy variant with --matrix. */
interface PlannedRun {
  label: string;
  /** Steps with every repeat unrolled, for the progress line. */
  steps: number;
  run: (onStep: (step: StepStarted) => void) => Promise<ScenarioResult>;
}

/** Runs the plan in order with progress on stderr; an unreachable --emulator stops it at once (exit 2). */
async function runAll(planned: PlannedRun[], flags: RunFlags): Promise<ScenarioResult[]> {
  const progress = progressFor(planned.length);
  const results: ScenarioResult[] = [];
  try {
    for (const [index, { label, steps, run }] of planned.entries()) {
      progress.starting(index, label, steps);
      const result = await run((step) => progress.step(step));
      if (
        result.status === 'error' &&
        flags.emulator !== undefined &&
        results.length === 0 &&
        /cannot reach/.test(result.error ?? '')
      ) {
        throw new UsageError(result.error ?? 'cannot reach the emulator');
      }
      progress.finished(result);
      results.push(result);
    }
  } finally {
    progress.close();
  }
  return results;
}

export function registerRunCommand(program: Command): void {
  const command = new RunCommand('run').copyInheritedSettings(program);
  program.addCommand(command);
  command
    .description(
      'Run scenario files; exit 0 when every expectation held, 1 when any failed, 2 on invalid input.',
    )
    .argument('<scenario...>', 'scenario files (YAML or JSON), or folders of them')
    .option('--emulator <url>', 'run against this running emulator instead of one started per scenario')
    .addOption(
      new Option(
        '--control-token <token>',
        "with --emulator: the emulator's control token (header X-Emulator-Control-Token)",
      ).env('BOOKINGS_EMULATOR_CONTROL_TOKEN'),
    )
    .option(
      '--reporter <name>',
      'pretty, json or junit',
      parseChoice(['pretty', 'json', 'junit'] as const),
      'pretty',
    )
    .option('--out <file>', 'write the report to this file (a summary still goes to stdout)')
    .option('--seed <n>', 'seed for ids and fake data; the same seed repeats the run exactly', parseSeed)
    .option(
      '--flow-url <name=url>',
      "send a flow to this URL instead of the scenario's (repeatable)",
      collect,
      [],
    )
    .option(
      '--var <name=value>',
      "set a scenario variable, replacing the scenario's own (repeatable); a name no scenario declares or uses is an error",
      collect,
      [],
    )
    .option(
      '--policy <name=value>',
      'set a policy for the run (repeatable; bookings-emulator policies lists them); with --matrix, where the variants start',
      collect,
      [],
    )
    .option('--quirk <name=value>', 'a synonym of --policy (quirks take on or off)', collect, [])
    .option(
      '--matrix [all]',
      'run each scenario under the default policies, then once per other value of each policy; with all, under every combination (at most 256 runs in all). A policy a scenario pins is not varied',
      parseMatrix,
    )
    .action(async (paths: string[], flags: RunFlags) => {
      const policies = runPolicies(flags);
      const flowUrls = parseFlowUrls(flags.flowUrl);
      const vars = parseVars(flags.var);
      const loaded = loadScenarios(paths);
      checkNamesExist(loaded, flowUrls, vars);

      // A run's live state is small and steady (journalRetention), but V8's default heap growth
      // lets garbage pile up to several times it before collecting (10,000 steps: peak RSS 227 MiB
      // without these flags, 125 with; some 20% more CPU); and the HTTP parser deliveries use
      // (undici's llhttp, WebAssembly) is compiled a second time, optimised, on a background
      // thread, a passing peak of some 20 MiB. Set before the runner and the emulator load.
      setFlagsFromString('--optimize-for-size');
      setFlagsFromString('--liftoff-only');
      // Loaded here, not at start-up: the runner brings faker and the whole emulator with it.
      const { runScenario } = await import('../../scenarios/runner.js');
      const { planMatrix, runVariant } = await import('../../scenarios/matrix.js');
      const options: RunOptions = { flowUrls, vars };
      if (flags.emulator !== undefined) options.emulatorUrl = flags.emulator;
      if (flags.controlToken !== undefined) options.controlToken = flags.controlToken;
      if (flags.seed !== undefined) options.seed = flags.seed;
      if (Object.keys(policies).length > 0) options.policies = policies;
      const stepsOf = (scenario: LoadedScenario) => expandedStepCount(scenario.scenario.steps);
      const planned: PlannedRun[] = flags.matrix
        ? planMatrix(loaded, { all: flags.matrix === 'all', base: policies }).map((run) => ({
            label: runLabel(run.scenario.scenario.name, run.variant.name),
            steps: stepsOf(run.scenario),
            run: (onStep) => runVariant(run, { ...options, onStep }),
          }))
        : loaded.map((scenario) => ({
            label: runLabel(scenario.scenario.name),
            steps: stepsOf(scenario),
            run: (onStep) => runScenario(scenario, { ...options, onStep }),
          }));
      const report = summarise(await runAll(planned, flags));
      writeReport(report, flags);
      process.exitCode = report.failed + report.errors > 0 ? 1 : 0;
    });
}
