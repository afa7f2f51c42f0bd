import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident } from "@/db/schema";
import { createComponent, createGroup, updateComponent } from "../components/components";
import { createIncident, postIncidentUpdate, updateIncident } from "../incidents/incidents";
import { getPage, updatePage } from "../page/page";
import { openDb } from "@/db/client";
import { dayFiguresCache } from "./day-cache";
import { loadUptime, type UptimeDayDto } from "./load";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let close: (() => void) | undefined;
afterEach(() => close?.());

/** A new handle on the same file has no cache: the reference the cached loads are compared with. */
async function uncachedUptime(url: string, pageId: string, at: Date) {
  const other = openDb({ url });
  try {
    return await loadUptime(other.db, pageId, at);
  } finally {
    other.client.close();
  }
}

describe("loadUptime", () => {
  it("builds bars from the status log with the day's published incidents only", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API", startDate: "2026-02-01" });
    const web = await createComponent(t.ctx, { name: "Web", startDate: "2026-02-01" });
    const secret = await createComponent(t.ctx, { name: "Secret", hidden: true });
    const inner = await createComponent(t.ctx, { name: "Internal-only" });
    await createGroup(t.ctx, { name: "Private group", hidden: true, componentIds: [inner.id] });
    const g = await createGroup(t.ctx, { name: "Core", componentIds: [api.id, web.id] });
    t.clock.advance(HOUR);
    const { incident: inc } = await createIncident(t.ctx, {
      name: "API down",
      body: "x",
      components: { [api.id]: "major_outage", [secret.id]: "major_outage" },
    });
    t.clock.advance(2 * HOUR);
    await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "resolved", body: "ok" });
    // An unpublished (scheduled) incident must not appear in any tooltip.
    const { incident: draft } = await createIncident(t.ctx, { name: "Not yet", body: "x", componentIds: [api.id] });
    await t.db.update(incident).set({ publishedAt: null }).where(sql`id = ${draft.id}`);
    t.clock.advance(HOUR);

    const p = await getPage(t.db);
    const u = await loadUptime(t.db, p.id, t.clock.now());
    expect(u.components.map((c) => c.name)).toEqual(["API", "Web"]);
    const apiDays = u.components[0].days;
    expect(apiDays).toHaveLength(90);
    const today = apiDays.at(-1)!;
    expect(today.date).toBe("2026-03-01");
    expect(today.worst).toBe("major_outage");
    expect(today.downMinutes).toBe(120);
    expect(today.incidents.map((i) => i.id)).toEqual([inc.id]);
    expect(apiDays.find((d) => d.date === "2026-01-31")!.worst).toBeNull();
    expect(u.components[1].days.at(-1)!).toMatchObject({ worst: "operational", uptimePercent: 100, incidents: [] });
    expect(u.groups).toEqual([expect.objectContaining({ id: g.id, componentIds: [api.id, web.id] })]);
    expect(u.groups[0].days.at(-1)!.worst).toBe("major_outage");
    expect(JSON.stringify(u)).not.toContain("Secret");
    expect(JSON.stringify(u)).not.toContain("Internal-only");
    expect(JSON.stringify(u)).not.toContain("Private group");
    expect(JSON.stringify(u)).not.toContain("Not yet");
  });

  it("names the incidents overlapping the window: started before it and resolved in it, or still open", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API", startDate: "2025-01-01" });
    const open = (name: string) =>
      createIncident(t.ctx, { name, body: "x", components: { [api.id]: "degraded_performance" } });
    const { incident: closedBefore } = await open("Closed before the window");
    t.clock.advance(HOUR);
    await postIncidentUpdate(t.ctx, { incidentId: closedBefore.id, status: "resolved", body: "ok" });
    const { incident: resolvedInside } = await open("Resolved inside the window");
    const { incident: stillOpen } = await open("Still open");
    t.clock.advance(15 * DAY);
    await postIncidentUpdate(t.ctx, { incidentId: resolvedInside.id, status: "resolved", body: "ok" });
    // The window (90 days to today) now starts 11 days after the three began.
    t.clock.advance(85 * DAY);

    const days = (await loadUptime(t.db, (await getPage(t.db)).id, t.clock.now())).components[0].days;
    const named = (d: (typeof days)[number]) => d.incidents.map((i) => i.id);
    expect(named(days[0]).sort()).toEqual([resolvedInside.id, stillOpen.id].sort());
    expect(named(days.at(-1)!)).toEqual([stillOpen.id]);
    expect(days.flatMap(named)).not.toContain(closedBefore.id);
  });

  it("follows the page's maintenance switch and time zone", async () => {
    const t = await createTestCtx();
    close = t.close;
    const c = await createComponent(t.ctx, { name: "DB", startDate: "2026-02-01" });
    await updatePage(t.ctx, { timeZone: "Australia/Brisbane" });
    await updateComponent(t.ctx, { id: c.id, status: "under_maintenance" });
    t.clock.advance(HOUR);
    await updateComponent(t.ctx, { id: c.id, status: "operational" });
    const p = await getPage(t.db);
    const before = await loadUptime(t.db, p.id, t.clock.now());
    // 12:00Z is 22:00 in Brisbane: the maintenance is on local 2026-03-01.
    expect(before.timeZone).toBe("Australia/Brisbane");
    expect(before.components[0].days.at(-1)!.date).toBe("2026-03-01");
    expect(before.components[0].days.at(-1)!.uptimePercent).toBe(100);
    await updatePage(t.ctx, { uptimeCountsMaintenance: true });
    const after = await loadUptime(t.db, p.id, t.clock.now());
    expect(after.components[0].days.at(-1)!.downMinutes).toBe(60);
    expect(after.formula).toContain("maintenance counts as down");
  });

  it("keeps finished days; a change landing inside one (lagging clock, backfill) redoes them", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API", startDate: "2026-02-01" });
    t.clock.advance(5 * DAY);
    await updateComponent(t.ctx, { id: api.id, status: "partial_outage" });
    t.clock.advance(HOUR);
    await updateComponent(t.ctx, { id: api.id, status: "operational" });
    const p = await getPage(t.db);
    const now = t.clock.now();
    const day = (u: Awaited<ReturnType<typeof loadUptime>>, date: string) =>
      u.components[0].days.find((d) => d.date === date)!;
    const uncached = (at: Date) => uncachedUptime(t.url, p.id, at);
    const first = await loadUptime(t.db, p.id, now);
    expect(dayFiguresCache(t.db).size).toBe(1);
    expect(first).toEqual(await uncached(now));
    expect(day(first, "2026-03-06")).toMatchObject({ worst: "partial_outage", downMinutes: 18 });

    // The finished days come from the cache: an in-place edit of the (append-only) log is not read again.
    await t.db.run(sql`update component_status_change set new_status = 'major_outage' where old_status is null`);
    expect(day(await loadUptime(t.db, p.id, now), "2026-03-04").worst).toBe("operational");
    expect(day(await uncached(now), "2026-03-04").worst).toBe("major_outage");
    await t.db.run(sql`update component_status_change set new_status = 'operational' where old_status is null`);

    // A write whose clock is three days behind (a transaction begun before midnight, another process, a backfill).
    const lagging = (at: string) => ({ ...t.ctx, now: () => new Date(at) });
    await updateComponent(lagging("2026-03-03T10:00:00Z"), { id: api.id, status: "major_outage" });
    await updateComponent(lagging("2026-03-03T11:00:00Z"), { id: api.id, status: "operational" });
    const second = await loadUptime(t.db, p.id, now);
    expect(day(first, "2026-03-03")).toMatchObject({ worst: "operational", downMinutes: 0 });
    expect(day(second, "2026-03-03")).toMatchObject({ worst: "major_outage", downMinutes: 60 });
    expect(second).toEqual(await uncached(now));

    // The next day: yesterday joins the finished days, today starts empty.
    const tomorrow = new Date(now.getTime() + DAY);
    expect(await loadUptime(t.db, p.id, tomorrow)).toEqual(await uncached(tomorrow));
  });

  it("keeps each bar's finished days between renders until something they show changes", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API", startDate: "2026-02-01" });
    const web = await createComponent(t.ctx, { name: "Web", startDate: "2026-02-01" });
    await createGroup(t.ctx, { name: "Core", componentIds: [api.id, web.id] });
    t.clock.advance(10 * DAY);
    const { incident: old } = await createIncident(t.ctx, {
      name: "Slow API",
      body: "x",
      components: { [api.id]: "partial_outage" },
    });
    t.clock.advance(HOUR);
    await postIncidentUpdate(t.ctx, {
      incidentId: old.id,
      status: "resolved",
      body: "ok",
      components: { [api.id]: "operational" },
    });
    t.clock.advance(3 * DAY);
    const p = await getPage(t.db);
    const uncached = (at: Date) => uncachedUptime(t.url, p.id, at);
    const render = async () => {
      const u = await loadUptime(t.db, p.id, t.clock.now());
      expect(u).toEqual(await uncached(t.clock.now()));
      return u;
    };
    const [apiDays, webDays, coreDays] = [
      (u: Awaited<ReturnType<typeof loadUptime>>) => u.components[0].days,
      (u: Awaited<ReturnType<typeof loadUptime>>) => u.components[1].days,
      (u: Awaited<ReturnType<typeof loadUptime>>) => u.groups[0].days,
    ];
    const oldDay = "2026-03-11";

    await render();
    const first = await render();
    t.clock.advance(60_000);
    // Nothing each bar shows changed: the same days, the same arrays (the page keeps their HTML by them).
    const quiet = await render();
    expect(apiDays(quiet)).toBe(apiDays(first));
    expect(webDays(quiet)).toBe(webDays(first));
    expect(coreDays(quiet)).toBe(coreDays(first));
    expect(() => (apiDays(quiet) as UptimeDayDto[]).pop()).toThrow(TypeError);

    // An outage today: the API's and the group's days are new, and follow the clock; the Web's stay.
    await updateComponent(t.ctx, { id: api.id, status: "major_outage" });
    t.clock.advance(30 * 60_000);
    const outage = await render();
    expect(apiDays(outage).at(-1)).toMatchObject({ worst: "major_outage", downMinutes: 30 });
    expect(coreDays(outage).at(-1)!.worst).toBe("major_outage");
    expect(webDays(outage)).toBe(webDays(first));
    t.clock.advance(60_000);
    expect(apiDays(await render()).at(-1)!.downMinutes).toBe(31);

    // A finished day's label changes with its incident's name, and with an update naming another component.
    await updateIncident(t.ctx, { id: old.id, name: "Slow API calls" });
    const renamed = await render();
    expect(
      apiDays(renamed)
        .find((d) => d.date === oldDay)!
        .incidents.map((i) => i.name),
    ).toEqual(["Slow API calls"]);
    expect(webDays(renamed)).toBe(webDays(first));
    await postIncidentUpdate(t.ctx, {
      incidentId: old.id,
      status: "resolved",
      body: "Web too",
      components: { [web.id]: "operational" },
    });
    const named = await render();
    expect(
      webDays(named)
        .find((d) => d.date === oldDay)!
        .incidents.map((i) => i.id),
    ).toEqual([old.id]);
    expect(
      coreDays(named)
        .find((d) => d.date === oldDay)!
        .incidents.map((i) => i.id),
    ).toEqual([old.id]);

    // Midnight: yesterday becomes a finished day.
    t.clock.advance(DAY);
    const tomorrow = await render();
    expect(webDays(tomorrow)).not.toBe(webDays(named));
  });

  it("stays fast with 10 years of history", async () => {
    const t = await createTestCtx();
    close = t.close;
    const p = await getPage(t.db);
    const comps = [];
    for (let i = 0; i < 20; i++) comps.push(await createComponent(t.ctx, { name: `C${i}`, startDate: "2016-03-01" }));
    // 20 components × one outage and one recovery every day for ten years (146k rows).
    const start = new Date("2016-03-01T00:00:00Z").getTime();
    const inserted = Date.now();
    for (const c of comps) {
      await t.db.run(sql`
        with recursive d(n) as (select 0 union all select n + 1 from d where n < 3650)
        insert into component_status_change (id, page_id, component_id, old_status, new_status, at, source, created_at)
        select ${c.id} || '-' || n || '-' || k, ${p.id}, ${c.id},
               case k when 0 then 'operational' else 'partial_outage' end,
               case k when 0 then 'partial_outage' else 'operational' end,
               ${start} + n * 86400000 + 36000000 + k * 1800000, 'manual', ${start}
        from d, (select 0 as k union all select 1)`);
    }
    const rows = await t.db.$count(sql`component_status_change` as never);
    const setupMs = Date.now() - inserted;
    await loadUptime(t.db, p.id, t.clock.now());
    const t0 = performance.now();
    const u = await loadUptime(t.db, p.id, t.clock.now());
    const ms = performance.now() - t0;
    console.log(`[uptime] ${rows} status changes: loadUptime ${ms.toFixed(1)} ms warm (setup ${setupMs} ms)`);
    expect(rows).toBeGreaterThan(140_000);
    // 30 min at 30 % down per day: 0.625 % down.
    expect(u.components[0].days[10].uptimePercent).toBe(99.38);
    expect(ms).toBeLessThan(1500);
  });
});
