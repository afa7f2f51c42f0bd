import { test as base, expect } from "@playwright/test";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { startedOwnServer, takePooledServer } from "../tests/helpers/server-pool";

/**
 * `server`: a real Herald on a fresh database, shared by the tests of one file
 * (playwright.config.ts makes each spec file its own project, hence its own worker). One started ahead by the
 * runner (e2e/global-setup.ts) when one is ready and the file needs no environment of its own.
 */
export const test = base.extend<object, { server: RunningServer; serverEnv: Record<string, string> }>({
  /** Extra environment for the file's server (`test.use({ serverEnv: … })`). */
  serverEnv: [{}, { scope: "worker", option: true }],
  server: [
    async ({ serverEnv }, use) => {
      const pooled = Object.keys(serverEnv).length === 0 ? takePooledServer() : null;
      const server = pooled ?? (await startServer({ env: serverEnv }));
      if (!pooled) startedOwnServer();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  page: async ({ page }, use) => {
    // A console error in the browser is a failing test.
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await use(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  },
});

export { expect };
