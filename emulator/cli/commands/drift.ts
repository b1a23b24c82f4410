import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonFilesUnder, parseDocuments } from '../../contract/validate-files.js';
import { UsageError } from '../usage-error.js';

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description(
      'Compare captured real payloads with what the emulator sends for the same kind of booking; exit 0 no drift, 1 drift, 2 unreadable.',
    )
    .argument('<dir>', 'a folder of captured payloads (*.json)')
    .option('--json', 'print the findings as JSON')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const { compareWithEmulator, formatDrift } = await import('../../contract/drift.js');
      let files: string[];
      try {
        files = jsonFilesUnder(dir);
      } catch (error) {
        throw new UsageError(
          `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      const payloads: unknown[] = [];
      for (const file of files) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (error) {
          throw new UsageError(
            `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          );
        }
        const parsed = parseDocuments(bytes);
        if ('problem' in parsed) throw new UsageError(`${file}: ${parsed.problem}`);
        parsed.documents.forEach((document, index) => {
          if (document === null || typeof document !== 'object' || Array.isArray(document)) {
            const which = parsed.documents.length > 1 ? `document ${index + 1}` : 'the document';
            throw new UsageError(
              `${file}: ${which} is not a JSON object; a captured payload is the AppointmentData object a flow received.`,
            );
          }
        });
        payloads.push(...parsed.documents);
      }
      if (payloads.length === 0) throw new UsageError(`no captured payloads (*.json) in ${dir}.`);
      const report = compareWithEmulator(payloads);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDrift(report));
      process.exitCode = report.findings.some((finding) => finding.severity === 'difference') ? 1 : 0;
    });
}
