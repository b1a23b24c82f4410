#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config-error.js';
import { packageVersion } from '../core/paths.js';
import { cannotReadMessage, describeFileError } from '../core/source.js';
import { UsageError } from './usage-error.js';

const program = new Command()
  .name('bookings-emulator')
  .description(
    'A local emulator of the Microsoft Bookings appointment triggers for Power Automate and Logic Apps flows.',
  )
  .version(packageVersion)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

type Register = (program: Command) => unknown;

/** Each command, in the order help lists them, and how to load the module that registers it. */
const commands: Record<string, () => Promise<Register>> = {
  start: async () => (await import('./commands/start.js')).registerStartCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  lint: async () => (await import('./commands/lint.js')).registerLintCommand,
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  fake: async () => (await import('./commands/fake.js')).registerFakeCommand,
  capture: async () => (await import('./commands/capture.js')).registerCaptureCommand,
  drift: async () => (await import('./commands/drift.js')).registerDriftCommand,
  policies: async () => (await import('./commands/policies.js')).registerPoliciesCommand,
  flow: async () => (await import('./commands/flow.js')).registerFlowCommand,
  schema: async () => (await import('./commands/schema.js')).registerSchemaCommand,
};

// A named command needs only its own module (start then loads none of the others' dependencies);
// anything else (help, a version, a typo) gets every command, so help and suggestions are whole.
const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
for (const register of await Promise.all(wanted.map((name) => commands[name]?.()))) register?.(program);

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
  const { listenErrorMessage } = await import('./commands/start.js');
  const listenProblem = listenErrorMessage(err);
  if (listenProblem !== undefined) {
    process.stderr.write(`bookings-emulator: ${listenProblem}\n`);
    process.exit(2);
  }
  process.stderr.write(`bookings-emulator: ${err.stack ?? String(error)}\n`);
  process.exit(1);
}
