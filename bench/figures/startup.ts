import { join } from 'node:path';
import { request } from 'undici';
import { cliEntryPath, packageRoot } from '../../emulator/core/paths.js';
import { type Measure, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { kill, spawnServer } from '../lib/server-process.js';
import { median } from '../lib/stats.js';

/** Milliseconds from spawning `args` until GET /_emulator/health answers. */
async function timeToHealthy(args: string[]): Promise<number> {
  const started = performance.now();
  const { url, child } = await spawnServer(args);
  for (;;) {
    try {
      if ((await request(`${url}/_emulator/health`)).statusCode === 200) break;
    } catch {}
  }
  const elapsed = performance.now() - started;
  await kill(child);
  return elapsed;
}

/** `bookings-emulator start` (the build in dist/) until healthy, against a bare Fastify process. */
export const measure: Measure = async (effort) => {
  const times = sized(effort, 10, 1);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < times; i++) {
    ours.push(await timeToHealthy([cliEntryPath, 'start', '--port', '0', '--quiet']));
    bare.push(await timeToHealthy([join(packageRoot, 'bench', 'baselines', 'hello-fastify.mjs')]));
  }
  const ratio = median(ours) / median(bare);
  return [
    {
      figure: `start to healthy, median of ${times}`,
      value: `${fmt(median(ours))} ms`,
      baseline: `${fmt(median(bare))} ms (bare Fastify)`,
      ratio,
      target: '≤ 1.25x',
      met: ratio <= 1.25,
    },
  ];
};
