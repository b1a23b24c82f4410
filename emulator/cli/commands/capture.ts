import type { Command } from 'commander';
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
      'replace names, e-mail addresses and phone numbers by stable fakes, keeping the shape',
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
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new UsageError(
          `cannot store fixtures in --out ${flags.out}: ${code}. Choose a folder you can write.`,
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
