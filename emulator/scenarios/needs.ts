import { connect } from 'node:net';
import type { Need } from '../generated/schema-types.js';
import { expand, type TemplateContext } from './template.js';

/** A service a scenario needs (its top-level `needs:`), with its variables filled in. */
export interface NeededService {
  name: string;
  /** The command that starts it. */
  start?: string;
  /** host:port, as a person would type it. */
  address: string;
}

/** How long the check waits for a service to take the connection. */
const connectTimeoutMs = 2_000;

/** host:port of a URL, with the scheme's port when it names none. */
export function addressOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}

/** The scenario's `needs`, expanded with its variables; a URL that does not parse names no address. */
export function neededServices(needs: readonly Need[], context: TemplateContext): NeededService[] {
  return needs.map((need) => {
    const url = expand(need.url, context);
    const address = URL.canParse(url) ? addressOf(new URL(url)) : url;
    return { name: need.name, address, ...(need.start === undefined ? {} : { start: need.start }) };
  });
}

/** "nothing listens on 127.0.0.1:5031: start the crm stand-in (npm run example -- crm-upload)" */
export function nothingListensMessage(address: string, services: readonly NeededService[]): string {
  const service = services.find((candidate) => candidate.address === address);
  const advice = service
    ? `start the ${service.name}${service.start ? ` (${service.start})` : ''}`
    : 'start the service it calls, or correct the URL';
  return `nothing listens on ${address}: ${advice}`;
}

/** Whether something takes TCP connections at host:port. */
function listens(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (!host || !Number.isInteger(port)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: connectTimeoutMs });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Why the scenario cannot run here (the first needed service nothing listens for), or undefined. */
export async function missingServiceReason(services: readonly NeededService[]): Promise<string | undefined> {
  for (const service of services) {
    if (!(await listens(service.address))) return nothingListensMessage(service.address, services);
  }
  return undefined;
}
