import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

const scenarioExtensions = /\.(ya?ml|json)$/i;

/** Files as given; folders expanded to the YAML and JSON files under them, sorted. */
export function expandPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      files.push(path); // reported as unreadable by the loader, with its name
      return;
    }
    if (!stats.isDirectory()) {
      files.push(path);
      return;
    }
    for (const entry of readdirSync(path).sort()) {
      const child = join(path, entry);
      if (statSync(child).isDirectory()) walk(child);
      else if (scenarioExtensions.test(entry)) files.push(child);
    }
  };
  for (const path of paths) walk(path);
  return files;
}

/**
 * The scenario library (scenarios/) that runs on the emulator alone. scenarios/examples/ is left
 * out: those scenarios drive the example flow services, which their own tests start and run them
 * against (examples/flows/); lint still covers them.
 */
export function libraryScenarioFiles(root: string): string[] {
  const examples = join(root, 'examples');
  return expandPaths([root]).filter((file) => !file.startsWith(`${examples}${sep}`));
}
