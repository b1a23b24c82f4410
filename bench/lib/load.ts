import { Pool } from 'undici';

/**
 * Keep-alive load from `connections` concurrent workers on loopback, for a bounded time; returns
 * completed requests per second and their latencies.
 */
export async function load(options: {
  origin: string;
  connections: number;
  durationMs: number;
  request: () => { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string };
}): Promise<{ perSecond: number; latenciesMs: number[] }> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const before = performance.now();
      const response = await pool.request(options.request());
      await response.body.dump();
      latenciesMs.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { perSecond: latenciesMs.length / seconds, latenciesMs };
}
