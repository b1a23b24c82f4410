import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { redact } from './redact.js';

export interface CaptureOptions {
  outDir: string;
  redact: boolean;
  /** Called after each body is stored. */
  onStored?: (file: string, bytes: number) => void;
}

function nextNumber(outDir: string): number {
  const numbers = readdirSync(outDir)
    .map((file) => /^capture-(\d+)\./.exec(file)?.[1])
    .filter((match): match is string => match !== undefined)
    .map(Number);
  return numbers.length === 0 ? 1 : Math.max(...numbers) + 1;
}

/**
 * A receiver a real flow's HTTP action (or a tunnel) posts to: every body is stored as a fixture,
 * JSON pretty-printed as capture-NNNN.json, anything else as capture-NNNN.txt.
 */
export async function buildCaptureServer(options: CaptureOptions): Promise<FastifyInstance> {
  mkdirSync(options.outDir, { recursive: true });
  let counter = nextNumber(options.outDir);
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.get('/', async () => ({ status: 'capturing', outDir: options.outDir }));
  app.post('/*', async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(raw);
    } catch {
      isJson = false;
    }
    const name = `capture-${String(counter++).padStart(4, '0')}.${isJson ? 'json' : 'txt'}`;
    const file = join(options.outDir, name);
    const content = isJson
      ? `${JSON.stringify(options.redact ? redact(parsed) : parsed, null, 2)}\n`
      : options.redact
        ? String(redact(raw))
        : raw;
    writeFileSync(file, content);
    options.onStored?.(file, Buffer.byteLength(content));
    return reply.code(200).send({ stored: name });
  });
  return app;
}
