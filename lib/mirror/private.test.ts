// A private page (issue 13) is never mirrored: nothing is fetched or pushed, and the targets say why.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorTarget, viewerSettings } from "@/db/schema";
import { createTestCtx } from "../../tests/helpers/test-db";
import { getPage } from "../page/page";
import { type MirrorDeps, registerTargets, runJob } from "./mirror";
import { directoryTarget } from "./targets/directory";

let t: Awaited<ReturnType<typeof createTestCtx>>;
const dir = mkdtempSync(path.join(tmpdir(), "herald-mirror-private-"));
let fetched = 0;

beforeAll(async () => {
  t = await createTestCtx();
});
afterAll(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mirror of a private page", () => {
  it("fetches and pushes nothing, and records why on every target", async () => {
    const target = directoryTarget(path.join(dir, "site"));
    const deps: MirrorDeps = {
      targets: [target],
      source: async () => {
        fetched++;
        return { status: 200, contentType: "text/html", body: Buffer.from("<!doctype html><p>x</p>") };
      },
      cacheDir: path.join(dir, "cache"),
      workerId: "w",
      leaseMs: 1000,
      debounceMs: 0,
      maxDelayMs: 0,
      backoffBaseMs: 10,
      backoffMaxMs: 10,
      log: () => {},
    };
    await registerTargets(t.ctx, deps.targets);
    const page = await getPage(t.db);
    await t.db.insert(viewerSettings).values({ pageId: page.id, visibility: "private", updatedAt: t.clock.now() });
    await expect(runJob(t.ctx, deps, { full: true })).rejects.toThrow(/private/);
    expect(fetched).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    const [row] = await t.db.select().from(mirrorTarget);
    expect(row.lastError).toMatch(/private/);
    expect(row.pushedVersion).toBeNull();
  });
});
