import { type Command, InvalidArgumentError } from 'commander';
import type { BookingKind } from '../../fakes/bookings.js';
import { parseChoice } from '../flags.js';

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > 1_000_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 1000000.');
  }
  return count;
}

function parseSeed(value: string): number {
  if (!/^\d{1,9}$/.test(value))
    throw new InvalidArgumentError('expected a whole number of up to 9 digits, such as 42.');
  return Number(value);
}

interface FakeFlags {
  count: number;
  seed?: number;
  kind?: BookingKind;
}

export function registerFakeCommand(program: Command): void {
  program
    .command('fake')
    .description(
      'Print AppointmentData as the emulator sends it, one JSON document per line; repeatable with --seed.',
    )
    .option('--count <n>', 'how many payloads', parseCount, 1)
    .option(
      '--seed <n>',
      'seed; the same seed prints the same payloads (default: random, printed on stderr)',
      parseSeed,
    )
    .option(
      '--kind <kind>',
      'one-to-one or group (default: both)',
      parseChoice(['one-to-one', 'group'] as const),
    )
    .action(async (flags: FakeFlags) => {
      // Loaded on use: faker and json-schema-faker would slow every other command's start.
      const { fakeAppointmentData } = await import('../../fakes/appointment-data.js');
      const seed = flags.seed ?? Math.floor(Math.random() * 1e9);
      if (flags.seed === undefined) process.stderr.write(`seed ${seed}\n`);
      const payloads = fakeAppointmentData({
        seed,
        ...(flags.kind === undefined ? {} : { kind: flags.kind }),
      });
      const lines: string[] = [];
      for (let index = 0; index < flags.count; index++) {
        lines.push(JSON.stringify(payloads.next().value));
        if (lines.length === 500) process.stdout.write(`${lines.splice(0).join('\n')}\n`);
      }
      if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    });
}
