import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two projects that split the suite between them, so `vitest run` (npm test) runs every file once:
 *
 * - `unit` (npm run test:unit): tests that need no build, no child process, browser or Docker, and
 *   no long waits; the edit-test loop. npm run test:unit also drops per-file isolation
 *   (--no-isolate), which halves its time; npm test keeps it.
 * - `integration`: the rest (what needs a build, child processes, a browser, Docker, Prism, or is a
 *   hardening or example run).
 *
 * A unit file that grows slow (see `npx vitest run --project unit --reporter=verbose`) moves to
 * integration by adding it to `notUnit`.
 */
const notUnit = [
  '**/*.node.test.ts',
  '**/*.browser.test.ts',
  '**/*.docker.test.ts',
  'contract-tests/prism-proxy.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['emulator/**/*.test.ts', 'contract-tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...notUnit],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [...notUnit, 'hardening-tests/**/*.test.ts', 'examples/**/*.test.ts'],
        },
      },
    ],
  },
});
