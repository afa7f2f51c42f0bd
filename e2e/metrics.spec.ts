import type { BrowserContext } from "@playwright/test";
import { createComponent, updateComponent } from "../lib/components/components";
import { createIncident, postIncidentUpdate } from "../lib/incidents/incidents";
import { ensurePage, updatePage } from "../lib/page/page";
import { setupOwner } from "../lib/users/users";
import { cliCtx } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// The metrics page a comms lead reads: charts drawn on the server as
// accessible SVG with a table fallback, months from the first incident on,
// and a component's own uptime target set in the components console.
test.describe.configure({ mode: "serial" });

const OWNER = { email: "lead@example.com", password: "correct-horse-battery" };
const DAY = 86_400_000;
const MIN = 60_000;
let cookies: Awaited<ReturnType<BrowserContext["cookies"]>> = [];

test.beforeAll(async ({ server, browser }) => {
  await setupOwner(server.db, new Date(), {
    pageName: "Acme Status",
    name: "Lena",
    email: OWNER.email,
    password: OWNER.password,
  });
  await ensurePage(server.db, new Date());
  let clock = Date.now() - 75 * DAY;
  const ctx = cliCtx(server.db, () => new Date(clock));
  await updatePage(ctx, { slaTarget: 99.9 });
  const api = await createComponent(ctx, { name: "REST API" });
  const web = await createComponent(ctx, { name: "Website and customer dashboard" });
  await createComponent(ctx, { name: "Email delivery" });
  // Three incidents over three months; the API one was down before anyone posted.
  for (const [days, comp, status, down, firstAfter] of [
    [70, api.id, "major_outage", 95, 14],
    [40, web.id, "degraded_performance", 30, 3],
    [10, api.id, "partial_outage", 50, 6],
  ] as const) {
    clock = Date.now() - days * DAY;
    await updateComponent(ctx, { id: comp, status });
    clock += firstAfter * MIN;
    const { incident } = await createIncident(ctx, {
      name: `Trouble ${days} days ago`,
      body: "Investigating.",
      components: { [comp]: status },
    });
    clock += down * MIN;
    await postIncidentUpdate(ctx, { incidentId: incident.id, status: "resolved", body: "Fixed." });
  }
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  cookies = await context.cookies();
  await context.close();
});

test.beforeEach(async ({ context }) => {
  await context.addCookies(cookies);
});

test("a component's uptime target is set in the components console and used by the metrics", async ({ page }) => {
  await page.goto("/admin/components");
  const row = page.getByTestId("component-row").filter({ hasText: "Email delivery" });
  await row.getByText("Edit", { exact: true }).click();
  const field = row.getByLabel("Uptime target (%)");
  await expect(field).toHaveAttribute("placeholder", "99.9");
  await field.fill("99.99");
  await row.getByRole("button", { name: "Save component" }).click();
  await expect(page.getByText("Component saved.")).toBeVisible();
  await page.reload();
  await expect(
    page.getByTestId("component-row").filter({ hasText: "Email delivery" }).getByLabel("Uptime target (%)"),
  ).toHaveValue("99.99");

  await page.goto("/admin/metrics");
  const uptime = page.getByRole("img", { name: /^Uptime against target per component/ });
  await expect(uptime.locator("title", { hasText: /^Target 99\.99 %$/ })).toHaveCount(1);
  await expect(uptime.locator("title", { hasText: /^Target 99\.9 %$/ })).toHaveCount(2);
});

for (const width of [390, 1280]) {
  test(`charts at ${width} px: accessible SVG with a table, no script, months from the first incident`, async ({
    page,
  }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/admin/metrics");
    const charts = page.getByRole("img");
    const names = [
      "Incidents per month by impact",
      "Mean time to resolve per month",
      "Mean time to first update per month",
      /^Uptime against target per component/,
    ];
    for (const name of names) await expect(page.getByRole("img", { name })).toBeVisible();
    expect(await charts.locator("xpath=self::*[local-name()='svg']").count()).toBe(4);
    expect(await page.locator("svg[role=img] script").count()).toBe(0);
    // Three months: the first incident's month to now, never twelve with nine empty ones.
    const monthsTable = page
      .locator("figure")
      .filter({ has: page.getByRole("img", { name: "Incidents per month by impact" }) });
    await monthsTable.getByText("Show as table").click();
    const rows = monthsTable.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await rows.count()).toBeLessThanOrEqual(4);
    // Nothing overflows the phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // Time to first update counts from when the component broke, not from the incident's own first post.
    const ttfu = page
      .locator("figure")
      .filter({ has: page.getByRole("img", { name: "Mean time to first update per month" }) });
    await expect(ttfu.locator("desc")).not.toContainText("under a minute in");
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: info.outputPath(`metrics-${width}-${colorScheme}.png`), fullPage: true });
      const figures = page.locator("figure");
      for (let k = 0; k < (await figures.count()); k++)
        await figures.nth(k).screenshot({ path: info.outputPath(`chart-${k}-${width}-${colorScheme}.png`) });
    }
  });
}
