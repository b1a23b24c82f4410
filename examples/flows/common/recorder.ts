import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { request as upstreamRequest } from 'undici';

/** One call that went through the recorder, with the stand-in's answer. */
export interface RecordedCall {
  method: string;
  /** Percent-decoded path and query. */
  path: string;
  headers: Record<string, string>;
  /** JSON parsed, forms as an object of their fields, anything else as text. */
  body?: unknown;
  status: number;
  /** Prism's `sl-violations` header: why it refused the request. */
  violations?: unknown;
}

const hopByHop = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function decodeBody(contentType: string, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  return text;
}

function decodePath(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

function singleValued(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined || hopByHop.has(name)
        ? []
        : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );
}

/** Ask Prism for a named example (`Prefer: example=paid`) on the calls a rule matches. */
interface PreferRule {
  method?: string;
  /** A part of the decoded path. */
  path: string;
  prefer: string;
  /** Only for this many matching calls; every one when absent. */
  count?: number;
}

/**
 * A recording proxy in front of a stand-in (Prism is stateless and cannot say what it was asked):
 * forwards every call to `upstream` and keeps it. `GET /_recorder/calls?method=PATCH&path=jordan`
 * answers `{ count, calls }` (path: a part of the decoded path); `DELETE /_recorder/calls` forgets.
 * `POST /_recorder/prefer` `{ method?, path, prefer, count? }` adds a `Prefer` header to the calls
 * it matches (the next `count` of them), so a test can ask Prism for another example (a paid
 * PaymentIntent: `example=paid`) or an error (`code=412`); `DELETE /_recorder/prefer` clears them.
 */
export function buildRecorder(upstream: string, options: { logger?: boolean } = {}): FastifyInstance {
  // One line per call is logged by the handlers; Fastify's request lines would drown it.
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const calls: RecordedCall[] = [];
  const preferRules: PreferRule[] = [];
  const matches = (
    method: string | undefined,
    path: string | undefined,
    call: { method: string; path: string },
  ) =>
    (method === undefined || call.method === method.toUpperCase()) &&
    (path === undefined || call.path.includes(path));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get<{ Querystring: { method?: string; path?: string } }>('/_recorder/calls', async (request) => {
    const { method, path } = request.query;
    const selected = calls.filter((call) => matches(method, path, call));
    return { count: selected.length, calls: selected };
  });
  app.delete('/_recorder/calls', async (_request, reply) => {
    calls.length = 0;
    return reply.code(204).send();
  });

  app.post('/_recorder/prefer', async (request, reply) => {
    let rule: Partial<PreferRule> = {};
    try {
      rule = JSON.parse(String(request.body)) as Partial<PreferRule>;
    } catch {
      // answered below as an invalid rule
    }
    if (typeof rule.path !== 'string' || typeof rule.prefer !== 'string')
      return reply
        .code(400)
        .send({ error: { code: 'InvalidRule', message: 'Send { "method"?, "path", "prefer" }.' } });
    preferRules.push({
      path: rule.path,
      prefer: rule.prefer,
      ...(rule.method ? { method: rule.method } : {}),
      ...(typeof rule.count === 'number' ? { count: rule.count } : {}),
    });
    return reply.code(204).send();
  });
  app.delete('/_recorder/prefer', async (_request, reply) => {
    preferRules.length = 0;
    return reply.code(204).send();
  });

  app.all('/*', async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers = singleValued(request.headers);
    const path = decodePath(request.url);
    const rule = preferRules.find((candidate) =>
      matches(candidate.method, candidate.path, { method: request.method, path }),
    );
    const forwarded = rule ? { ...headers, prefer: rule.prefer } : headers;
    if (rule?.count !== undefined && --rule.count <= 0) preferRules.splice(preferRules.indexOf(rule), 1);
    const answer = await upstreamRequest(new URL(request.url, upstream), {
      method: request.method as 'GET',
      headers: forwarded,
      ...(raw.length > 0 ? { body: raw } : {}),
    });
    const responseBody = Buffer.from(await answer.body.arrayBuffer());
    const violations = answer.headers['sl-violations'];
    const call: RecordedCall = {
      method: request.method,
      path,
      headers,
      body: decodeBody(headers['content-type'] ?? '', raw),
      status: answer.statusCode,
    };
    if (typeof violations === 'string') call.violations = decodeBody('json', Buffer.from(violations));
    calls.push(call);
    request.log.info({ method: call.method, path: call.path, status: call.status }, 'recorded');
    return reply
      .code(answer.statusCode)
      .headers(singleValued(answer.headers))
      .send(responseBody.length > 0 ? responseBody : undefined);
  });
  return app;
}
