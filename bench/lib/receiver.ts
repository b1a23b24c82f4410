import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A minimal flow endpoint on 127.0.0.1 that answers 200 and counts what it received. */
export async function startCountingReceiver(): Promise<{
  url: string;
  count(): number;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}> {
  let received = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(200).end();
      for (const waiter of [...waiters]) {
        if (received >= waiter.n) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => received,
    waitFor: (n) =>
      received >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
