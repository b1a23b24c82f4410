import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { expandPaths, libraryScenarioFiles } from './files.js';
import { loadScenarioFile } from './load.js';
import { prettyReport } from './reporters/pretty.js';
import { summarise } from './results.js';
import { runScenario } from './runner.js';

/** The scenario library (scenarios/): every file loads, runs in-process and passes (README "Scenario files"). Scenarios that need services (examples/scenarios/) are not in it: examples/flows/*.test.ts run them. */

const libraryDir = join(packageRoot, 'scenarios');
const files = libraryScenarioFiles(libraryDir);
const named = files.map((file) => [relative(packageRoot, file), file] as const);

describe('the scenario library', () => {
  it('holds at least 15 scenarios, each opening with a # comment of 1-3 lines', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const where = relative(packageRoot, file);
      const lines = readFileSync(file, 'utf8').split(/\r?\n/);
      const commentLines = lines.findIndex((line) => !line.startsWith('#'));
      expect(lines[0], `${where} must start with a # comment`).toMatch(/^#/);
      expect(commentLines, `${where}: the opening comment has more than 3 lines`).toBeLessThanOrEqual(3);
    }
  });

  it('needs no service but the emulator; the example scenarios, which do, live in examples/scenarios/ and say so', () => {
    const needs = (file: string) => {
      const loaded = loadScenarioFile(file);
      return loaded.ok ? (loaded.loaded.scenario.needs ?? []) : ['(does not load)'];
    };
    for (const file of files) expect(needs(file), relative(packageRoot, file)).toEqual([]);
    const examples = expandPaths([join(packageRoot, 'examples', 'scenarios')]);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const file of examples) expect(needs(file).length, relative(packageRoot, file)).toBeGreaterThan(0);
  });

  it.each(named)('%s passes', async (name, file) => {
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) {
      const problems = loaded.diagnostics.map((d) => `${name}:${d.line}:${d.col} ${d.message}`).join('\n');
      expect.fail(`${name} does not load:\n${problems}`);
    }
    expect(loaded.ok).toBe(true);
    const result = await runScenario(loaded.loaded);
    expect(result.status, prettyReport(summarise([result]))).toBe('passed');
  });
});
