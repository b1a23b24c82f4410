import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found by walking up from this file, so it holds from source (tsx, vitest) and from dist/. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'bookings-emulator')
      return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`bookings-emulator: cannot find the package root above ${import.meta.url}`);
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const schemasDir = join(packageRoot, 'schemas');
/** The built CLI: the package's `bin`. */
export const cliEntryPath = join(packageRoot, 'dist', 'emulator', 'cli', 'main.js');
export const builtInSeedPath = join(packageRoot, 'fixtures', 'seeds', 'demo.yaml');
/** A JSON copy of the demo seed written by `npm run build` (see loadShippedSeed). */
export const builtInSeedCopyPath = join(packageRoot, 'dist', 'fixtures', 'demo.seed.json');
export const packageVersion: string = JSON.parse(
  readFileSync(join(packageRoot, 'package.json'), 'utf8'),
).version;
