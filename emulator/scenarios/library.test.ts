import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { libraryScenarioFiles } from './files.js';
import { loadScenarioFile } from './load.js';
import { prettyReport } from './reporters/pretty.js';
import { summarise } from './results.js';
import { runScenario } from './runner.js';

/** The scenario library (scenarios/): every file loads, runs in-process and passes (README "Scenario files"). scenarios/examples/ needs the example flows up: examples/flows/*.test.ts run it. */

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
