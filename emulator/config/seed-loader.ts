import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { builtInSeedCopyPath, builtInSeedPath } from '../core/paths.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { type Diagnostic, formatDiagnostic, readSourceFile, SourceDocument } from '../core/source.js';
import type { BookingWorkHours, Seed, SeedBusiness, SeedCustomQuestion } from '../generated/schema-types.js';

/** A problem at a JSON pointer of the seed; for a file, seedFileDiagnostics turns it into a line and column. */
export interface SeedProblem {
  pointer: string;
  message: string;
  /** The problem is the property's key (an unknown property), not its value. */
  atKey?: boolean;
}

export class SeedError extends ConfigError {
  readonly problems: readonly string[];

  constructor(
    readonly source: string,
    problems: readonly (SeedProblem | string)[],
  ) {
    const lines = problems.map((problem) =>
      typeof problem === 'string' ? problem : `${problem.pointer || '/'}: ${problem.message}`,
    );
    super(`Invalid seed ${source}:\n${lines.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'SeedError';
    this.problems = lines;
  }
}

const minutesOfDay = (time: string) => {
  const [hours = 0, minutes = 0] = time.split(':').map((part) => Number.parseFloat(part));
  return hours * 60 + minutes;
};

/** A day given twice, or a time slot that does not end after it starts. */
function workHoursProblems(hours: readonly BookingWorkHours[] | undefined, pointer: string): SeedProblem[] {
  const problems: SeedProblem[] = [];
  const days = new Set<string>();
  hours?.forEach((entry, d) => {
    if (days.has(entry.day))
      problems.push({ pointer: `${pointer}/${d}/day`, message: `duplicate day "${entry.day}"` });
    days.add(entry.day);
    entry.timeSlots?.forEach((slot, t) => {
      if (minutesOfDay(slot.endTime) <= minutesOfDay(slot.startTime)) {
        problems.push({
          pointer: `${pointer}/${d}/timeSlots/${t}/endTime`,
          message: `${slot.endTime} is not after startTime ${slot.startTime}`,
        });
      }
    });
  });
  return problems;
}

/**
 * A question id is one question of the business: services that ask the same id, and the business's
 * own list, must give it the same text and options (only whether it is required may differ).
 */
function questionConflicts(business: SeedBusiness, pointer: string): SeedProblem[] {
  const problems: SeedProblem[] = [];
  const seen = new Map<string, string>();
  const check = (question: SeedCustomQuestion, at: string) => {
    const shape = JSON.stringify([question.question, question.answerOptions ?? []]);
    const first = seen.get(question.id);
    if (first === undefined) seen.set(question.id, shape);
    else if (first !== shape) {
      problems.push({
        pointer: at,
        message: `question "${question.id}" is asked elsewhere in ${business.email} with other text or options; give it another id`,
      });
    }
  };
  for (const [q, question] of (business.customQuestions ?? []).entries()) {
    check(question, `${pointer}/customQuestions/${q}`);
  }
  for (const [s, service] of (business.services ?? []).entries()) {
    for (const [q, question] of (service.customQuestions ?? []).entries()) {
      check(question, `${pointer}/services/${s}/customQuestions/${q}`);
    }
  }
  return problems;
}

/** Rules a JSON Schema cannot say: unique keys and references between parts of the seed. */
function crossChecks(seed: Seed): SeedProblem[] {
  const problems: SeedProblem[] = [];
  const duplicates = (values: string[], what: string, pointer: (index: number) => string) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const key = value.toLowerCase();
      if (seen.has(key)) problems.push({ pointer: pointer(index), message: `duplicate ${what} "${value}"` });
      seen.add(key);
    });
  };
  duplicates(
    seed.businesses.map((business) => business.email),
    'business email',
    (i) => `/businesses/${i}/email`,
  );
  const users = seed.users ?? [];
  duplicates(
    users.map((user) => user.upn),
    'user upn',
    (i) => `/users/${i}/upn`,
  );
  const tokens = users.flatMap((user, i) => (user.token ? [{ token: user.token, i }] : []));
  duplicates(
    tokens.map((entry) => entry.token),
    'user token',
    (i) => `/users/${tokens[i]?.i ?? i}/token`,
  );
  seed.businesses.forEach((business, b) => {
    problems.push(...workHoursProblems(business.businessHours, `/businesses/${b}/businessHours`));
    business.staff?.forEach((member, i) => {
      problems.push(...workHoursProblems(member.workingHours, `/businesses/${b}/staff/${i}/workingHours`));
    });
    duplicates(
      (business.customers ?? []).map((customer) => customer.emailAddress),
      'customer emailAddress',
      (i) => `/businesses/${b}/customers/${i}/emailAddress`,
    );
    duplicates(
      (business.customers ?? []).flatMap((customer) => (customer.id ? [customer.id] : [])),
      'customer id',
      () => `/businesses/${b}/customers`,
    );
    problems.push(...questionConflicts(business, `/businesses/${b}`));
    const staffIds = new Set((business.staff ?? []).map((member) => member.id));
    duplicates(
      (business.staff ?? []).map((member) => member.id),
      'staff id',
      (i) => `/businesses/${b}/staff/${i}/id`,
    );
    duplicates(
      (business.services ?? []).map((service) => service.id),
      'service id',
      (i) => `/businesses/${b}/services/${i}/id`,
    );
    business.services?.forEach((service, s) => {
      service.staffMemberIds?.forEach((id, i) => {
        if (!staffIds.has(id)) {
          problems.push({
            pointer: `/businesses/${b}/services/${s}/staffMemberIds/${i}`,
            message: `no staff member "${id}" in ${business.email}`,
          });
        }
      });
      duplicates(
        (service.customQuestions ?? []).map((question) => question.id),
        'question id',
        (i) => `/businesses/${b}/services/${s}/customQuestions/${i}/id`,
      );
    });
  });
  return problems;
}

/** Every problem of a seed value: schema violations first, then cross-checks on a well-formed seed. */
export function seedProblems(value: unknown): SeedProblem[] {
  const violations = getSchemaRegistry().check(schemaId('seed'), value);
  if (violations.length > 0) {
    return violations.map((violation) => ({
      pointer: violation.pointer,
      message: violation.message,
      atKey: violation.keyword === 'additionalProperties',
    }));
  }
  return crossChecks(value as Seed);
}

export function validateSeed(value: unknown, source: string): Seed {
  const problems = seedProblems(value);
  if (problems.length > 0) throw new SeedError(source, problems);
  return value as Seed;
}

/** A seed file's problems, each at its line and column: syntax, then schema and cross-checks. */
export function seedFileDiagnostics(source: SourceDocument): Diagnostic[] {
  if (source.syntaxErrors.length > 0) return source.syntaxErrors;
  return seedProblems(source.value).map((problem) =>
    source.diagnosticAt(problem.pointer, `${problem.pointer || '/'} ${problem.message}`, {
      key: problem.atKey ?? false,
    }),
  );
}

/**
 * Reads a seed file; its problems are reported as `FILE:LINE:COL message`, as `lint` reports them.
 * YAML 1.2 is a superset of JSON, so one parser reads both; alias expansion is capped.
 */
export function loadSeedFile(path: string, options: { shipped?: boolean } = {}): Seed {
  const document = readSourceFile(path);
  if (!(document instanceof SourceDocument)) {
    if (document.unreadable) throw new ConfigError(document.message);
    throw new SeedError(path, [formatDiagnostic(document)]);
  }
  // The shipped seed is linted by the suite (scenarios/load.test.ts); compiling the seed schema
  // just to check it again was a sixth of `start`'s time to healthy.
  const diagnostics = options.shipped ? document.syntaxErrors : seedFileDiagnostics(document);
  if (diagnostics.length > 0) throw new SeedError(path, diagnostics.map(formatDiagnostic));
  return document.value as Seed;
}

interface SeedCopy {
  /** SHA-256 of the YAML text the copy was made from. */
  sourceSha256: string;
  seed: Seed;
}

const sha256 = (text: Buffer) => createHash('sha256').update(text).digest('hex');

/** Writes a checked JSON copy of a shipped YAML seed (`npm run build` does it for the demo seed). */
export function writeSeedCopy(yamlPath: string, copyPath: string): void {
  const copy: SeedCopy = { sourceSha256: sha256(readFileSync(yamlPath)), seed: loadSeedFile(yamlPath) };
  mkdirSync(dirname(copyPath), { recursive: true });
  writeFileSync(copyPath, `${JSON.stringify(copy)}\n`);
}

/**
 * A shipped seed, from its JSON copy when the copy was made from this very YAML text: reading it
 * needs no YAML parser, a tenth of `start`'s time to healthy. Otherwise (no build yet, or the
 * YAML changed since) the YAML itself.
 */
export function loadShippedSeed(yamlPath: string, copyPath: string): Seed {
  try {
    const copy = JSON.parse(readFileSync(copyPath, 'utf8')) as SeedCopy;
    if (copy.sourceSha256 === sha256(readFileSync(yamlPath))) return copy.seed;
  } catch {
    // No copy, or not one we wrote: read the YAML.
  }
  return loadSeedFile(yamlPath, { shipped: true });
}

export function loadBuiltInSeed(): Seed {
  return loadShippedSeed(builtInSeedPath, builtInSeedCopyPath);
}
