import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { jsonFilesUnder, parseDocuments } from '../../contract/validate-files.js';
import { cannotReadMessage } from '../../core/source.js';
import { parsePolicySettings } from '../../domain/policies.js';
import { collect } from '../flags.js';
import { UsageError } from '../usage-error.js';

const help = `
drift compares 1:1 and group bookings apart, field by field (array items as Customers[].Email).
A field, JSON type or value form that a capture has and the emulator never sends is a difference
(exit 1). The value forms:
  StartTime, EndTime        invariant (06/24/2026 16:30:00), exchange (2026-06-24T16:30:00.0000000Z),
                            iso (2026-06-24T16:30:00.000Z) or other
  Duration                  its unit (seconds, minutes, milliseconds), judged against
                            EndTime - StartTime read in whichever form they have
  JoinWebURL                with or without the &webjoin=true&unified=true suffix
  Id,                       GUID, zero GUID, empty or other; the ids copied from the seed
  SelfServiceAppointmentId  (ServiceId, CustomerId, StaffMembers[].Id, QuestionID) are not judged
A field the emulator sends that no capture has is a note, which does not fail; notes are made only
when there is at least one complete capture of that kind.

Partial captures: a file named *.partial.json holds only some of the fields the flow received
(fixtures/captured/SOURCES.md says which and why). Only the fields it has are compared: what it
lacks is never reported, neither as a difference nor as a note. Its fields still count as
"present" for the "the emulator never sends it" check.

Policies: --policy NAME=VALUE (repeatable) makes the emulated side under those policies, e.g.
--policy time-format=exchange or --policy duration-unit=minutes; bookings-emulator policies lists
them. A difference in a form a policy controls names the flag that would remove it.

Exit codes: 0 no drift, 1 drift, 2 unreadable input or an unknown policy or value.`;

interface CapturedFile {
  file: string;
  payloads: unknown[];
}

function readCapturedFiles(dir: string): CapturedFile[] {
  return jsonFilesUnder(dir).map((file) => ({ file, payloads: readCapturedFile(file) }));
}

function readCapturedFile(file: string): unknown[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UsageError(cannotReadMessage(file, error));
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
  return parsed.documents;
}

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description(
      'Compare captured real payloads with what the emulator sends for the same kind of booking: fields, types and value forms; exit 0 no drift, 1 drift, 2 unreadable.',
    )
    .argument(
      '<path>',
      'a captured payload or a folder of them (*.json; *.partial.json for partial captures)',
    )
    .option('--policy <name=value>', 'emulate under this policy (repeatable)', collect, [])
    .option('--json', 'print the findings as JSON')
    .addHelpText('after', help)
    .action(async (path: string, flags: { json?: boolean; policy: string[] }) => {
      const policies = parsePolicySettings(flags.policy);
      const { compareWithEmulator, formatDrift, isPartialCaptureFile } = await import(
        '../../contract/drift.js'
      );
      const payloads = readCapturedFiles(path).flatMap(({ file, payloads }) =>
        payloads.map((payload) => ({ payload, partial: isPartialCaptureFile(file) })),
      );
      if (payloads.length === 0) throw new UsageError(`no captured payloads (*.json) in ${path}.`);
      const report = compareWithEmulator(payloads, { policies });
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDrift(report));
      process.exitCode = report.findings.some((finding) => finding.severity === 'difference') ? 1 : 0;
    });
}
