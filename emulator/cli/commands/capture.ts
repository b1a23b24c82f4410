import type { Command } from 'commander';
import { describeFileError } from '../../core/source.js';
import { parsePort } from '../flags.js';
import { UsageError } from '../usage-error.js';

interface CaptureFlags {
  port: number;
  host: string;
  out: string;
  redact?: boolean;
}

export function registerCaptureCommand(program: Command): void {
  program
    .command('capture')
    .description('Receive POSTs from a real flow (or a tunnel) and store each body as a fixture.')
    .option('--port <port>', 'port to listen on; 0 takes a free port', parsePort, 4781)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--out <dir>', 'where to write the fixtures', 'fixtures/captured')
    .option(
      '--redact',
      'replace every personal value by a stable fake of the same kind, keeping the shape (see below)',
    )
    .addHelpText(
      'after',
      [
        '',
        '--redact replaces, each by a stable fake (the same person gets the same fake in every file):',
        '  names of customers and staff, e-mail addresses (also inside any text), phone numbers;',
        '  addresses: Street, City, PostalCode and State of PhysicalAddress, and the DisplayName of',
        '  CustomerLocation and Location (the place a customer gave);',
        '  what people write: CustomerNotes, Notes, AdditionalInfo, CancelReason, and the Answer of',
        '  text questions.',
        'It keeps ids, times, service names and notes, questions, choice answers and AnswerOptions,',
        'time zones, CountryOrRegion, TrackingData and JoinWebURL. Empty strings stay empty.',
        'The full list, field by field, and why: docs/capture.md.',
      ].join('\n'),
    )
    .action(async (flags: CaptureFlags) => {
      const { buildCaptureServer } = await import('../../contract/capture.js');
      let app: Awaited<ReturnType<typeof buildCaptureServer>>;
      try {
        app = await buildCaptureServer({
          outDir: flags.out,
          redact: flags.redact ?? false,
          onStored: (file, bytes) => process.stdout.write(`stored ${file} (${bytes} bytes)\n`),
        });
      } catch (error) {
        throw new UsageError(
          `cannot store fixtures in --out ${flags.out}: ${describeFileError(error)}. Choose a folder you can write.`,
        );
      }
      await app.listen({ port: flags.port, host: flags.host });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : flags.port;
      process.stdout.write(
        `capturing on http://${flags.host}:${port}/ -> ${flags.out}${flags.redact ? ' (redacted)' : ''}\n`,
      );
      const stop = () => {
        app.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
