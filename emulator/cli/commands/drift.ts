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
        const parsed = parseDocuments(readFileSync(file, 'utf8'));
        if ('problem' in parsed) throw new UsageError(`${file}: ${parsed.problem}`);
        payloads.push(...parsed.documents);
      }
      if (payloads.length === 0) throw new UsageError(`no captured payloads (*.json) in ${dir}.`);
      const report = compareWithEmulator(payloads);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDrift(report));
      process.exitCode = report.findings.some((finding) => finding.severity === 'difference') ? 1 : 0;
    });
}
