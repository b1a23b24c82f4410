import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
