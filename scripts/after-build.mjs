// Run by `npm run build` after tsc, on what tsc wrote to dist/.
import { chmodSync } from 'node:fs';
import { writeSeedCopy } from '../dist/emulator/config/seed-loader.js';
import { builtInSeedCopyPath, builtInSeedPath, cliEntryPath } from '../dist/emulator/core/paths.js';

// The demo seed as checked JSON, so `start` needs no YAML parser (decision 015).
writeSeedCopy(builtInSeedPath, builtInSeedCopyPath);
// tsc writes files without the execute bit; `npx bookings-emulator` in a fresh clone runs this file.
chmodSync(cliEntryPath, 0o755);
