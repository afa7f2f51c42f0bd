import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./helpers/server";

describe("server harness", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it("serves owner setup on a fresh database and redirects the console to it", async () => {
    expect((await fetch(`${server.url}/admin/setup`)).status).toBe(200);
    const res = await fetch(`${server.url}/admin/login`, { redirect: "manual" });
    expect(res.headers.get("location")).toContain("/admin/setup");
  });
});
