import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, component, componentStatusChange, componentVendor, delivery, notification } from "../../db/schema";
import { createComponent } from "../../lib/components/components";
import type { NetPolicy } from "../../lib/net/fetch";
import { getContentVersion, getPage } from "../../lib/page/page";
import { loadUptime } from "../../lib/uptime/load";
import { readVendorStatus, summaryUrl } from "../../lib/vendors/read";
import { listComponentVendors, setComponentVendor, setVendorFollowing } from "../../lib/vendors/vendors";
import { runDueWork, STEPS, type WorkDeps } from "../../lib/worker/run";
import { addSubscriber } from "../helpers/db-state";
import { createTestCtx } from "../helpers/test-db";

// Vendor components against a local fake status page that changes status,
// answers 304 to a matching ETag, hangs past the deadline and returns garbage.

const LOCAL: NetPolicy = { allowHttp: true, allowPrivate: true };

type Mode = "ok" | "hang" | "garbage" | "500";
const fake = { mode: "ok" as Mode, indicator: "none", apiStatus: "operational", version: 1, hits: 0, conditional: 0 };
let server: http.Server;
let base: string;
let t: Awaited<ReturnType<typeof createTestCtx>>;

function summary() {
  return {
    page: { id: "vendorpage", name: "Vendor", url: base, time_zone: "Etc/UTC", updated_at: "2026-03-01T12:00:00Z" },
    status: { indicator: fake.indicator, description: "x" },
    components: [
      { id: "vapi", name: "API", status: fake.apiStatus, group: false },
      { id: "vweb", name: "Web", status: "operational", group: false },
    ],
    incidents: [],
    scheduled_maintenances: [],
  };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    fake.hits++;
    if (fake.mode === "hang") return; // never answers; the poller's deadline ends it
    if (fake.mode === "500") return res.writeHead(500).end("oops");
    if (fake.mode === "garbage")
      return res.writeHead(200, { "content-type": "application/json" }).end("<html>maintenance</html>");
    const etag = `"v${fake.version}"`;
    if (req.headers["if-none-match"] === etag) {
      fake.conditional++;
      return res.writeHead(304, { etag }).end();
    }
    if (req.url === "/instatus/summary.json") {
      const body = {
        page: { name: "Inst", url: base, status: fake.indicator === "none" ? "UP" : "HASISSUES" },
        activeIncidents: fake.indicator === "none" ? [] : [{ id: "i", name: "x", impact: "MAJOROUTAGE" }],
      };
      return res.writeHead(200, { "content-type": "application/json", etag }).end(JSON.stringify(body));
    }
    res.writeHead(200, { "content-type": "application/json", etag }).end(JSON.stringify(summary()));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestCtx("owner");
  await addSubscriber(t.db, (await getPage(t.db)).id, "everyone@example.com", "active");
});
afterAll(() => {
  t?.close();
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  Object.assign(fake, { mode: "ok", indicator: "none", apiStatus: "operational", version: fake.version + 1 });
});

const steps = STEPS.filter((s) => s.name === "vendors");
const poll = () =>
  runDueWork(
    { db: t.db, now: t.clock.now },
    { concurrency: 2, vendor: { policy: LOCAL, timeoutMs: 300 } } as WorkDeps,
    { steps },
  );
/** A minute later, the next poll is due. */
const nextMinute = () => t.clock.advance(60_000);
const statusOf = async (id: string) => (await t.db.select().from(component).where(eq(component.id, id)).get())!.status;
const vendorOf = async (componentId: string) =>
  (await listComponentVendors(t.db, (await getPage(t.db)).id)).get(componentId);
const outbox = async () => [await t.db.$count(notification), await t.db.$count(delivery)];

async function follower(
  vendorComponentId: string | null = "vapi",
  kind: "statuspage" | "herald" | "instatus" = "statuspage",
  url = base,
) {
  const c = await createComponent(t.ctx, { name: `Vendor ${Math.random().toString(36).slice(2, 6)}` });
  await setComponentVendor(t.ctx, { componentId: c.id, kind, url, vendorComponentId }, LOCAL);
  return c;
}

describe("reading vendor pages", () => {
  it("finds the summary URL from the page address", () => {
    expect(summaryUrl("statuspage", "https://status.vendor.example/")).toBe(
      "https://status.vendor.example/api/v2/summary.json",
    );
    expect(summaryUrl("herald", "https://status.acme.example/api/v2/summary.json")).toBe(
      "https://status.acme.example/api/v2/summary.json",
    );
    expect(summaryUrl("instatus", "https://acme.instatus.com")).toBe("https://acme.instatus.com/summary.json");
  });

  it("reads Statuspage's indicator and components, Instatus' page status, and refuses the rest", () => {
    expect(readVendorStatus("statuspage", { status: { indicator: "major" } }, null)).toBe("partial_outage");
    expect(readVendorStatus("statuspage", { components: [{ id: "a", status: "degraded_performance" }] }, "a")).toBe(
      "degraded_performance",
    );
    expect(readVendorStatus("instatus", { page: { status: "UNDERMAINTENANCE" } }, null)).toBe("under_maintenance");
    expect(readVendorStatus("instatus", { page: { status: "HASISSUES" }, activeIncidents: [] }, null)).toBe(
      "partial_outage",
    );
    expect(() => readVendorStatus("statuspage", { components: [{ id: "a", status: "on_fire" }] }, "a")).toThrow(
      /not a Statuspage status/,
    );
    expect(() => readVendorStatus("statuspage", { components: [] }, "zz")).toThrow(/not on the vendor's page/);
    expect(() => readVendorStatus("instatus", [], null)).toThrow(/not a JSON object/);
  });

  it("refuses addresses the SSRF rules forbid, with the default policy", async () => {
    const c = await createComponent(t.ctx, { name: "Refused" });
    await expect(
      setComponentVendor(
        t.ctx,
        { componentId: c.id, kind: "statuspage", url: "http://127.0.0.1/x" },
        { allowHttp: false, allowPrivate: false },
      ),
    ).rejects.toThrow(/https/);
    await expect(
      setComponentVendor(
        t.ctx,
        { componentId: c.id, kind: "statuspage", url: "https://169.254.169.254/" },
        { allowHttp: false, allowPrivate: false },
      ),
    ).rejects.toThrow(/not a public address/);
    await expect(
      setComponentVendor(t.ctx, {
        componentId: c.id,
        kind: "instatus",
        url: "https://x.instatus.com",
        vendorComponentId: "abc",
      }),
    ).rejects.toThrow(/no components/);
    expect(await t.db.$count(componentVendor, eq(componentVendor.componentId, c.id))).toBe(0);
  });
});

describe("polling", () => {
  it(
    "statuses follow the vendor with source vendor, on the page " + "and in uptime, notifying nobody; 304 keeps it",
    async () => {
      const c = await follower();
      const before = await outbox();
      await poll();
      expect(await statusOf(c.id)).toBe("operational");
      expect((await vendorOf(c.id))?.lastResult).toBe("ok");

      nextMinute();
      fake.apiStatus = "major_outage";
      fake.version++;
      const v0 = await getContentVersion(t.db);
      await poll();
      expect(await statusOf(c.id)).toBe("major_outage");
      expect(await getContentVersion(t.db)).toBe(v0 + 1);
      const change = (
        await t.db
          .select()
          .from(componentStatusChange)
          .where(eq(componentStatusChange.componentId, c.id))
          .orderBy(asc(componentStatusChange.at))
      ).at(-1)!;
      expect(change).toMatchObject({ oldStatus: "operational", newStatus: "major_outage", source: "vendor" });
      expect(
        (await t.db.select().from(auditLog).where(eq(auditLog.entityId, c.id)).orderBy(asc(auditLog.at))).at(-1),
      ).toMatchObject({
        action: "component.vendor_status",
        actorLabel: expect.stringMatching(/^vendor: 127\.0\.0\.1:/),
      });
      nextMinute();
      // A minute of major outage, from the mirrored change.
      const uptime = await loadUptime(t.db, (await getPage(t.db)).id, t.clock.now());
      expect(uptime.components.find((x) => x.id === c.id)?.days.at(-1)).toMatchObject({
        worst: "major_outage",
        downMinutes: 1,
      });

      // Unchanged page: the conditional request is answered 304 and nothing moves.
      const conditional = fake.conditional;
      await poll();
      expect(fake.conditional).toBe(conditional + 1);
      expect((await vendorOf(c.id))?.lastResult).toBe("not_modified");
      expect(await statusOf(c.id)).toBe("major_outage");
      expect(await outbox()).toEqual(before);
    },
  );

  it("never polls for a deleted component", async () => {
    nextMinute();
    const c = await follower();
    const { deleteComponent } = await import("../../lib/components/components");
    await deleteComponent(t.ctx, { id: c.id });
    await poll();
    expect((await vendorOf(c.id))?.lastPolledAt).toBeNull();
  });

  it("polls at most once a minute per component", async () => {
    await follower();
    await poll();
    const hits = fake.hits;
    t.clock.advance(30_000);
    await poll();
    expect(fake.hits).toBe(hits);
    t.clock.advance(30_000);
    await poll();
    expect(fake.hits).toBeGreaterThan(hits);
  });

  it("a timeout, a 500 or garbage keeps the last status and says why", async () => {
    nextMinute();
    const c = await follower(null);
    fake.indicator = "critical";
    await poll();
    expect(await statusOf(c.id)).toBe("major_outage");
    for (const [mode, said] of [
      ["hang", /^timeout/],
      ["500", /^HTTP 500$/],
      ["garbage", /^unreadable: the answer is not JSON/],
    ] as const) {
      nextMinute();
      fake.mode = mode;
      fake.version++;
      await poll();
      expect(await statusOf(c.id)).toBe("major_outage");
      expect((await vendorOf(c.id))?.lastResult).toMatch(said);
    }
  });

  it("an override holds until staff resume following", async () => {
    nextMinute();
    const c = await follower();
    await poll();
    await setVendorFollowing(t.as("editor"), { componentId: c.id, following: false });
    const { updateComponent } = await import("../../lib/components/components");
    await updateComponent(t.as("editor"), { id: c.id, status: "degraded_performance" });
    nextMinute();
    fake.apiStatus = "partial_outage";
    fake.version++;
    await poll();
    expect(await statusOf(c.id)).toBe("degraded_performance");
    // Polling goes on, so staff see what the vendor says.
    expect((await vendorOf(c.id))?.vendorStatus).toBe("partial_outage");
    await setVendorFollowing(t.as("editor"), { componentId: c.id, following: true });
    await poll();
    expect(await statusOf(c.id)).toBe("partial_outage");
  });

  it("follows an Instatus page and another Herald's v2 summary", async () => {
    nextMinute();
    const inst = await follower(null, "instatus", `${base}/instatus`);
    const herald = await follower("vweb", "herald", `${base}/`);
    fake.indicator = "minor";
    await poll();
    expect(await statusOf(inst.id)).toBe("major_outage");
    expect(await statusOf(herald.id)).toBe("operational");
  });
});
