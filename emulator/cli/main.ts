#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config-error.js';
import { packageVersion } from '../core/paths.js';
import { cannotReadMessage, describeFileError } from '../core/source.js';
import { registerCaptureCommand } from './commands/capture.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerFakeCommand } from './commands/fake.js';
import { registerFlowCommand } from './commands/flow.js';
import { registerLintCommand } from './commands/lint.js';
import { registerPoliciesCommand } from './commands/policies.js';
import { registerRunCommand } from './commands/run.js';
import { registerSchemaCommand } from './commands/schema.js';
import { listenErrorMessage, registerStartCommand } from './commands/start.js';
import { registerValidateCommand } from './commands/validate.js';
import { UsageError } from './usage-error.js';

const program = new Command()
  .name('bookings-emulator')
  .description(
    'A local emulator of the Microsoft Bookings appointment triggers for Power Automate and Logic Apps flows.',
  )
  .version(packageVersion)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerStartCommand(program);
registerRunCommand(program);
registerLintCommand(program);
registerValidateCommand(program);
registerFakeCommand(program);
registerCaptureCommand(program);
registerDriftCommand(program);
registerPoliciesCommand(program);
registerFlowCommand(program);
registerSchemaCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; a bad flag or argument exits 2 (invalid input).
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`bookings-emulator: ${error.message}\n`);
    process.exit(2);
  }
  const err = error as NodeJS.ErrnoException;
  // A file the user named that some reader did not check first: still one sentence, exit 2.
  if (err.path !== undefined && ['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM'].includes(err.code ?? '')) {
    const writing = ['mkdir', 'write', 'rename', 'unlink', 'rmdir'].includes(err.syscall ?? '');
    const message = writing
      ? `cannot write ${err.path}: ${describeFileError(err, 'no such folder')}`
      : cannotReadMessage(err.path, err);
    process.stderr.write(`bookings-emulator: ${message}\n`);
    process.exit(2);
  }
  // A --host or --port the machine cannot listen on: what to use instead, exit 2.
  const listenProblem = listenErrorMessage(err);
  if (listenProblem !== undefined) {
    process.stderr.write(`bookings-emulator: ${listenProblem}\n`);
    process.exit(2);
  }
  process.stderr.write(`bookings-emulator: ${err.stack ?? String(error)}\n`);
  process.exit(1);
}
