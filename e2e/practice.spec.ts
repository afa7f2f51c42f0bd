import { createComponent } from "../lib/components/components";
import { createMaintenance } from "../lib/maintenance/maintenance";
import { createUser, setupOwner } from "../lib/users/users";
import { cliCtx } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// Incident practice end to end: a maintenance window a few seconds ahead moves
// through its states on the public page by itself (the in-process worker), and
// the console's maintenance, templates and metrics pages work.

test.beforeAll(async ({ server }) => {
  await setupOwner(server.db, new Date(), {
    pageName: "Acme Status",
    name: "Olive",
    email: "owner@example.com",
    password: "correct-horse-battery",
  });
  await createUser(cliCtx(server.db), {
    name: "Ed",
    email: "ed@example.com",
    password: "correct-horse-battery",
    role: "editor",
  });
});

test("a maintenance window goes upcoming → in progress → history on its own", async ({ page, server }) => {
  test.setTimeout(150_000);
  const ctx = cliCtx(server.db);
  const db = await createComponent(ctx, { name: "Primary database" });
  const now = Date.now();
  await createMaintenance(ctx, {
    name: "Database failover drill",
    body: "We will fail over the **primary database**.",
    componentIds: [db.id],
    // Long enough that each state outlives a render: readers get the previous page until the new one is ready.
    scheduledFor: new Date(now + 10_000),
    scheduledUntil: new Date(now + 40_000),
  });
  // A reader right after a change may get the previous page while the new one renders: each try loads `/` again.
  const status = async () => {
    await page.goto("/");
    return page.locator("main");
  };

  await expect(async () => {
    const main = await status();
    await expect(main.getByRole("region", { name: "Scheduled maintenance" })).toContainText("Database failover drill", {
      timeout: 1_000,
    });
  }).toPass({ timeout: 20_000 });

  await expect(async () => {
    const main = await status();
    await expect(main.getByTestId("overall-status")).toHaveText("Service Under Maintenance", { timeout: 1_000 });
    await expect(main.getByText("Under maintenance").first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000] });

  await expect(async () => {
    const main = await status();
    await expect(main.getByTestId("overall-status")).toHaveText("All Systems Operational", { timeout: 1_000 });
    // Gone from the active and upcoming lists (the day's uptime bar still names it, as history).
    await expect(main.getByRole("region", { name: "Active incidents" })).toHaveCount(0, { timeout: 1_000 });
    await expect(main.getByRole("region", { name: "Scheduled maintenance" })).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 50_000, intervals: [1_000] });

  await page.goto("/history");
  await expect(page.getByText("Database failover drill")).toBeVisible();
});

test("console: schedule maintenance, keep template placeholders literal, export metrics", async ({ page }) => {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill("ed@example.com");
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/\/admin$/);

  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Maintenance" }).click();
  const form = page.getByRole("form", { name: "Schedule maintenance" });
  await form.getByLabel("Name").fill("Network upgrade");
  await form.getByLabel("Message").fill("Core switches are replaced.");
  await form.getByLabel(/Ends/).fill("2020-01-01T10:00");
  await form.getByRole("button", { name: "Schedule" }).click();
  await expect(form.getByRole("alert").first()).toHaveText("The end must be after the start");
  // An hour after the suggested start, in the page's zone (UTC), across midnight too: from 23:00 the same day's hour
  // would make the window zero-length.
  const start = await form.getByLabel(/Starts/).inputValue();
  const end = new Date(Date.parse(`${start}Z`) + 3_600_000).toISOString().slice(0, 16);
  await form.getByLabel(/Ends/).fill(end);
  await form.getByRole("button", { name: "Schedule" }).click();
  await expect(page.getByText("Maintenance scheduled.")).toBeVisible();
  await expect(page.getByTestId("maintenance-item").filter({ hasText: "Network upgrade" })).toContainText("Scheduled");

  await page.goto("/admin/templates");
  const tpl = page.getByRole("form", { name: "New template" });
  await tpl.getByLabel("Template name").fill("Investigating");
  await tpl.getByLabel("Title").fill("{{component}} degraded");
  await tpl.getByLabel("Message").fill("Looking into {{7*7}} and ${process.env.HOME}.");
  await tpl.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByText("Template created.")).toBeVisible();
  await expect(page.locator("pre", { hasText: "Looking into {{7*7}} and ${process.env.HOME}." })).toBeVisible();

  await page.goto("/admin/metrics");
  await expect(page.getByRole("heading", { name: "Definitions" })).toBeVisible();
  const csv = await page.request.get("/admin/metrics/export.csv");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\n")[0]).toContain("mttr_min");
});

test("the metrics CSV needs a session", async ({ request }) => {
  // The edge sends every signed-out console GET to the sign-in page before the application sees it.
  const res = await request.get("/admin/metrics/export.csv", { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers().location).toBe("/admin/login");
});
