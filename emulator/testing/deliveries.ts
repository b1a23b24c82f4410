import type { FastifyInstance } from 'fastify';
import type { Delivery } from '../generated/schema-types.js';

/** Resolves when `count` deliveries have settled (delivered, or failed with no retry left). */
export function waitForSettled(app: FastifyInstance, count: number, timeoutMs = 10_000): Promise<Delivery[]> {
  const settled: Delivery[] = app.emulator.state.store.deliveries
    .list()
    .filter((delivery) => delivery.status === 'delivered' || delivery.status === 'failed');
  if (settled.length >= count) return Promise.resolve(settled);
  return new Promise((resolve, reject) => {
    const onSettled = (delivery: Delivery) => {
      settled.push(delivery);
      if (settled.length >= count) {
        clearTimeout(timer);
        app.emulator.runtime.events.off('delivery:settled', onSettled);
        resolve(settled);
      }
    };
    const timer = setTimeout(() => {
      app.emulator.runtime.events.off('delivery:settled', onSettled);
      reject(new Error(`expected ${count} settled deliveries, got ${settled.length} within ${timeoutMs} ms`));
    }, timeoutMs);
    app.emulator.runtime.events.on('delivery:settled', onSettled);
  });
}
