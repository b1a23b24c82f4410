import type { Command } from 'commander';
import { parsePolicySettings, policyTable } from '../../domain/policies.js';
import { policiesMarkdown, policiesText } from '../policy-docs.js';

interface PoliciesFlags {
  json?: boolean;
  markdown?: boolean;
  policy: string[];
}

export function registerPoliciesCommand(program: Command): void {
  program
    .command('policies')
    .description(
      'List every behaviour of the real service that is uncertain or our choice: values, default, evidence and advice.',
    )
    .option('--json', 'print the table as JSON (the shape of GET /_emulator/policies)')
    .option('--markdown', 'print the table as Markdown (the fidelity table of docs/policies.md)')
    .option(
      '--policy <name=value>',
      'show these values as in force (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .action((flags: PoliciesFlags) => {
      const table = policyTable({ ...parsePolicySettings(flags.policy) });
      const text = flags.json
        ? JSON.stringify(table, null, 2)
        : flags.markdown
          ? policiesMarkdown(table)
          : policiesText(table);
      process.stdout.write(`${text}\n`);
    });
}
