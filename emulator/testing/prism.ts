import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageRoot, schemasDir } from '../core/paths.js';

const prismCli = join(packageRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrismProxy {
  url: string;
  stop(): Promise<void>;
}

/**
 * Prism in validation-proxy mode (`--errors`) in front of `upstream`: a response that breaks
 * schemas/openapi.yaml comes back as 500 application/problem+json listing the violations.
 */
export function startPrismProxy(upstream: string, timeoutMs = 30_000): Promise<PrismProxy> {
  return startPrism(['proxy', join(schemasDir, 'openapi.yaml'), upstream], timeoutMs);
}

/**
 * Prism mocking `document` (`--errors`): a request that breaks the document is refused (4xx with
 * `sl-violations`); a valid one gets the document's example. Used by the example flows' stand-ins.
 */
export function startPrismMock(document: string, timeoutMs = 30_000): Promise<PrismProxy> {
  return startPrism(['mock', document], timeoutMs);
}

async function startPrism(modeArgs: string[], timeoutMs: number): Promise<PrismProxy> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [prismCli, ...modeArgs, '--errors', '--port', String(port), '--host', '127.0.0.1'],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Prism did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** What Prism found wrong with one proxied response; empty when it conforms. */
export async function prismViolations(response: Response): Promise<string[]> {
  const found: string[] = [];
  const header = response.headers.get('sl-violations');
  if (header) found.push(`sl-violations: ${header}`);
  if ((response.headers.get('content-type') ?? '').includes('application/problem+json')) {
    found.push(`problem: ${await response.clone().text()}`);
  }
  return found;
}
