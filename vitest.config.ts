import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "db/**/*.test.ts", "tests/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest runs one file at a time on two cores (cores - 1); most files wait on a
    // server, a socket or a timer, so two at a time keeps both cores busy.
    maxWorkers: 2,
    globalSetup: ["tests/global-setup.ts"],
  },
});
