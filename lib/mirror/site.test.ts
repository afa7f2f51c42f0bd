// How a build picks what to fetch: years of history in slices (newest first),
// and a deferring build that keeps what a change touches only indirectly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "../../tests/helpers/test-db";
import { createComponent, updateComponent } from "../components/components";
import { createIncident, postIncidentUpdate } from "../incidents/incidents";
import { buildSite, type SiteSource } from "./site";

let t: Awaited<ReturnType<typeof createTestCtx>>;
const dir = mkdtempSync(path.join(tmpdir(), "herald-mirror-site-"));
const asked: string[] = [];
// Herald's answer stands in for itself: every public key is a page naming its key.
const source: SiteSource = async (key) => {
  asked.push(key);
  const html = `<!doctype html><link rel="stylesheet" href="/_next/static/a.css"><p>${key} ${Math.random()}</p>`;
  return key.endsWith(".css")
    ? { status: 200, contentType: "text/css", body: Buffer.from("p{}") }
    : { status: 200, contentType: "text/html; charset=utf-8", body: Buffer.from(html) };
};
const ids: string[] = [];
let componentId = "";

beforeAll(async () => {
  t = await createTestCtx();
  componentId = (await createComponent(t.ctx, { name: "API" })).id;
  for (let i = 0; i < 5; i++) {
    t.clock.advance(60_000);
    const { incident } = await createIncident(t.ctx, {
      name: `Incident ${i}`,
      status: "resolved",
      body: "Done.",
      componentIds: i === 0 ? [componentId] : [],
    });
    ids.push(incident.id);
  }
});
afterAll(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

const build = (o: { newLimit?: number; defer?: boolean; full?: boolean; sliceMs?: number } = {}) =>
  buildSite(t.db, { source, dir, full: o.full ?? false, newLimit: o.newLimit, defer: o.defer, sliceMs: o.sliceMs });
const pages = (files: ReadonlyMap<string, unknown>) => ids.filter((id) => files.has(`incidents/${id}/index.html`));

describe("building the mirrored site", () => {
  it("fetches incidents never mirrored in slices, newest first, and says what is still missing", async () => {
    const first = await build({ newLimit: 2, full: true });
    expect(pages(first.files)).toEqual(ids.slice(3));
    expect(first.deferred).toBe(3);
    const second = await build({ newLimit: 2 });
    expect(pages(second.files)).toEqual(ids.slice(1));
    expect(second.deferred).toBe(1);
    const last = await build({ newLimit: 2 });
    expect(pages(last.files)).toEqual(ids);
    expect(last.deferred).toBe(0);
    expect(last.files.has("history/index.html")).toBe(true);
  });

  it("fetches nothing of an unchanged incident again", async () => {
    asked.length = 0;
    await build();
    expect(asked.filter((k) => k.startsWith("/incidents/"))).toEqual([]);
  });

  it("defers a page whose only change is a component's current status; the next build brings it", async () => {
    // An open incident's page shows the state now of the components it names; a resolved one's names them only.
    t.clock.advance(60_000);
    const { incident: open } = await createIncident(t.ctx, {
      name: "Open",
      status: "investigating",
      body: "Looking.",
      componentIds: [componentId],
    });
    ids.push(open.id);
    await build();
    await updateComponent(t.ctx, { id: componentId, status: "major_outage" });
    asked.length = 0;
    const early = await build({ defer: true });
    // The front page first; that page, the JSON, feeds, cards and badges after it.
    expect(asked).toEqual(["/"]);
    expect(early.deferred).toBeGreaterThan(10);
    asked.length = 0;
    const rest = await build();
    expect(rest.deferred).toBe(0);
    expect(asked.filter((k) => k.startsWith("/incidents/"))).toEqual([`/incidents/${open.id}`]);
    expect(asked).toContain("/og.png");
    // The component's badge changed; no other badge is asked again.
    expect(asked.filter((k) => k.endsWith("/badge.svg"))).toEqual([
      "/badge.svg",
      `/components/${componentId}/badge.svg`,
    ]);
    // A new name shows on every page that names the component.
    await updateComponent(t.ctx, { id: componentId, name: "Public API" });
    asked.length = 0;
    await build();
    expect(asked.filter((k) => /^\/incidents\/\w+$/.test(k)).sort()).toEqual(
      [ids[0], open.id].map((id) => `/incidents/${id}`).sort(),
    );
  });

  it("brings a new incident's page first and its card in the next build", async () => {
    t.clock.advance(60_000);
    const { incident } = await createIncident(t.ctx, { name: "New", status: "investigating", body: "Looking." });
    asked.length = 0;
    const early = await build({ defer: true });
    expect(early.files.has(`incidents/${incident.id}/index.html`)).toBe(true);
    expect(early.files.has(`incidents/${incident.id}/og.png`)).toBe(false);
    expect(early.deferred).toBeGreaterThan(0);
    const rest = await build();
    expect(rest.files.has(`incidents/${incident.id}/og.png`)).toBe(true);
    expect(rest.deferred).toBe(0);
    ids.push(incident.id);
  });

  it("leaves an incident still rendering when the slice's time is up to the next build", async () => {
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow = `/incidents/${ids[1]}/og.png`;
    const hanging: SiteSource = async (key) => {
      if (key === slow) await held;
      return source(key);
    };
    const first = await buildSite(t.db, { source: hanging, dir, full: true, sliceMs: 50 });
    expect(first.files.has(slow.slice(1))).toBe(false);
    expect(first.deferred).toBeGreaterThan(0);
    release();
    const next = await buildSite(t.db, { source: hanging, dir, full: false });
    expect(next.files.has(slow.slice(1))).toBe(true);
    expect(next.deferred).toBe(0);
  });

  it("ends a slice when its time is up, after one incident at least", async () => {
    const many = await build({ full: true, sliceMs: 0 });
    expect(pages(many.files)).toEqual(ids.slice(-1));
    expect(many.deferred).toBe(ids.length - 1);
    const next = await build({ sliceMs: 0 });
    expect(pages(next.files)).toEqual(ids.slice(-2));
  });
  it("brings a publish during a backfill first, without the backlog's older incidents", async () => {
    await build({ full: true, newLimit: 1 });
    t.clock.advance(60_000);
    const { incident } = await createIncident(t.ctx, { name: "Newer", status: "investigating", body: "Looking." });
    asked.length = 0;
    const early = await build({ defer: true, newLimit: 20 });
    expect(asked.filter((k) => k.startsWith("/incidents/"))).toEqual([`/incidents/${incident.id}`]);
    expect(early.deferred).toBeGreaterThan(ids.length - 1);
  });

  it("ends a backfill's slice between files when a newer change waits", async () => {
    const stop = new AbortController();
    stop.abort();
    asked.length = 0;
    const none = await buildSite(t.db, { source, dir, full: true, sliceMs: 60_000, stop: stop.signal });
    // Only the front page: no incident never mirrored is started, and the fixed pages keep their copies.
    expect(asked.filter((k) => !k.startsWith("/_next/"))).toEqual(["/"]);
    expect(pages(none.files)).toEqual([]);
    expect(none.deferred).toBeGreaterThan(ids.length);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const later = new AbortController();
    const hanging: SiteSource = async (key) => {
      if (key === `/incidents/${ids[2]}`) {
        later.abort();
        await held;
      }
      return source(key);
    };
    // The incident still rendering when the change came is left to the next build (which does not wait for it).
    const cut = await buildSite(t.db, { source: hanging, dir, full: false, sliceMs: 60_000, stop: later.signal });
    expect(cut.files.has(`incidents/${ids[2]}/index.html`)).toBe(false);
    expect(cut.deferred).toBeGreaterThan(0);
    release();
    expect((await build()).deferred).toBe(0);
  });

  it("fetches a quarter's history page again only when an incident it lists changed", async () => {
    const { incident: old } = await createIncident(t.ctx, {
      name: "Old",
      status: "resolved",
      body: "Long ago.",
      backfilled: true,
      backfillDate: new Date("2025-05-01T12:00:00Z"),
      componentIds: [componentId],
    });
    const quarters = ["/history?quarter=2025-Q4", "/history?quarter=2025-Q3", "/history?quarter=2025-Q2"];
    asked.length = 0;
    const all = await build();
    expect(asked.filter((k) => k.startsWith("/history?"))).toEqual(quarters);
    expect(all.files.has("history/2025-Q3/index.html")).toBe(true);
    t.clock.advance(60_000);
    await createIncident(t.ctx, { name: "Today", status: "investigating", body: "Looking." });
    asked.length = 0;
    await build();
    expect(asked).toContain("/history");
    expect(asked.filter((k) => k.startsWith("/history?"))).toEqual([]);
    await postIncidentUpdate(t.ctx, { incidentId: old.id, status: "resolved", body: "A postscript." });
    asked.length = 0;
    await build();
    expect(asked.filter((k) => k.startsWith("/history?"))).toEqual(["/history?quarter=2025-Q2"]);
    // The history pages name no component: a rename changes the incident's page, not its quarter's.
    await updateComponent(t.ctx, { id: componentId, name: "API v2" });
    asked.length = 0;
    await build();
    expect(asked).toContain(`/incidents/${old.id}`);
    expect(asked.filter((k) => k.startsWith("/history?"))).toEqual([]);
  });

  it("fetches every page again once Herald was built anew (a new stylesheet on /)", async () => {
    const rebuilt: SiteSource = async (key) => {
      const res = await source(key);
      return { ...res, body: Buffer.from(res.body.toString().replace("/_next/static/a.css", "/_next/static/b.css")) };
    };
    t.clock.advance(60_000);
    await createIncident(t.ctx, { name: "After the deploy", status: "investigating", body: "Looking." });
    // The incidents are compared under the cached front page's build while "/" renders: then one more round.
    expect((await buildSite(t.db, { source: rebuilt, dir, full: false })).deferred).toBeGreaterThan(0);
    asked.length = 0;
    expect((await buildSite(t.db, { source: rebuilt, dir, full: false })).deferred).toBe(0);
    for (const id of ids) expect(asked).toContain(`/incidents/${id}`);
  });
});
