import { updateComponent } from "../lib/components/components";
import { createIncident } from "../lib/incidents/incidents";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import { untilEdgeCurrent } from "../tests/helpers/wait";
import { expect, test } from "./fixtures";

// The public site as readers see it, with JavaScript off (the snapshot HTML
// has no scripts at all) and on, at phone and desktop widths.

let incidentId = "";

test.beforeAll(async ({ server }) => {
  const s = await seedStatusPage(server.db);
  await updateComponent(s.ctx, { id: s.secret.id, status: "major_outage" });
  const { incident } = await createIncident(cliCtx(server.db), {
    name: "API latency in EU West",
    status: "identified",
    body: "Requests to the **REST API** from EU West see elevated latency.\n\n- p99 up to 4 s\n- no errors",
    components: { [s.api.id]: "degraded_performance", [s.eu.id]: "partial_outage" },
  });
  incidentId = incident.id;
  // The public pages with the CLI writes (the edge sees them through its watcher or its poll).
  await untilEdgeCurrent(server);
});

for (const javaScriptEnabled of [false, true]) {
  for (const width of [390, 1280]) {
    test.describe(`JS ${javaScriptEnabled ? "on" : "off"} at ${width}px`, () => {
      test.use({ javaScriptEnabled, viewport: { width, height: 900 } });

      test("status page", async ({ page }, info) => {
        const res = await page.goto("/");
        expect(res?.status()).toBe(200);
        await expect(page.getByTestId("overall-status")).toHaveText("Partial System Outage");
        await expect(page.getByRole("heading", { name: "Active incidents" })).toBeVisible();
        await expect(page.getByRole("link", { name: "API latency in EU West", exact: true })).toBeVisible();
        await expect(page.getByText("Internal billing sync")).toHaveCount(0);
        // The group with a broken member is open; its worst status is in words, not only colour.
        const group = page.locator("details", { hasText: "Compute regions" });
        await expect(group).toHaveAttribute("open", "");
        await expect(group.locator("summary")).toContainText("Partial outage");
        // Only the optional local-time script (components/status/time.tsx) survives the snapshot.
        await expect(page.locator("script:not([data-keep])")).toHaveCount(0);
        // Uptime bars: labels are text, a bar with trouble is a link that shows its label on focus.
        const bars = page.getByRole("list", { name: "REST API: uptime per day, last 90 days" });
        // One column per day: phones show the last 30 days, the rest are hidden; a run of quiet days
        // is one item as wide as its days' single bars and the gaps between them.
        const layout = await bars.evaluate((ol) => {
          const shown = [...ol.children].filter((li) => getComputedStyle(li).display !== "none") as HTMLElement[];
          const days = (li: HTMLElement) => Number(li.style.getPropertyValue("--n") || 1);
          const single = shown.find((li) => days(li) === 1)!.getBoundingClientRect().width;
          return {
            columns: shown.reduce((n, li) => n + days(li), 0),
            runs: shown
              .filter((li) => days(li) > 1)
              .map((li) => li.getBoundingClientRect().width - (days(li) * single + (days(li) - 1) * 2)),
          };
        });
        expect(layout.columns).toBe(width < 640 ? 30 : 90);
        expect(layout.runs.length).toBeGreaterThan(0);
        for (const off of layout.runs) expect(Math.abs(off)).toBeLessThan(1);
        const trouble = bars.getByRole("link").last();
        await trouble.focus();
        await expect(trouble.locator("span")).toBeVisible();
        await expect(trouble).toHaveAccessibleName(/partial outage|degraded performance/);
        await info.attach(`status-${width}-js-${javaScriptEnabled ? "on" : "off"}`, {
          body: await page.screenshot({ fullPage: true }),
          contentType: "image/png",
        });

        await page.getByRole("link", { name: "View incident timeline" }).click();
        await expect(page).toHaveURL(new RegExp(`/incidents/${incidentId}$`));
      });

      test("incident page", async ({ page }, info) => {
        const res = await page.goto(`/incidents/${incidentId}`);
        expect(res?.status()).toBe(200);
        await expect(page.getByRole("heading", { level: 1 })).toHaveText("API latency in EU West");
        await expect(page.getByRole("heading", { name: "Affected components" })).toBeVisible();
        await expect(page.locator("main time").first()).toHaveAttribute("datetime", /Z$/);
        await expect(page.locator("main strong", { hasText: "REST API" })).toBeVisible();
        await info.attach(`incident-${width}-js-${javaScriptEnabled ? "on" : "off"}`, {
          body: await page.screenshot({ fullPage: true }),
          contentType: "image/png",
        });
        await page.getByRole("link", { name: "Incident history" }).click();
        await expect(page.getByRole("heading", { name: "Incident history" })).toBeVisible();
      });
    });
  }
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`JS ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });
    test("an unknown incident is a real 404 with a way back", async ({ page }) => {
      expect((await page.goto("/incidents/nosuchincident"))?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await page.getByRole("link", { name: "Back to current status" }).click();
      await expect(page.getByTestId("overall-status")).toBeVisible();
      expect((await page.goto("/history?page=nope"))?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      expect((await page.goto("/history?quarter=1999-Q1"))?.status()).toBe(404);
    });
  });
}

test.describe("in another time zone", () => {
  test.use({ timezoneId: "America/New_York" });
  test("the optional script shows times in the reader's zone, with the page's zone in the tooltip", async ({
    page,
  }) => {
    await page.goto(`/incidents/${incidentId}`);
    const time = page.locator("main time[data-l]").first();
    await expect(time).toContainText(/EST|EDT/);
    await expect(time).toHaveAttribute("title", /\(Europe\/Berlin\)$/);
    await expect(page.locator("footer")).toContainText("Times are shown in your time zone, America/New_York.");
  });
});
