import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./helpers/server";

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
