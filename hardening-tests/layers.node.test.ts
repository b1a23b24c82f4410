import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../emulator/core/paths.js';
import { runProcess } from '../emulator/testing/cli.js';

const depcruise = join(packageRoot, 'node_modules', '.bin', 'depcruise');

/** A tiny tree with the project's lint rules, so a wrong import can be shown to fail the lint. */
function probeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'bookings-layers-'));
  cpSync(join(packageRoot, '.dependency-cruiser.cjs'), join(root, '.dependency-cruiser.cjs'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the layer rules of npm run lint', { timeout: 60_000 }, () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const cruise = (files: Record<string, string>) => {
    const root = probeTree(files);
    roots.push(root);
    return runProcess(depcruise, ['emulator', '--config', '.dependency-cruiser.cjs'], {
      cwd: root,
      timeoutMs: 60_000,
    });
  };

  it('pass the real tree', async () => {
    const result = await runProcess(depcruise, ['emulator', '--config', '.dependency-cruiser.cjs'], {
      timeoutMs: 60_000,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('fail an import from a lower layer into a higher one, a cycle, and test helpers in product code', async () => {
    const result = await cruise({
      'emulator/core/clock.ts': "import { run } from '../cli/main.js';\nexport const clock = run;\n",
      'emulator/cli/main.ts': 'export const run = 1;\n',
      'emulator/domain/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'emulator/domain/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
      'emulator/http/app.ts': "import { seed } from '../testing/seed.js';\nexport const app = seed;\n",
      'emulator/testing/seed.ts': 'export const seed = 1;\n',
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/layer-core: emulator\/core\/clock\.ts → emulator\/cli\/main\.ts/);
    expect(result.stdout).toMatch(/no-circular: emulator\/domain\/a\.ts → /);
    expect(result.stdout).toMatch(
      /no-test-helpers-in-product-code: emulator\/http\/app\.ts → emulator\/testing\/seed\.ts/,
    );
  });
});
