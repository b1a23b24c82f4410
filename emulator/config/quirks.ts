import type { QuirkName, Quirks } from '../generated/schema-types.js';

/** CONTRACT.md §4: each observed quirk of the real service is a switch, with these defaults. */
export const quirkDefaults: Readonly<Required<Quirks>> = Object.freeze({
  'cancel-reason-missing-1on1': true, // [B] documented known issue
  'choice-answer-missing': true, // [D] 2023-09
  'update-fires-on-create': false, // [D] 2023-09
  'reschedule-new-id': false, // [D] 2026-03
});

export const quirkNames = Object.keys(quirkDefaults) as QuirkName[];

export function isQuirkName(name: string): name is QuirkName {
  return (quirkNames as string[]).includes(name);
}

/** Parses `NAME=on|off` as the CLI's --quirk takes it. */
export function parseQuirkSetting(setting: string): [QuirkName, boolean] {
  const match = /^([a-z0-9-]+)=(on|off|true|false)$/.exec(setting.trim());
  if (!match?.[1] || !match[2]) {
    throw new Error(`--quirk takes NAME=on|off, got "${setting}". Quirks: ${quirkNames.join(', ')}.`);
  }
  if (!isQuirkName(match[1])) {
    throw new Error(`Unknown quirk "${match[1]}". Quirks: ${quirkNames.join(', ')}.`);
  }
  return [match[1], match[2] === 'on' || match[2] === 'true'];
}
