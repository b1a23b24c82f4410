import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'emulator/**/*.test.ts',
      'contract-tests/**/*.test.ts',
      'hardening-tests/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
