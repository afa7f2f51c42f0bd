import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startServer, type RunningServer } from "./helpers/server";
import { startedOwnServer, startServerPool, takePooledServer } from "./helpers/server-pool";

describe("server harness", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // Through tsx, as `npm start` runs it (every other test starts the bundle: tests/helpers/scripts.ts).
    server = await startServer({ viaTsx: true });
  });
  afterAll(() => server.stop());

  it("serves owner setup on a fresh database and redirects the console to it", async () => {
    expect((await fetch(`${server.url}/admin/setup`)).status).toBe(200);
    const res = await fetch(`${server.url}/admin/login`, { redirect: "manual" });
    expect(res.headers.get("location")).toContain("/admin/setup");
  });
});

describe("server pool (Playwright under CI: e2e/global-setup.ts)", () => {
  it("starts a server ahead, hands it to one taker only, and the taker stops it", async () => {
    const teardown = startServerPool({ ready: 1, total: 1 });
    try {
      startedOwnServer();
      let pooled: RunningServer | null = null;
      await vi.waitFor(
        () => {
          pooled = takePooledServer();
          if (!pooled) throw new Error("no server ready yet");
        },
        { timeout: 60_000, interval: 100 },
      );
      const server = pooled as unknown as RunningServer;
      expect(takePooledServer()).toBeNull();
      expect((await fetch(`${server.url}/admin/setup`)).status).toBe(200);
      expect(server.output()).toContain("[herald] ready");
      await server.stop();
      expect(() => process.kill(server.pid, 0)).toThrow();
      expect(existsSync(server.dataDir)).toBe(false);
    } finally {
      await teardown();
    }
  });
});
