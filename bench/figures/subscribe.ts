import { startEmulator } from '../../emulator/api/start.js';
import { admin, subscribePath } from '../lib/calls.js';
import { type Measure, rounds, sized } from '../lib/figure.js';
import { fmt } from '../lib/format.js';
import { load } from '../lib/load.js';
import { inTurns } from '../lib/stats.js';

/** Subscribe calls per second over HTTP, against a bare Fastify route answering the same shape. */
export const measure: Measure = async (effort) => {
  const durationMs = sized(effort, 2_000, 200);
  const emulator = await startEmulator({ webhookLimit: 1_000_000_000 });
  const bareApp = (await import('fastify')).default();
  bareApp.post('/subscribe', async () => ({ webhookId: '00000000-0000-4000-8000-000000000000' }));
  const bareUrl = await bareApp.listen({ port: 0, host: '127.0.0.1' });
  const body = JSON.stringify({
    webhook: {
      notification_url: 'http://127.0.0.1:9/flow',
      resource: 'Appointments',
      change_type: ['Created'],
    },
  });
  const result = await inTurns(
    rounds(effort),
    async () =>
      (
        await load({
          origin: emulator.url,
          connections: 32,
          durationMs,
          request: () => ({ method: 'POST', path: subscribePath, headers: admin, body }),
        })
      ).perSecond,
    async () =>
      (
        await load({
          origin: bareUrl,
          connections: 32,
          durationMs,
          request: () => ({ method: 'POST', path: '/subscribe', headers: admin, body }),
        })
      ).perSecond,
  );
  await emulator.close();
  await bareApp.close();
  return [
    {
      figure: 'subscribe calls per second (32 connections)',
      value: fmt(result.ours),
      baseline: `${fmt(result.baseline)} (bare Fastify route)`,
      ratio: result.ratio,
      target: '≥ 0.6x',
      met: result.ratio >= 0.6,
    },
  ];
};
