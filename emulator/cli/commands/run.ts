import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { expandPaths } from '../../scenarios/files.js';
import { type LoadedScenario, loadScenarioFile } from '../../scenarios/load.js';
import { jsonReport } from '../../scenarios/reporters/json.js';
import { junitReport } from '../../scenarios/reporters/junit.js';
import { prettyReport } from '../../scenarios/reporters/pretty.js';
import { type ScenarioResult, summarise } from '../../scenarios/results.js';
import type { RunOptions } from '../../scenarios/runner.js';
import { formatDiagnostic } from '../../scenarios/source.js';
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

/** Progress on a terminal only: CI logs stay quiet. */
function progressPrinter(): RunOptions['onProgress'] {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  return ({ scenario, steps, deliveries }) => {
    process.stderr.write(`\r${scenario}: ${steps} steps, ${deliveries} deliveries\u001b[K`);
  };
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
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
      "set a scenario variable, replacing the scenario's own (repeatable)",
      collect,
      [],
    )
    .action(async (paths: string[], flags: RunFlags) => {
      const flowUrls = parseFlowUrls(flags.flowUrl);
      const vars = parseVars(flags.var);
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

      // Loaded here, not at start-up: the runner brings faker and the whole emulator with it.
      const { runScenario } = await import('../../scenarios/runner.js');
      const onProgress = progressPrinter();
      const options: RunOptions = { flowUrls, vars, ...(onProgress ? { onProgress } : {}) };
      if (flags.emulator !== undefined) options.emulatorUrl = flags.emulator;
      if (flags.controlToken !== undefined) options.controlToken = flags.controlToken;
      if (flags.seed !== undefined) options.seed = flags.seed;
      const results: ScenarioResult[] = [];
      for (const scenario of loaded) {
        const result = await runScenario(scenario, options);
        if (onProgress) process.stderr.write('\r\u001b[K');
        if (
          result.status === 'error' &&
          flags.emulator !== undefined &&
          results.length === 0 &&
          /cannot reach/.test(result.error ?? '')
        ) {
          throw new UsageError(result.error ?? 'cannot reach the emulator');
        }
        results.push(result);
      }
      const report = summarise(results);
      const text = reporters[flags.reporter](report);
      if (flags.out !== undefined) {
        try {
          writeFileSync(flags.out, text);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new UsageError(
            `cannot write the report to ${flags.out}: ${code}. Choose a path in an existing folder.`,
          );
        }
        process.stdout.write(
          `${report.passed} passed, ${report.failed + report.errors} failed (report: ${flags.out})\n`,
        );
      } else {
        process.stdout.write(text);
      }
      process.exitCode = report.failed + report.errors > 0 ? 1 : 0;
    });
}
