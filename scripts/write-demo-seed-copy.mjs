// Run by `npm run build` after tsc: the demo seed as checked JSON, so `start` needs no YAML parser.
import { writeSeedCopy } from '../dist/emulator/config/seed-loader.js';
import { builtInSeedCopyPath, builtInSeedPath } from '../dist/emulator/paths.js';

writeSeedCopy(builtInSeedPath, builtInSeedCopyPath);
