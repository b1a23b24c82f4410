import type { PolicyTable } from '../generated/schema-types.js';
import { policyTable } from './policies.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

/**
 * The fidelity table in Markdown: README.md and docs/policies.md hold this text between
 * `<!-- policies:start -->` and `<!-- policies:end -->`, and a test keeps them equal to it.
 */
export function policiesMarkdown(table: PolicyTable = policyTable()): string {
  const rows = table.policies.map((policy) => {
    const values = policy.values
      .map(
        (value) =>
          `${value.value === policy.default ? `**\`${value.value}\`**` : `\`${value.value}\``}: ${cell(value.meaning)} (${value.source}, ${value.strength})`,
      )
      .join('<br>');
    return `| \`${policy.name}\` | ${cell(policy.description)} | ${values} | ${cell(policy.advice)} |`;
  });
  return [
    '| policy | what it decides | values (default in bold; source, strength) | what a flow author should do |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The table for a terminal: one block per policy, the value in force marked. */
export function policiesText(table: PolicyTable): string {
  return table.policies
    .map((policy) => {
      const values = policy.values.map((value) => {
        const marks = [value.value === policy.default ? 'default' : '', value.value === policy.value ? 'in force' : '']
          .filter(Boolean)
          .join(', ');
        return `  ${value.value === policy.value ? '*' : ' '} ${value.value.padEnd(9)} ${value.meaning} [${value.source}, ${value.strength}]${marks ? ` (${marks})` : ''}`;
      });
      return [`${policy.name} (${policy.kind}): ${policy.description}`, ...values, `    advice: ${policy.advice}`].join(
        '\n',
      );
    })
    .join('\n\n');
}
