import type { Command } from 'commander';
import { formatDiagnostic } from '../../core/source.js';
import { expandPaths } from '../../scenarios/files.js';
import { lintFile } from '../../scenarios/load.js';

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .description(
      'Check scenario and seed files against their schemas and references; errors as FILE:LINE:COL message.',
    )
    .argument('<file...>', 'scenario or seed files (YAML or JSON), or folders of them')
    .action((paths: string[]) => {
      const files = expandPaths(paths);
      const diagnostics = files.flatMap(lintFile);
      for (const diagnostic of diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
      if (diagnostics.length > 0) {
        process.stderr.write(`${diagnostics.length} problem(s) in ${files.length} file(s)\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${files.length} file(s) ok\n`);
    });
}
