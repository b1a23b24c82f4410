/**
 * Builds the sample export archives of fixtures/flows/ from their JSON sources: each folder
 * fixtures/flows/src/NAME becomes fixtures/flows/NAME.zip, its files the zip entries (paths
 * relative to the folder, in sorted order, with a fixed date), so the bytes are the same on every
 * machine. `--check` exits 1 when an archive is stale (the golden test runs the same check).
 *
 *   npx tsx scripts/build-sample-flows.ts [--check]
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Zippable, zipSync } from 'fflate';

const root = join(import.meta.dirname, '..');
const sources = join(root, 'fixtures', 'flows', 'src');

/** A zip stores local date and time: built from fixed parts, the same in every time zone. */
const entryDate = new Date(2026, 5, 24, 12, 0, 0);

function filesUnder(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Every sample archive, by its path, as built from the sources now. */
export function sampleArchives(): Map<string, Uint8Array> {
  const archives = new Map<string, Uint8Array>();
  for (const name of readdirSync(sources).sort()) {
    const folder = join(sources, name);
    if (!statSync(folder).isDirectory()) continue;
    const entries: Zippable = {};
    for (const file of filesUnder(folder)) {
      entries[relative(folder, file).split(sep).join('/')] = [
        new Uint8Array(readFileSync(file)),
        { mtime: entryDate, level: 6 },
      ];
    }
    archives.set(join(root, 'fixtures', 'flows', `${name}.zip`), zipSync(entries));
  }
  return archives;
}

function isCurrent(path: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.from(readFileSync(path)).equals(Buffer.from(bytes));
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [path, bytes] of sampleArchives()) {
    if (isCurrent(path, bytes)) continue;
    stale += 1;
    console.log(`${check ? 'stale' : 'wrote'}: ${relative(root, path)}`);
    if (!check) writeFileSync(path, bytes);
  }
  if (check && stale > 0) process.exit(1);
}
