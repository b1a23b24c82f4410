import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtInSeedPath } from '../core/paths.js';
import { loadBuiltInSeed, loadSeedFile, loadShippedSeed, SeedError, writeSeedCopy } from './seed-loader.js';

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
