import AxeBuilder from "@axe-core/playwright";
import { createIncident, postIncidentUpdate } from "../lib/incidents/incidents";
import { publishPostmortem, savePostmortemDraft } from "../lib/incidents/postmortem";
import { createMaintenance, postMaintenanceUpdate } from "../lib/maintenance/maintenance";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// Every public page, run through axe in Chromium in the light and the dark
// scheme: no serious or critical violation. The data is what a real page
// carries mid-incident: an open incident with updates (a link in running
// text among them), maintenance in progress and scheduled, history with a
// postmortem and older quarters, a hidden component.

const paths: Record<string, string> = {};

test.beforeAll(async ({ server }) => {
  const s = await seedStatusPage(server.db);
  const ctx = cliCtx(server.db);
  await savePostmortemDraft(ctx, {
    incidentId: s.resolvedIncident.id,
    body:
      "## What happened\n\nA deploy shipped a broken cache key. See the [deploy log](https://example.com/log) " +
      "for details.\n\n- rollback took 12 minutes\n- no data was lost",
  });
  await publishPostmortem(ctx, { incidentId: s.resolvedIncident.id });
  const open = await createIncident(ctx, {
    name: "API latency in EU West",
    status: "investigating",
    body:
      "Requests to the **REST API** from EU West see elevated latency. Follow the [provider's " +
      "notice](https://example.com/notice) for their side.",
    components: { [s.api.id]: "degraded_performance", [s.eu.id]: "partial_outage" },
  });
  await postIncidentUpdate(ctx, {
    incidentId: open.incident.id,
    status: "identified",
    body:
      "A saturated link between two racks.\n\n> Traffic is being moved to `fra-2`.\n\n| region | p99 |\n| --- | " +
      "--- |\n| EU West | 4 s |\n\n- no errors",
  });
  const running = await createMaintenance(ctx, {
    name: "Database upgrade",
    body: "Upgrading the primary database; writes pause for about a minute.",
    componentIds: [s.dashboard.id],
    scheduledFor: new Date(Date.now() + 60_000),
    scheduledUntil: new Date(Date.now() + 3_600_000),
  });
  await postMaintenanceUpdate(ctx, { maintenanceId: running.maintenance.id, status: "in_progress", body: "Started." });
  const later = await createMaintenance(ctx, {
    name: "Network switch replacement",
    body: "Replacing a core switch in Frankfurt.",
    componentIds: [s.eu.id],
    scheduledFor: new Date(Date.now() + 3 * 86_400_000),
    scheduledUntil: new Date(Date.now() + 3 * 86_400_000 + 7_200_000),
  });
  // Two quarters back: history then has links to older and newer quarters, and an empty quarter between.
  await createIncident(ctx, {
    name: "Certificate renewal failed",
    status: "resolved",
    body: "An expired certificate was replaced.",
    backfilled: true,
    backfillDate: new Date(Date.now() - 200 * 86_400_000),
  });
  Object.assign(paths, {
    status: "/",
    incident: `/incidents/${open.incident.id}`,
    "resolved incident": `/incidents/${s.resolvedIncident.id}`,
    "maintenance in progress": `/incidents/${running.maintenance.id}`,
    "scheduled maintenance": `/incidents/${later.maintenance.id}`,
    history: "/history",
    "older history": "/history?page=2",
    subscriptions: "/subscriptions",
    embed: "/embed",
    "not found": "/incidents/nosuchincident",
  });
  // The server's version poll has seen the CLI writes once the last one's page exists (a random id is a 404).
  await expect
    .poll(async () => (await fetch(`${server.url}${paths["scheduled maintenance"]}`)).status, { intervals: [100] })
    .toBe(200);
});

// axe walks every uptime bar on `/` (thousands of nodes), and the test checks every page twice: slow on a
// shared two-core machine.
test.setTimeout(300_000);

const PAGES = [
  "status",
  "incident",
  "resolved incident",
  "maintenance in progress",
  "scheduled maintenance",
  "history",
  "older history",
  "subscriptions",
  "embed",
  "not found",
];

test("each group's aggregate uptime row has a visible caption", async ({ page }) => {
  await page.goto("/");
  // The combined row sits outside the group's <details>: visible whether the group is open or not.
  await expect(page.getByText("Compute regions: all components combined")).toBeVisible();
  await expect(
    page.getByRole("list", { name: "Compute regions (all components): uptime per day, last 90 days" }),
  ).toBeVisible();
});

test.describe("every public page", () => {
  // The snapshot CSP allows scripts by hash only; axe is injected by the test, so this context alone bypasses it.
  test.use({ bypassCSP: true });

  // One browser page visits every public page in turn, and checks each in the light and then the dark scheme
  // without reloading (the schemes differ in CSS media queries only; emulateMedia switches them in place). Soft
  // assertions report every page and scheme with a violation, not only the first. Legacy mode runs axe.run in
  // the page itself: the default opens a blank page for every analysis to merge per-frame results, and the
  // public pages have no frames.
  test("no serious or critical axe violations, light and dark", async ({ page }) => {
    for (const name of PAGES) {
      await test.step(name, async () => {
        const path = paths[name];
        await page.emulateMedia({ colorScheme: "light" });
        const res = await page.goto(path);
        expect.soft(res?.status(), `${name}: ${path}`).toBe(name === "not found" ? 404 : 200);
        for (const colorScheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme });
          expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(
            colorScheme === "dark",
          );
          const { violations } = await new AxeBuilder({ page }).setLegacyMode().analyze();
          const found = violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map(
              (v) =>
                `${v.id} [${v.impact}] ${v.help}\n` +
                v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n"),
            );
          expect.soft(found, `${colorScheme} scheme, ${name}: ${path}\n${found.join("\n")}`).toEqual([]);
        }
      });
    }
  });
});
