import type { Page, TestInfo } from "@playwright/test";
import { updateComponent } from "../lib/components/components";
import { createIncident } from "../lib/incidents/incidents";
import { updatePage } from "../lib/page/page";
import { setupOwner } from "../lib/users/users";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import { untilEdgeCurrent } from "../tests/helpers/wait";
import { expect, test } from "./fixtures";

// Issue 9 layout: what phones and desktops show under the uptime bars, and the
// audit log's before/after across the full width. Screenshots are attached to
// the report (test-results/), never committed.

const OWNER = { name: "Olivia Owner", email: "owner@example.com", password: "correct horse battery" };

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

test.beforeAll(async ({ server }) => {
  const s = await seedStatusPage(server.db);
  await updateComponent(s.ctx, { id: s.eu.id, status: "partial_outage" });
  await createIncident(cliCtx(server.db), {
    name: "API latency in EU West",
    status: "identified",
    body: "Elevated latency.",
    components: { [s.eu.id]: "partial_outage" },
  });
  // A long value, as the audit log's diff must show it whole.
  await updatePage(s.ctx, {
    name: "Acme Cloud — status of every public service, region and integration we run for customers",
  });
  await setupOwner(server.db, new Date(), OWNER);
  // The public pages with the writes made on the side (the edge sees them through its watcher or its poll).
  await untilEdgeCurrent(server);
});

for (const width of [390, 1280]) {
  test(`uptime labels say which window the percentage covers at ${width}px`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/");
    const bars = page.locator(".ub").first();
    const columns = await bars
      .locator("ol")
      .evaluate((ol) =>
        [...ol.children]
          .filter((li) => getComputedStyle(li).display !== "none")
          .reduce((n, li) => n + Number((li as HTMLElement).style.getPropertyValue("--n") || 1), 0),
      );
    const axis = bars.locator("> p");
    // Screen readers always get the window; sighted readers on phones too (a 1 px clip elsewhere).
    const windowWidth = (await axis.getByText("over the last 90 days").boundingBox())!.width;
    if (width < 640) {
      // Thirty bars: the axis says 30 days and the 90-day percentage says it is the 90 days'.
      expect(columns).toBe(30);
      await expect(axis.getByText("30", { exact: true })).toBeVisible();
      expect(windowWidth).toBeGreaterThan(50);
    } else {
      expect(columns).toBe(90);
      await expect(axis.getByText("90", { exact: true })).toBeVisible();
      expect(windowWidth).toBeLessThanOrEqual(1);
    }
    // Group rows carry a visible caption.
    await expect(page.getByText("Compute regions: all components combined")).toBeVisible();
    await shot(page, info, `status-${width}`);
  });
}

test("the audit log shows before/after as a full-width diff", async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  await page.goto("/admin/audit?action=page.update");
  const entry = page.getByTestId("audit-entry").first();
  await entry.locator("summary").click();
  const diff = entry.getByTestId("audit-diff");
  await expect(diff).toBeVisible();
  const value = diff.getByText(
    "Acme Cloud — status of every public service, region and integration we run for customers",
  );
  await expect(value).toBeVisible();
  // The diff spans the log's width (it was a pair of 200 px boxes in the last column) and the value is not cut off.
  const table = (await page.getByTestId("audit-entry").first().locator("xpath=ancestor::table[1]").boundingBox())!;
  expect((await diff.boundingBox())!.width).toBeGreaterThan(table.width * 0.9);
  expect(await value.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await shot(page, info, "audit-1280");

  // Filters: a bad date explains itself.
  await page.goto("/admin/audit?from=yesterday");
  await expect(page.getByRole("alert").first()).toContainText("Use a date like 2026-03-01");
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page.getByTestId("audit-entry").first()).toBeVisible();
});
