import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notification, outboxEmail } from "../../db/schema";
import { createComponent, createGroup } from "../../lib/components/components";
import { createOutboxMailer } from "../../lib/email/outbox";
import { createIncident, resolveIncident } from "../../lib/incidents/incidents";
import { createMaintenance, postMaintenanceUpdate } from "../../lib/maintenance/maintenance";
import { updatePage } from "../../lib/page/page";
import { addSubscriber } from "../../lib/subscribers/admin";
import { formatDateTime } from "../../lib/time/format";
import { consoleSession } from "../helpers/console-session";
import { startServer, type RunningServer } from "../helpers/server";
import { untilEdgeCurrent } from "../helpers/wait";
import { cliCtx, seedStatusPage } from "../public/seed";

// Issue 9, items 3, 4, 10 and 11, as the real server renders them: times in
// the page's zone with its abbreviation, one duration rule, components in the
// page's order with their groups, readable labels, the audit log's diff and
// filters, and Outbox pages with a title and a back link.

const NY = "America/New_York";
const MIN = 60_000;

let server: RunningServer;
let session: Awaited<ReturnType<typeof consoleSession>>;
const ids = { notified: "", short: "", backfilled: "", quiet: "", maintenance: "", open: "" };

/** The text a reader sees (tags and React's text separators removed). */
const text = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
const publicPage = async (path: string) => {
  const r = await fetch(`${server.url}${path}`);
  expect(r.status).toBe(200);
  return r.text();
};

/** Every name present, each after the one before. */
function expectInOrder(s: string, names: string[]) {
  let at = -1;
  for (const n of names) {
    const i = s.indexOf(n, at + 1);
    expect(i, `"${n}" after "${s.slice(Math.max(0, at - 40), at + 40)}"`).toBeGreaterThan(at);
    at = i;
  }
}

beforeAll(async () => {
  server = await startServer();
  const s = await seedStatusPage(server.db);
  const ctx = cliCtx(server.db);
  await updatePage(ctx, { timeZone: NY });
  // A second group, filled after the first: positions are per group, so a
  // flat sort by position interleaves the groups.
  const obj = await createComponent(ctx, { name: "Object storage" });
  const block = await createComponent(ctx, { name: "Block storage" });
  await createGroup(ctx, { name: "Storage", componentIds: [obj.id, block.id] });

  await addSubscriber(ctx, "test-secret-test-secret-test-secret-0123", {
    email: "reader@example.com",
    skipConfirmation: true,
  });
  ids.notified = (
    await createIncident(ctx, {
      name: "Login failures",
      status: "investigating",
      body: "Looking into it.",
      components: { [s.api.id]: "major_outage" },
      notify: true,
    })
  ).incident.id;
  ids.open = ids.notified;

  // Resolved after 2 min 45 s: "3 min", in the console and publicly alike.
  const t0 = Date.now() - 60 * MIN;
  ids.short = (
    await createIncident(
      cliCtx(server.db, () => new Date(t0)),
      { name: "Short blip", status: "investigating", body: "Blip.", components: { [s.website.id]: "partial_outage" } },
    )
  ).incident.id;
  await resolveIncident(
    cliCtx(server.db, () => new Date(t0 + 2 * MIN + 45_000)),
    { incidentId: ids.short, body: "Fine again." },
  );

  ids.backfilled = (
    await createIncident(ctx, {
      name: "Old outage",
      body: "Recorded later.",
      backfilled: true,
      backfillDate: new Date(Date.now() - 3 * 86_400_000),
    })
  ).incident.id;
  ids.quiet = (
    await createIncident(ctx, { name: "Heads-up without impact", status: "investigating", body: "Nothing broken." })
  ).incident.id;
  await resolveIncident(ctx, { incidentId: ids.quiet, body: "Done." });

  const { maintenance } = await createMaintenance(ctx, {
    name: "Database upgrade",
    body: "Upgrading.",
    componentIds: [s.dashboard.id],
    scheduledFor: new Date(Date.now() + 60 * MIN),
    scheduledUntil: new Date(Date.now() + 120 * MIN),
    autoStart: false,
  });
  await postMaintenanceUpdate(ctx, { maintenanceId: maintenance.id, status: "in_progress", body: "Started early." });
  ids.maintenance = maintenance.id;

  session = await consoleSession(server);
  // The public pages with the writes made on the side (the edge sees them through its watcher or its poll).
  await untilEdgeCurrent(server);
}, 120_000);
afterAll(() => server?.stop());

describe("public pages", () => {
  it("an in-progress maintenance has its own heading, not 'Active incidents'", async () => {
    const page = text(await publicPage("/"));
    expectInOrder(page, ["Active incidents", "Login failures", "Maintenance in progress", "Database upgrade"]);
    expect(page.slice(page.indexOf("Active incidents"), page.indexOf("Maintenance in progress"))).not.toContain(
      "Database upgrade",
    );
  });

  it("each group's combined uptime row has a visible caption", async () => {
    const page = text(await publicPage("/"));
    expect(page).toContain("Compute regions: all components combined");
    expect(page).toContain("Storage: all components combined");
  });

  it("the subscribe page lists components in the page's order, under their groups", async () => {
    const html = await publicPage("/subscriptions");
    const form = html.slice(html.indexOf("Only some components"));
    expectInOrder(text(form), [
      "Website",
      "REST API",
      "Dashboard",
      "Compute regions",
      "EU West (Frankfurt)",
      "US East (Virginia)",
      "Asia Pacific (Singapore)",
      "Storage",
      "Object storage",
      "Block storage",
    ]);
    expect(form).toMatch(/<legend[^>]*>Storage<\/legend>/);
    expect(form).not.toContain("Internal billing sync");
  });

  it("the history list says 'No impact', never 'None impact'", async () => {
    const history = text(await publicPage("/history"));
    expectInOrder(history, ["Heads-up without impact", "No impact"]);
    expect(history).not.toContain("None impact");
  });

  it("one duration rule: 2 min 45 s lasted '3 min'; a backfilled incident states no duration", async () => {
    expect(text(await publicPage(`/incidents/${ids.short}`))).toContain("Lasted 3 min");
    const old = text(await publicPage(`/incidents/${ids.backfilled}`));
    expect(old).toContain("Resolved");
    expect(old).not.toContain("Lasted");
  });
});

describe("console", () => {
  it("forms and the metrics table list components in the page's order, under their groups", async () => {
    const order = [
      "Website",
      "REST API",
      "Dashboard",
      "Compute regions",
      "EU West (Frankfurt)",
      "US East (Virginia)",
      "Asia Pacific (Singapore)",
      "Storage",
      "Object storage",
      "Block storage",
    ];
    const maintenance = await session.get("/admin/maintenance");
    expect(maintenance.status).toBe(200);
    const form = maintenance.html.slice(maintenance.html.indexOf("Affected components"));
    expectInOrder(text(form), order);
    expect(form).toMatch(/<legend[^>]*>Compute regions<\/legend>/);

    const templates = await session.get("/admin/templates");
    const newTemplate = templates.html.slice(templates.html.indexOf('aria-label="New template"'));
    expectInOrder(text(newTemplate.slice(newTemplate.indexOf("Component statuses to set"))), order);
    expect(newTemplate).toMatch(/<legend[^>]*>Storage<\/legend>/);

    const metrics = await session.get("/admin/metrics");
    const byComponent = metrics.html.slice(metrics.html.indexOf("Metrics by component"));
    expectInOrder(text(byComponent), order);
    expect(byComponent).toMatch(/<th scope="rowgroup"[^>]*>Compute regions<\/th>/);
  });

  it("a notification's Outbox page has its name as title, a back link and times in the page's zone", async () => {
    const n = (await server.db
      .select()
      .from(notification)
      .where(and(eq(notification.incidentId, ids.notified), eq(notification.kind, "incident_created")))
      .get())!;
    const res = await session.get(`/admin/outbox/notifications/${n.id}`);
    expect(res.status).toBe(200);
    expect(res.html).toMatch(/<h1[^>]*>Incident created: Login failures<\/h1>/);
    expect(res.html).toMatch(/<a [^>]*href="\/admin\/outbox"[^>]*>← Outbox<\/a>/);
    expect(text(res.html)).toContain(`Queued ${formatDateTime(n.createdAt, NY)}`);
    expect(res.html).toMatch(/<title>Incident created: Login failures · Outbox · Herald<\/title>/);
    expect(text(res.html)).not.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // The list links to it with the same name, and shows New York times too.
    const list = text((await session.get("/admin/outbox")).html);
    expect(list).toContain("Incident created: Login failures");
    expect(list).toContain(formatDateTime(n.createdAt, NY));
    expect(list).not.toMatch(/\d\d:\d\d:\d\d UTC/);
    expect((await session.get("/admin/outbox/notifications/nosuchid")).status).toBe(404);
  });

  it("a stored email's Outbox page has a back link and its time in the page's zone", async () => {
    // Stored by the outbox transport, as the worker does without RESEND_API_KEY.
    const sent = await createOutboxMailer(server.db).sendBatch(
      [
        {
          from: "Acme <status@example.com>",
          to: "reader@example.com",
          subject: "[Acme Cloud] Login failures",
          html: "<p>hi</p>",
          text: "hi",
          headers: {},
        },
      ],
      "readable-pages-1",
    );
    expect(sent.kind).toBe("accepted");
    const email = await server.db
      .select()
      .from(outboxEmail)
      .where(eq(outboxEmail.idempotencyKey, "readable-pages-1"))
      .get();
    const res = await session.get(`/admin/outbox/${email!.id}`);
    expect(res.status).toBe(200);
    expect(res.html).toMatch(/<a [^>]*href="\/admin\/outbox"[^>]*>← Outbox<\/a>/);
    expect(text(res.html)).toContain(`To reader@example.com · ${formatDateTime(email!.createdAt, NY)}`);
    expect(res.html).not.toContain(email!.createdAt.toISOString());
  });

  it("the audit log filters by action and date, shows a per-field diff, and explains bad filters", async () => {
    const all = await session.get("/admin/audit");
    expect(all.status).toBe(200);
    const entries = (html: string) => html.split('data-testid="audit-entry"').length - 1;
    const total = entries(all.html);
    expect(total).toBeGreaterThan(5);

    const creates = await session.get("/admin/audit?action=incident.create");
    // The seeded incident and the four above.
    expect(entries(creates.html)).toBe(5);
    expect(text(creates.html)).toContain("5 matching entries");
    expect(
      creates.html.match(/<td[^>]*font-mono[^>]*>([a-z_.]+)<\/td>/g)?.every((td) => td.includes(">incident.create<")),
    ).toBe(true);

    // The page setting change (Europe/Berlin → New York) as one row per changed field.
    const settings = await session.get("/admin/audit?action=page.update");
    const diff = settings.html.slice(settings.html.indexOf('data-testid="audit-diff"'));
    expect(diff).toMatch(
      new RegExp(
        '<th scope="row"[^>]*>timeZone</th><td[^>]*><del[^>]*>Europe/Berlin</del></td>' +
          "<td[^>]*><ins[^>]*>America/New_York</ins>",
      ),
    );

    const future = await session.get("/admin/audit?from=2999-01-01");
    expect(entries(future.html)).toBe(0);
    expect(text(future.html)).toContain("Nothing matches this filter");

    for (const [query, message] of [
      ["from=yesterday", "Use a date like 2026-03-01"],
      ["from=2026-03-05&to=2026-03-01", "The start date is after the end date"],
      ["action=%27%3B+drop", "Pick an action from the list"],
      ["page=0", "Use a page number such as 2"],
      ["actor=a&actor=b", "Give it once"],
    ]) {
      const bad = await session.get(`/admin/audit?${query}`);
      expect(bad.status, query).toBe(200);
      expect(text(bad.html), query).toContain(`The filter could not be applied: ${message}`);
      expect(entries(bad.html), query).toBe(0);
    }
  });
});
