import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../core/errors.js';
import { schemasDir } from '../../../core/paths.js';

/** openapi.yaml with its file references pointed at /_emulator/schemas/, so a client can follow them. */
async function openApiDocument(): Promise<unknown> {
  const { parse: parseYaml } = await import('yaml');
  const text = readFileSync(join(schemasDir, 'openapi.yaml'), 'utf8');
  return JSON.parse(JSON.stringify(parseYaml(text)), (key, value) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('./')
      ? `schemas/${value.slice(2)}`
      : value,
  );
}

/** GET /openapi.json and GET /schemas/{file}: the emulator describing itself. */
export function openApiRoutes(app: FastifyInstance): void {
  // Built on first request: parsing openapi.yaml is a fifth of the start-up time.
  let document: Promise<unknown> | undefined;
  app.get('/openapi.json', async () => {
    document ??= openApiDocument();
    return document;
  });

  const schemaFiles = new Set(app.emulator.runtime.schemas.names.map((name) => `${name}.schema.json`));
  app.get<{ Params: { file: string } }>('/schemas/:file', async (request, reply) => {
    if (!schemaFiles.has(request.params.file)) throw errors.routeNotFound('GET', request.url);
    return reply
      .type('application/schema+json')
      .send(readFileSync(join(schemasDir, request.params.file), 'utf8'));
  });
}
