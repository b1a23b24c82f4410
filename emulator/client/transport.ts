import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface TransportRequest {
  method: string;
  /** Rooted at the emulator, e.g. /_emulator/health, with its query string. */
  path: string;
  headers: Record<string, string>;
  /** Already serialised. */
  body?: string;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Carries one request to the emulator and back: over the network, in-process, or however a caller likes. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/**
 * Over HTTP to an emulator listening at `baseUrl` (a remote one, a container, a benchmark). `fetch`
 * defaults to the global one, looked up at each call so a test may replace it.
 */
export function fetchTransport(baseUrl: string, fetchImplementation?: typeof fetch): Transport {
  const root = baseUrl.replace(/\/+$/, '');
  return async ({ method, path, headers, body }) => {
    const response = await (fetchImplementation ?? fetch)(`${root}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: await response.text(),
    };
  };
}

/**
 * Through Fastify's inject() into an app in the same process: the whole request lifecycle, no
 * socket. For startEmulator()'s handle, the scenario runner's local target and tests.
 */
export function injectTransport(app: Pick<FastifyInstance, 'inject'>): Transport {
  return async ({ method, path, headers, body }) => {
    const response = await app.inject({
      method: method as HTTPMethods,
      url: path,
      headers,
      ...(body === undefined ? {} : { payload: body }),
    });
    const responseHeaders = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name,
        typeof value === 'number' ? String(value) : value,
      ]),
    );
    return { status: response.statusCode, headers: responseHeaders, body: response.body };
  };
}
