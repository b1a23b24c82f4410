import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { cannotReadMessage } from '../core/source.js';

const scenarioExtensions = /\.(ya?ml|json)$/i;

/**
 * Files as given; folders expanded to the YAML and JSON files under them, sorted. A path that
 * cannot be read is a ConfigError naming every such path ("cannot read x.yaml: no such file or
 * folder"), before anything runs.
 */
export function expandPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  const problems: string[] = [];
  const walk = (path: string) => {
    try {
      if (!statSync(path).isDirectory()) {
        files.push(path);
        return;
      }
      for (const entry of readdirSync(path).sort()) {
        const child = join(path, entry);
        if (statSync(child).isDirectory()) walk(child);
        else if (scenarioExtensions.test(entry)) files.push(child);
      }
    } catch (error) {
      problems.push(cannotReadMessage(path, error, 'no such file or folder'));
    }
  };
  for (const path of paths) walk(path);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return files;
}

/**
 * The scenario library (scenarios/): it runs on the emulator alone. Scenarios that drive the
 * example flow services live in examples/scenarios/, and declare those services in `needs:`.
 */
export function libraryScenarioFiles(root: string): string[] {
  return expandPaths([root]);
}
