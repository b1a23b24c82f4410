import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { listeningUrl } from '../testing/listening.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack` as a user gets it, installed into an empty folder: the bin, the root export from
 * ESM and TypeScript. dist/ is already built by `npm test`; --ignore-scripts keeps it untouched
 * while other suites run.
 */
describe('the npm package', { timeout: 120_000 }, () => {
  let project = '';
  const bin = () => join(project, 'node_modules', '.bin', 'bookings-emulator');
  const run = (args: string[], input?: string) =>
    execFileSync(bin(), args, { cwd: project, encoding: 'utf8', ...(input === undefined ? {} : { input }) });

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'bookings-package-'));
    execFileSync(npm, ['pack', '--ignore-scripts', '--pack-destination', project], {
      cwd: packageRoot,
      stdio: 'pipe',
    });
    const tarball = readdirSync(project).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack made no tarball');
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    // Optional better-sqlite3 is left out: everything but --data-dir works without it.
    execFileSync(
      npm,
      ['install', `./${tarball}`, '--omit=optional', '--no-audit', '--no-fund', '--prefer-offline'],
      {
        cwd: project,
        stdio: 'pipe',
      },
    );
  });

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('installs a bin that answers --version and --help for every command', () => {
    expect(run(['--version']).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const command of ['start', 'run', 'lint', 'validate', 'fake', 'capture', 'drift']) {
      expect(run([command, '--help']), command).toContain(`Usage: bookings-emulator ${command}`);
    }
  });

  it('starts on its built-in seed and stops on Ctrl-C', async () => {
    const child = spawn(bin(), ['start', '--port', '0', '--quiet'], { cwd: project });
    const url = await listeningUrl(child);
    expect(await (await fetch(`${url}/_emulator/health`)).json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('runs a scenario and validates payloads', () => {
    const scenario = join(project, 'smoke.yaml');
    writeFileSync(
      scenario,
      [
        'name: package-smoke',
        'flows:',
        '  - { name: f, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:f" }',
        'steps:',
        '  - subscribe: { flow: f }',
        '  - create: { ref: a, service: svc1, start: +1h, customer: { name: Jo, email: jo@example.com, answers: { q1: Audit } } }',
        '  - expect: { flow: f, count: 1, payload: { CustomerName: Jo } }',
      ].join('\n'),
    );
    expect(run(['run', scenario])).toContain('1 passed, 0 failed');
    const fakes = run(['fake', '--count', '3', '--seed', '4']);
    expect(run(['validate', '-', '--schema', 'appointment-data.emulator'], fakes)).toContain(
      'valid (3 documents)',
    );
  });

  it('exports startEmulator to ESM and to TypeScript', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      "import { startEmulator } from 'bookings-emulator';\nconst e = await startEmulator();\nconsole.log(e.url.startsWith('http://127.0.0.1:'), e.mailboxes.length);\nawait e.close();\n",
    );
    expect(execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe(
      'true 2',
    );
    writeFileSync(
      join(project, 'use.ts'),
      [
        "import { startEmulator, type AppointmentData, type RunningEmulator } from 'bookings-emulator';",
        'export async function check(): Promise<string> {',
        "  const emulator: RunningEmulator = await startEmulator({ profile: 'strict', quirks: { 'reschedule-new-id': true } });",
        '  const payload: AppointmentData = { CustomerName: "x", Duration: 30 };',
        '  await emulator.close();',
        '  return `${emulator.url} ${payload.CustomerName}`;',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() =>
      execFileSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' }),
    ).not.toThrow();
  });
});
