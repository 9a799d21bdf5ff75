// Unit tests for the console (store, models, components): `npx vitest run --config renderer/vitest.config.ts`.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['test/renderer/**/*.test.{ts,tsx}'],
    setupFiles: ['test/renderer/setup.ts'],
    css: false,
    pool: 'threads',
    maxWorkers: 2,
    // the 10,000-task table renders in ~1 s alone, but CI shares its 2 cores with the other stages'
    // leftovers and a loaded run took 8 s: a timeout is for a hang, not a slow machine
    testTimeout: 30_000,
  },
});
