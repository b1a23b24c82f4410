import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Seed } from '../generated/schema-types.js';
import { builtInSeedPath } from '../paths.js';
import { getSchemaRegistry, schemaId } from '../schemas/registry.js';
import { ConfigError } from './config-error.js';

export class SeedError extends ConfigError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid seed ${source}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

/** YAML 1.2 is a superset of JSON, so one parser reads both; alias expansion is capped. */
export function parseSeedText(text: string, source: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new SeedError(source, [(error as Error).message]);
  }
}

/** Rules a JSON Schema cannot say: unique keys and references between parts of the seed. */
function crossChecks(seed: Seed): string[] {
  const problems: string[] = [];
  const duplicates = (values: string[], what: string, pointer: string) => {
    const seen = new Set<string>();
    values.forEach((value, index) => {
      const key = value.toLowerCase();
      if (seen.has(key)) problems.push(`${pointer}/${index}: duplicate ${what} "${value}"`);
      seen.add(key);
    });
  };
  duplicates(
    seed.businesses.map((business) => business.email),
    'business email',
    '/businesses',
  );
  duplicates(
    (seed.users ?? []).map((user) => user.upn),
    'user upn',
    '/users',
  );
  duplicates(
    (seed.users ?? []).flatMap((user) => (user.token ? [user.token] : [])),
    'user token',
    '/users',
  );
  seed.businesses.forEach((business, b) => {
    const staffIds = new Set((business.staff ?? []).map((member) => member.id));
    duplicates(
      (business.staff ?? []).map((member) => member.id),
      'staff id',
      `/businesses/${b}/staff`,
    );
    duplicates(
      (business.services ?? []).map((service) => service.id),
      'service id',
      `/businesses/${b}/services`,
    );
    business.services?.forEach((service, s) => {
      service.staffMemberIds?.forEach((id, i) => {
        if (!staffIds.has(id)) {
          problems.push(
            `/businesses/${b}/services/${s}/staffMemberIds/${i}: no staff member "${id}" in ${business.email}`,
          );
        }
      });
      duplicates(
        (service.customQuestions ?? []).map((question) => question.id),
        'question id',
        `/businesses/${b}/services/${s}/customQuestions`,
      );
    });
  });
  return problems;
}

export function validateSeed(value: unknown, source: string): Seed {
  const violations = getSchemaRegistry().check(schemaId('seed'), value);
  if (violations.length > 0) {
    throw new SeedError(
      source,
      violations.map((violation) => `${violation.pointer || '/'}: ${violation.message}`),
    );
  }
  const seed = value as Seed;
  const problems = crossChecks(seed);
  if (problems.length > 0) throw new SeedError(source, problems);
  return seed;
}

export function loadSeedFile(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedError(path, [
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    ]);
  }
  return validateSeed(parseSeedText(text, path), path);
}

export function loadBuiltInSeed(): Seed {
  return loadSeedFile(builtInSeedPath);
}
