/**
 * `npm run example -- NAME [run options]`: starts one example flow with its stand-ins on free
 * 127.0.0.1 ports, runs its scenario (examples/scenarios/NAME.yaml) against them with
 * `bookings-emulator run`, stops everything it started, and exits with the run's code.
 *
 *   welcome-email   an SMTP sink, then the flow
 *   zoom-meeting    Prism mocking examples/apis/zoom-meetings.openapi.yaml, a recorder, the flow
 *   stripe-payment  the same with stripe-payments.openapi.yaml (the flow prices svc1 at 5000 eur)
 *   crm-upload      the same with dynamics-contacts.openapi.yaml
 *
 * Options after NAME go to `run` (`--reporter junit --out report.xml`, `--seed 7`...). Every
 * service runs in a process group of its own, stopped on exit, on failure and on Ctrl-C; what the
 * services printed is shown only when something failed. Runs from the sources (tsx): no build needed.
 * Exit codes: the run's (0 passed, 1 failed, 2 invalid input); 1 when a service would not start; 2
 * for an unknown NAME; 130 or 143 when interrupted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const host = '127.0.0.1';
const flowsStart = join(root, 'examples', 'flows', 'start.ts');
const prismCli = join(root, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
const cliSource = join(root, 'emulator', 'cli', 'main.ts');

interface Service {
  name: string;
  port: number;
  child: ChildProcess;
  output: string;
}

class Interrupted extends Error {}

const services: Service[] = [];
let running: ChildProcess | undefined;
let stopping: Promise<void> | undefined;
/** The exit code of the signal that interrupted the run, if one did. */
let interruptedWith: number | undefined;

function say(text: string): void {
  process.stderr.write(`example: ${text}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Node with tsx, so the TypeScript sources run as they are. */
function tsxArgs(file: string, args: string[]): string[] {
  return ['--import', 'tsx', file, ...args];
}

/** Starts a service in a process group of its own and waits until its port takes connections. */
async function startService(name: string, port: number, args: string[]): Promise<void> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const service: Service = { name, port, child, output: '' };
  services.push(service);
  const collect = (chunk: Buffer) => {
    service.output = (service.output + chunk).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (stopping) throw new Interrupted();
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} before it listened`);
    if (await accepts(port)) {
      say(`${name} listens on http://${host}:${port}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} did not listen on ${host}:${port} within 60 s`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops every process this script started: SIGTERM to each group, SIGKILL after 5 s. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    const children = [...(running ? [running] : []), ...services.map((service) => service.child)];
    for (const child of children) signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      for (const child of children) signalGroup(child, 'SIGKILL');
    }, 5_000);
    await Promise.all(children.map(exited));
    clearTimeout(timer);
    if (services.length > 0) say(`stopped ${services.map((service) => service.name).join(', ')}`);
  })();
  return stopping;
}

function showServiceOutput(): void {
  for (const service of services) {
    const lines = service.output.trimEnd().split('\n').slice(-30).join('\n');
    if (lines) process.stderr.write(`\n--- ${service.name} (last lines) ---\n${lines}\n`);
  }
}

function scenarioPath(name: string): string {
  const path = join(root, 'examples', 'scenarios', `${name}.yaml`);
  if (!existsSync(path)) throw new Error(`no scenario for ${name}: ${relative(root, path)} is missing`);
  return path;
}

/** A Prism mock of one of examples/apis/ with a recorder in front; answers the recorder's URL. */
async function standIn(document: string): Promise<string> {
  const prismPort = await freePort();
  await startService(`Prism (${document})`, prismPort, [
    prismCli,
    'mock',
    join(root, 'examples', 'apis', document),
    '--errors',
    '--host',
    host,
    '--port',
    String(prismPort),
  ]);
  const recorderPort = await freePort();
  await startService(
    'recorder',
    recorderPort,
    tsxArgs(flowsStart, [
      'recorder',
      '--port',
      String(recorderPort),
      '--upstream',
      `http://${host}:${prismPort}`,
    ]),
  );
  return `http://${host}:${recorderPort}`;
}

async function startFlow(name: string, args: string[]): Promise<string> {
  const port = await freePort();
  await startService(`${name} flow`, port, tsxArgs(flowsStart, [name, '--port', String(port), ...args]));
  return `http://${host}:${port}`;
}

/** Starts what the example needs; answers the scenario variables that point at it. */
const examples: Record<string, () => Promise<Record<string, string>>> = {
  async 'welcome-email'() {
    const smtpPort = await freePort();
    const sinkPort = await freePort();
    await startService(
      'smtp-sink',
      sinkPort,
      tsxArgs(flowsStart, ['smtp-sink', '--port', String(sinkPort), '--smtp-port', String(smtpPort)]),
    );
    const flow = await startFlow('welcome-email', ['--smtp-port', String(smtpPort)]);
    return { flow, sink: `http://${host}:${sinkPort}` };
  },
  async 'zoom-meeting'() {
    const zoom = await standIn('zoom-meetings.openapi.yaml');
    return { flow: await startFlow('zoom-meeting', ['--api-url', zoom]), zoom };
  },
  async 'stripe-payment'() {
    const stripe = await standIn('stripe-payments.openapi.yaml');
    return {
      flow: await startFlow('stripe-payment', ['--api-url', stripe, '--price', 'svc1=5000:eur']),
      stripe,
    };
  },
  async 'crm-upload'() {
    const crm = await standIn('dynamics-contacts.openapi.yaml');
    return { flow: await startFlow('crm-upload', ['--api-url', crm]), crm };
  },
};

async function main(): Promise<number> {
  const [name = '', ...runOptions] = process.argv.slice(2);
  const start = examples[name];
  if (!start) {
    process.stderr.write(
      `usage: npm run example -- NAME [run options], NAME one of: ${Object.keys(examples).join(', ')}\n` +
        (name ? `"${name}" is not an example.\n` : ''),
    );
    return 2;
  }
  const scenario = scenarioPath(name);
  let vars: Record<string, string>;
  try {
    vars = await start();
  } catch (error) {
    if (error instanceof Interrupted || stopping) return 1;
    say(`could not start the ${name} example: ${(error as Error).message}`);
    showServiceOutput();
    return 1;
  }
  const args = [
    'run',
    relative(process.cwd(), scenario),
    ...Object.entries(vars).flatMap(([variable, value]) => ['--var', `${variable}=${value}`]),
    ...runOptions,
  ];
  say(`bookings-emulator ${args.join(' ')}`);
  running = spawn(process.execPath, tsxArgs(cliSource, args), { stdio: 'inherit', detached: true });
  const child = running;
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      say(`could not run the scenario: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  running = undefined;
  if (code !== 0 && !stopping) showServiceOutput();
  return code;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    interruptedWith ??= code;
    void stopAll().then(() => process.exit(code));
  });
}

const code = await main().catch((error: unknown) => {
  say((error as Error).message);
  return 1;
});
await stopAll();
process.exit(interruptedWith ?? code);
