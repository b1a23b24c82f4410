import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startPrismMock } from '../../../emulator/testing/prism.js';
import { buildRecorder, type RecordedCall } from './recorder.js';

const apisDir = join(import.meta.dirname, '..', '..', 'apis');

export interface StandIn {
  /** The recorder's URL: point the flow here. */
  url: string;
  calls(filter?: { method?: string; path?: string }): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

/** Prism mocking `examples/apis/<document>` with a recorder in front, both on 127.0.0.1 and free ports. */
export async function startStandIn(document: string): Promise<StandIn> {
  const prism = await startPrismMock(join(apisDir, document));
  const recorder = buildRecorder(prism.url);
  await recorder.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(recorder.server.address() as AddressInfo).port}`;
  return {
    url,
    async calls(filter = {}) {
      const query = new URLSearchParams(filter);
      const response = await fetch(`${url}/_recorder/calls?${query}`);
      return ((await response.json()) as { calls: RecordedCall[] }).calls;
    },
    async close() {
      await recorder.close();
      await prism.stop();
    },
  };
}
