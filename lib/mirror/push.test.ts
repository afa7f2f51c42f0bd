// A push cut short by a newer change: what was sent is recorded, the rest stays marked unsent, the target behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorTarget } from "@/db/schema";
import { createTestCtx } from "../../tests/helpers/test-db";
import { createIncident } from "../incidents/incidents";
import { type MirrorDeps, pushTo, registerTargets, runJob } from "./mirror";
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

  it("ends a round when a newer change cuts its first push: the next round's deferring build brings it", async () => {
    const inner = directoryTarget(path.join(dir, "slice"));
    let puts = 0;
    let published = false;
    // A slow bucket: the publish comes while the third file of the round's first push is being written.
    const target: TargetDriver = {
      ...inner,
      id: "slow",
      concurrency: 1,
      put: async (file, body, type) => {
        if (++puts === 3 && !published) {
          published = true;
          await createIncident(t.ctx, { name: "Published meanwhile", status: "investigating", body: "Looking." });
        }
        await new Promise((r) => setTimeout(r, 40));
        await inner.put(file, body, type);
      },
    };
    await registerTargets(t.ctx, [target]);
    const asked: string[] = [];
    const deps: MirrorDeps = {
      targets: [target],
      source: (key) => {
        asked.push(key);
        return source(key);
      },
      cacheDir: path.join(dir, "slice-cache"),
      workerId: "w",
      leaseMs: 60_000,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      debounceMs: 0,
      maxDelayMs: 0,
      log: () => {},
    };
    for (let i = 0; i < 10; i++) await createIncident(t.ctx, { name: `Older ${i}`, status: "resolved", body: "Done." });
    // A first push: the front page and the incidents first, their cards deferred to the round's second build.
    const { site, results } = await runJob(t.ctx, deps, { full: false }, [target]);
    expect(site.files.size).toBeGreaterThan(10);
    expect(site.deferred).toBeGreaterThan(0);
    expect(results[0]).toMatchObject({ error: null, cut: true });
    expect(puts).toBeLessThan(site.files.size / 2);
    // No second build (a backfill slice, every card) before the newer change goes out.
    expect(asked.filter((k) => k.endsWith("/og.png"))).toEqual([]);
    expect((await t.db.select().from(mirrorTarget)).find((r) => r.id === "slow")!.pushedVersion).toBeNull();
  });
});
