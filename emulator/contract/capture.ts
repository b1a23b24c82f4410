import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeUtf8, parseStrictJson } from '../core/strict-json.js';
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
 * JSON pretty-printed as capture-NNNN.json, other UTF-8 text as capture-NNNN.txt, and bytes that
 * are not UTF-8 exactly as received as capture-NNNN.bin (refused under --redact).
 */
export async function buildCaptureServer(options: CaptureOptions): Promise<FastifyInstance> {
  mkdirSync(options.outDir, { recursive: true });
  let counter = nextNumber(options.outDir);
  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  // Bytes, not text: a body that is not UTF-8 must be kept as it came, not "repaired".
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.get('/', async () => ({ status: 'capturing', outDir: options.outDir }));
  app.post('/*', async (request, reply) => {
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const decoded = decodeUtf8(bytes);
    if (!decoded.ok) {
      if (options.redact) {
        // Redaction works on text; storing these bytes could keep the names it is meant to hide.
        return reply.code(415).send({
          error: `not stored: the body ${decoded.problem}, so --redact cannot read it; capture without --redact to keep it as .bin`,
        });
      }
      const name = `capture-${String(counter++).padStart(4, '0')}.bin`;
      const file = join(options.outDir, name);
      writeFileSync(file, bytes);
      options.onStored?.(file, bytes.length);
      return reply.code(200).send({ stored: name });
    }
    const raw = decoded.text;
    // Read strictly: JSON with a repeated key would lose one of its values in a pretty-printed
    // copy, so it is kept as text, as it came.
    const json = parseStrictJson(raw);
    const isJson = json.ok;
    const parsed = json.ok ? json.value : undefined;
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
