import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config-error.js';
import { builtInSeedPath } from '../core/paths.js';
import {
  loadBuiltInSeed,
  loadSeedFile,
  loadShippedSeed,
  SeedError,
  validateSeed,
  writeSeedCopy,
} from './seed-loader.js';

describe('the JSON copy of a shipped seed', () => {
  let folder = '';
  let yamlPath = '';
  let copyPath = '';

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'seed-copy-'));
    yamlPath = join(folder, 'demo.yaml');
    copyPath = join(folder, 'dist', 'demo.seed.json');
    writeFileSync(yamlPath, readFileSync(builtInSeedPath));
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('holds the same seed as the YAML, and the built-in seed reads the same either way', () => {
    writeSeedCopy(yamlPath, copyPath);
    expect(loadShippedSeed(yamlPath, copyPath)).toEqual(loadSeedFile(yamlPath));
    expect(loadBuiltInSeed()).toEqual(loadSeedFile(builtInSeedPath));
  });

  it('is what gets read while the YAML is unchanged', () => {
    writeSeedCopy(yamlPath, copyPath);
    const copy = JSON.parse(readFileSync(copyPath, 'utf8'));
    copy.seed.businesses[0].displayName = 'Read from the copy';
    writeFileSync(copyPath, JSON.stringify(copy));
    expect(loadShippedSeed(yamlPath, copyPath).businesses[0]?.displayName).toBe('Read from the copy');
  });

  it('is ignored once the YAML has changed, or when it is missing or unreadable', () => {
    writeSeedCopy(yamlPath, copyPath);
    const yaml = readFileSync(yamlPath, 'utf8');
    const original = loadSeedFile(yamlPath).businesses[0]?.displayName ?? '';
    writeFileSync(yamlPath, yaml.replace(`displayName: ${original}`, 'displayName: Changed in the YAML'));
    expect(loadShippedSeed(yamlPath, copyPath).businesses[0]?.displayName).toBe('Changed in the YAML');
    rmSync(copyPath);
    expect(loadShippedSeed(yamlPath, copyPath).businesses[0]?.displayName).toBe('Changed in the YAML');
    writeFileSync(copyPath, '{ not json');
    expect(loadShippedSeed(yamlPath, copyPath).businesses[0]?.displayName).toBe('Changed in the YAML');
  });

  it('is never written from an invalid seed', () => {
    writeFileSync(yamlPath, 'users: []\nbusinesses: 3\n');
    expect(() => writeSeedCopy(yamlPath, copyPath)).toThrow(SeedError);
  });
});

describe('problems of a seed', () => {
  let folder = '';
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'seed-problems-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const problemsOf = (load: () => unknown): readonly string[] => {
    try {
      load();
    } catch (error) {
      if (error instanceof SeedError) return error.problems;
      return [`not a SeedError: ${(error as Error).message}`];
    }
    return [];
  };

  it('in a file are FILE:LINE:COL message, as lint gives them', () => {
    const path = join(folder, 'seed.yaml');
    writeFileSync(
      path,
      'businesses:\n  - email: not-an-address\n    displayName: X\n    staff: [{ id: s1, role: boss }]\n',
    );
    const email = 'must be an SMTP address such as lunch@contoso.example';
    expect(problemsOf(() => loadSeedFile(path))).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRegExp(path)}:2:12 /businesses/0/email ${email}`)),
      `${path}:4:13 /businesses/0/staff/0/displayName is required but missing`,
      `${path}:4:13 /businesses/0/staff/0/emailAddress is required but missing`,
      expect.stringMatching(
        new RegExp(`^${escapeRegExp(path)}:4:29 /businesses/0/staff/0/role must be one of`),
      ),
    ]);
  });

  it('in a seed object given in code are JSON pointers: there is no file to point into', () => {
    const seed = { businesses: [{ email: 'not-an-address', displayName: 'X' }] };
    expect(problemsOf(() => validateSeed(seed, 'the seed object'))).toEqual([
      expect.stringMatching(/^\/businesses\/0\/email: must be an SMTP address/),
    ]);
  });

  it('check the hours, customers and questions of a business against each other', () => {
    const slot = (startTime: string, endTime: string) => ({ startTime, endTime });
    const seed = {
      businesses: [
        {
          email: 'lunch@contoso.example',
          displayName: 'Lunch',
          businessHours: [
            { day: 'monday', timeSlots: [slot('09:00', '17:00')] },
            { day: 'monday', timeSlots: [slot('12:00', '11:00')] },
          ],
          staff: [
            {
              id: 's1',
              displayName: 'Ada',
              emailAddress: 'ada@contoso.example',
              role: 'administrator',
              workingHours: [{ day: 'friday', timeSlots: [slot('10:00:00.0000000', '10:00')] }],
            },
          ],
          customers: [
            { displayName: 'Jo', emailAddress: 'jo@example.com' },
            { displayName: 'Jo again', emailAddress: 'JO@example.com' },
          ],
          customQuestions: [{ id: 'topic', question: 'Topic?' }],
          services: [
            {
              id: 'a',
              displayName: 'A',
              customQuestions: [{ id: 'topic', question: 'Topic?', isRequired: true }],
            },
            { id: 'b', displayName: 'B', customQuestions: [{ id: 'topic', question: 'Subject?' }] },
          ],
        },
      ],
    };
    expect(problemsOf(() => validateSeed(seed, 'the seed object'))).toEqual([
      '/businesses/0/businessHours/1/day: duplicate day "monday"',
      '/businesses/0/businessHours/1/timeSlots/0/endTime: 11:00 is not after startTime 12:00',
      '/businesses/0/staff/0/workingHours/0/timeSlots/0/endTime: 10:00 is not after startTime 10:00:00.0000000',
      '/businesses/0/customers/1/emailAddress: duplicate customer emailAddress "JO@example.com"',
      '/businesses/0/services/1/customQuestions/0: question "topic" is asked elsewhere in lunch@contoso.example with other text or options; give it another id',
    ]);
  });

  it('a file that cannot be read is one sentence, not a list of problems', () => {
    const thrown = (path: string) => {
      try {
        loadSeedFile(path);
      } catch (error) {
        return error;
      }
    };
    const missing = join(folder, 'nope.yaml');
    expect(thrown(missing)).toEqual(new ConfigError(`cannot read ${missing}: no such file`));
    expect(thrown(missing)).not.toBeInstanceOf(SeedError);
    expect(thrown(folder)).toEqual(new ConfigError(`cannot read ${folder}: it is a folder, not a file`));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
