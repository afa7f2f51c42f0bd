// A push cut short by a newer change: what was sent is recorded, the rest stays marked unsent, the target behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorTarget } from "@/db/schema";
import { createTestCtx } from "../../tests/helpers/test-db";
import { createIncident } from "../incidents/incidents";
import { pushTo, registerTargets } from "./mirror";
import { buildSite, type SiteSource } from "./site";
import { directoryTarget } from "./targets/directory";
import type { TargetDriver } from "./targets/types";

let t: Awaited<ReturnType<typeof createTestCtx>>;
const dir = mkdtempSync(path.join(tmpdir(), "herald-mirror-push-"));
const source: SiteSource = async (key) => ({
  status: 200,
  contentType: "text/html; charset=utf-8",
  body: Buffer.from(`<!doctype html><p>${key}</p>`),
});

beforeAll(async () => {
  t = await createTestCtx();
  for (let i = 0; i < 3; i++) await createIncident(t.ctx, { name: `Incident ${i}`, status: "resolved", body: "Done." });
});
afterAll(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a push cut short by a newer change", () => {
  it("sends nothing more once stopped, keeps the rest marked unsent; the next push sends exactly that", async () => {
    const site = await buildSite(t.db, { source, dir: path.join(dir, "cache"), full: true });
    const inner = directoryTarget(path.join(dir, "site"));
    const stop = new AbortController();
    let puts = 0;
    // The newer change arrives while the third file is being written.
    const target: TargetDriver = {
      ...inner,
      put: async (file, body, type) => {
        if (++puts === 3) stop.abort();
        await inner.put(file, body, type);
      },
    };
    await registerTargets(t.ctx, [target]);
    const state = async () => (await t.db.select().from(mirrorTarget))[0];
    const cut = await pushTo(t.ctx, { ...target, concurrency: 1 }, await state(), site, false, undefined, stop.signal);
    expect(cut).toMatchObject({ cut: true, uploaded: 3, error: null });
    const after = await state();
    expect(after.pushedVersion).toBeNull();
    const held = Object.values(after.manifest);
    expect(held.filter((sha) => sha !== "")).toHaveLength(3);
    expect(held).toHaveLength(site.files.size);
    const rest = await pushTo(t.ctx, target, after, site, false);
    expect(rest).toMatchObject({ cut: false, uploaded: site.files.size - 3 });
    expect((await state()).pushedVersion).toBe(site.version);
  });
});
