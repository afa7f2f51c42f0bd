import ICAL from "ical.js";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident } from "@/db/schema";
import { createComponent } from "../components/components";
import { cancelMaintenance, updateMaintenance } from "../maintenance/edit";
import { createMaintenance } from "../maintenance/maintenance";
import { runMaintenanceTransitions } from "../maintenance/transitions";
import { loadMaintenanceCalendar } from "./calendar";
import { buildMaintenanceCalendar, eventUid } from "./calendar-ics";

let close: (() => void) | undefined;
afterEach(() => close?.());

const BASE = "https://status.example.com";

interface Parsed {
  uid: string;
  sequence: number;
  status: string;
  summary: string;
  description: string;
  url: string;
  start: string;
  end: string;
  startZone: string;
}

/** Parsed by ical.js (Mozilla's iCalendar parser), not by our code. */
function parse(ics: string): Parsed[] {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      status: String(v.getFirstPropertyValue("status")),
      summary: e.summary,
      description: e.description,
      url: String(v.getFirstPropertyValue("url")),
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      startZone: e.startDate.zone.tzid,
    };
  });
}

async function setup() {
  const t = await createTestCtx();
  close = t.close;
  const api = await createComponent(t.ctx, { name: "REST API" });
  const secret = await createComponent(t.ctx, { name: "Secret billing sync", hidden: true });
  const render = async () => {
    const { page, events } = await loadMaintenanceCalendar(t.db);
    return buildMaintenanceCalendar({ page, events, baseUrl: BASE });
  };
  return { ...t, api, secret, render };
}

describe("/maintenance.ics", () => {
  it(
    "lists maintenance as VEVENTs with stable UIDs, a SEQUENCE " + "raised on each change, UTC times and links",
    async () => {
      const t = await setup();
      const a = await createMaintenance(t.ctx, {
        name: "DB upgrade",
        body: "We will **upgrade** the database.",
        componentIds: [t.api.id, t.secret.id],
        scheduledFor: "2026-03-02T10:00",
        scheduledUntil: "2026-03-02T11:30",
      });
      const b = await createMaintenance(t.ctx, {
        name: "Old window",
        body: "Done",
        scheduledFor: "2026-02-20T10:00",
        scheduledUntil: "2026-02-20T11:00",
        backfilled: true,
      });
      const first = await t.render();
      expect(first.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
      // Lines end in CRLF and are folded at 75 octets (RFC 5545 §3.1).
      expect(first.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      for (const line of first.split("\r\n")) expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(75);
      const [ea, eb] = parse(first);
      expect(ea).toMatchObject({
        uid: eventUid((await t.db.query.page.findFirst())!.id, a.maintenance.id),
        status: "CONFIRMED",
        summary: "DB upgrade",
        url: `${BASE}/incidents/${a.maintenance.id}`,
        start: "2026-03-02T10:00:00.000Z",
        end: "2026-03-02T11:30:00.000Z",
        startZone: "UTC",
      });
      expect(first).toContain("DTSTART:20260302T100000Z");
      expect(ea.description).toContain("We will upgrade the database.");
      expect(ea.description).toContain("Affected: REST API");
      expect(first).not.toContain("Secret billing sync");
      expect(eb.uid).toContain(b.maintenance.id);
      // The same content renders the same bytes (the snapshot key is the content version).
      expect(await t.render()).toBe(first);

      await updateMaintenance(t.ctx, {
        maintenanceId: a.maintenance.id,
        name: "Database upgrade",
        body: "Moved by an hour.",
        scheduledFor: "2026-03-02T11:00",
        scheduledUntil: "2026-03-02T12:00",
        autoStart: true,
        autoComplete: true,
        transitionComponents: true,
        remindMinutes: null,
        notifyAtStart: false,
        notifyAtEnd: false,
      });
      const moved = parse(await t.render())[0];
      expect(moved.uid).toBe(ea.uid);
      expect(moved.sequence).toBeGreaterThan(ea.sequence);
      expect(moved).toMatchObject({ summary: "Database upgrade", start: "2026-03-02T11:00:00.000Z" });

      t.clock.set(new Date("2026-03-02T11:00:00Z"));
      expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
      const started = parse(await t.render())[0];
      expect(started.uid).toBe(ea.uid);
      expect(started.sequence).toBeGreaterThan(moved.sequence);
      expect(started.description).toContain("Status: In progress");
    },
  );

  it("marks a cancelled maintenance STATUS:CANCELLED under the same UID, and leaves drafts out", async () => {
    const t = await setup();
    const { maintenance } = await createMaintenance(t.ctx, {
      name: "Network work",
      body: "Planned",
      scheduledFor: "2026-03-03T10:00",
      scheduledUntil: "2026-03-03T11:00",
    });
    const draft = await createMaintenance(t.ctx, {
      name: "Not public yet",
      body: "x",
      scheduledFor: "2026-03-04T10:00",
      scheduledUntil: "2026-03-04T11:00",
    });
    await t.db.update(incident).set({ publishedAt: null }).where(eq(incident.id, draft.maintenance.id));
    const before = parse(await t.render());
    expect(before).toHaveLength(1);
    await cancelMaintenance(t.ctx, { maintenanceId: maintenance.id, body: "No longer needed." });
    const ics = await t.render();
    const [after] = parse(ics);
    expect(after).toMatchObject({ uid: before[0].uid, status: "CANCELLED", summary: "Cancelled: Network work" });
    expect(after.sequence).toBeGreaterThan(before[0].sequence);
    expect(after.description).toContain("No longer needed.");
    expect(ics).not.toContain("Not public yet");
  });

  it("keeps hostile names inside their property (no CR/LF injection) and folds multi-byte text by octets", async () => {
    const t = await setup();
    const nasty = `Évolution 🔥 مرحبا, x; y\\ END:VEVENT BEGIN:VEVENT ${"数据库升级".repeat(12)}`;
    await createMaintenance(t.ctx, {
      name: nasty,
      body: "Line one\r\nEND:VCALENDAR\r\nBEGIN:VEVENT",
      scheduledFor: "2026-03-02T10:00",
      scheduledUntil: "2026-03-02T11:00",
    });
    const ics = await t.render();
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const events = parse(ics);
    expect(events).toHaveLength(1);
    expect(events[0].summary).toBe(nasty);
    expect(events[0].description).toContain("Line one");
    expect(ics.match(/^BEGIN:VEVENT\r?$/gm)).toHaveLength(1);
  });

  it("is a valid empty calendar with no maintenance", async () => {
    const t = await setup();
    const ics = await t.render();
    expect(parse(ics)).toEqual([]);
    expect(ics).toContain("X-WR-CALNAME:Acme Status maintenance");
  });
});
