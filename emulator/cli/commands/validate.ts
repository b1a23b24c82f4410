import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatVerdicts, validatePath } from '../../contract/validate-files.js';
import { getSchemaRegistry } from '../../core/schemas/registry.js';
import { UsageError } from '../usage-error.js';

interface ValidateFlags {
  schema: string;
  json?: boolean;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Validate JSON payloads (files, folders of *.json, or - for stdin; JSON Lines accepted) against a schema. Exit 0 valid, 1 invalid, 2 unreadable.',
    )
    .argument('<path...>', 'files, folders, or - for standard input')
    .option(
      '--schema <name>',
      'schema name from schemas/ (default: the connector AppointmentData)',
      'appointment-data',
    )
    .option('--json', 'print the verdicts as JSON')
    .action((paths: string[], flags: ValidateFlags) => {
      const names = getSchemaRegistry().names;
      if (!names.includes(flags.schema)) {
        throw new UsageError(`unknown schema "${flags.schema}"; use one of ${names.join(', ')}.`);
      }
      const stdin = () => readFileSync(0);
      const verdicts = paths.flatMap((path) => validatePath(path, flags.schema, stdin));
      if (verdicts.length === 0) throw new UsageError(`no JSON files found in ${paths.join(', ')}.`);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ schema: flags.schema, files: verdicts }, null, 2)}\n`
          : formatVerdicts(verdicts),
      );
      const unreadable = verdicts.some((verdict) => verdict.status === 'unreadable');
      const invalid = verdicts.some((verdict) => verdict.status === 'invalid');
      process.exitCode = unreadable ? 2 : invalid ? 1 : 0;
    });
}
