import { readFile } from "node:fs/promises";
import { and, eq, sql } from "drizzle-orm";
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { delivery, notification, outboxEmail, subscriber } from "../db/schema";
import { createIncident } from "../lib/incidents/incidents";
import { setupOwner } from "../lib/users/users";
import { cliCtx } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// The console's Subscribers and Outbox pages driven through the real UI: add
// (with and without confirmation), CSV import (with and without confirmation,
// bad addresses), export, resend confirmation, remove (behind its confirm
// step), search and state filter, and retrying a failed delivery. No
// RESEND_API_KEY: the in-process worker sends to the outbox transport.
test.describe.configure({ mode: "serial" });
test.setTimeout(90_000);

const OWNER = { email: "owner@example.com", password: "correct-horse-battery" };

// One sign-in for the file (the login form is rate limited); every test reuses its cookies.
let cookies: Awaited<ReturnType<BrowserContext["cookies"]>> = [];

test.beforeAll(async ({ server, browser }) => {
  await setupOwner(server.db, new Date(), {
    pageName: "Acme Status",
    name: "Olive",
    email: OWNER.email,
    password: OWNER.password,
  });
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

const row = (page: Page, email: string) =>
  page.locator("main tbody tr").filter({ has: page.getByRole("cell", { name: email, exact: true }) });
const stateOf = (r: Locator) => r.locator("td").nth(1);
const addForm = (page: Page) =>
  page.locator("form").filter({ has: page.getByLabel("Skip confirmation (only with the person's consent)") });
const importForm = (page: Page) => page.locator("form").filter({ has: page.getByLabel("CSV file") });

async function dbState(db: Parameters<typeof cliCtx>[0], email: string) {
  const rows = await db.select({ state: subscriber.state }).from(subscriber).where(eq(subscriber.email, email));
  return rows.map((r) => r.state);
}

async function outboxCount(page: Page, to: string, subject: RegExp) {
  return page
    .locator("li")
    .filter({ hasText: to })
    .filter({ has: page.getByRole("link", { name: subject }) })
    .count();
}

/** Polls the Outbox page until `to` has `n` emails whose subject matches. */
async function expectOutbox(page: Page, to: string, subject: RegExp, n: number) {
  await expect(async () => {
    await page.goto(`/admin/outbox?q=${encodeURIComponent(to)}`);
    expect(await outboxCount(page, to, subject)).toBe(n);
  }).toPass({ timeout: 30_000 });
}

async function importCsv(page: Page, csv: string, opts: { confirm: boolean }) {
  await page.goto("/admin/subscribers");
  const form = importForm(page);
  await form
    .getByLabel("CSV file")
    .setInputFiles({ name: "subscribers.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await form.getByLabel("Send each address a confirmation email (recommended)").setChecked(opts.confirm);
  await form.getByRole("button", { name: "Import" }).click();
  return form.getByRole("status");
}

test("add a subscriber with and without confirmation", async ({ page, server }) => {
  await page.goto("/admin/subscribers");
  await expect(page.getByText("No subscribers match.")).toBeVisible();

  // Skip confirmation: active at once, no email.
  const form = addForm(page);
  await form.getByLabel("Email").fill("skip@example.com");
  await form.getByLabel("Skip confirmation (only with the person's consent)").check();
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByRole("status")).toHaveText("skip@example.com added");
  await expect(stateOf(row(page, "skip@example.com"))).toHaveText("active");
  expect(await dbState(server.db, "skip@example.com")).toEqual(["active"]);

  // With confirmation (the form reset unticked the box): unconfirmed plus a confirmation email.
  await expect(form.getByLabel("Skip confirmation (only with the person's consent)")).not.toBeChecked();
  await form.getByLabel("Email").fill("Pending@Example.com");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByRole("status")).toHaveText("Confirmation queued for pending@example.com");
  await expect(stateOf(row(page, "pending@example.com"))).toHaveText("unconfirmed");
  expect(await dbState(server.db, "pending@example.com")).toEqual(["unconfirmed"]);
  await expect(page.getByRole("heading", { name: "Subscribers" }).locator("..")).toContainText(
    "1 active · 1 unconfirmed · 0 unsubscribed",
  );

  // A live address again is refused, nothing new is written.
  await form.getByLabel("Email").fill("skip@example.com");
  await form.getByRole("button", { name: "Add" }).click();
  await expect(form.getByRole("alert")).toHaveText("That address is already subscribed");
  expect(await dbState(server.db, "skip@example.com")).toEqual(["active"]);

  await expectOutbox(page, "pending@example.com", /Confirm your subscription/, 1);
  expect(await outboxCount(page, "skip@example.com", /.*/)).toBe(0);
});

test("CSV import without confirmation, with confirmation, and with bad addresses", async ({ page, server }) => {
  // Without confirmation: active at once; an already-live address is skipped.
  let status = await importCsv(
    page,
    "email,components\nimp-a@example.com,\nIMP-B@Example.com,\nimp-c@example.com,\nskip@example.com,\n",
    { confirm: false },
  );
  await expect(status).toHaveText("3 added, 1 already subscribed, 0 invalid");
  for (const e of ["imp-a@example.com", "imp-b@example.com", "imp-c@example.com"]) {
    await expect(stateOf(row(page, e))).toHaveText("active");
    expect(await dbState(server.db, e)).toEqual(["active"]);
  }
  expect(await dbState(server.db, "skip@example.com")).toEqual(["active"]);

  // With confirmation (no header row: the first column is the address): unconfirmed, one email each.
  status = await importCsv(page, "conf-a@example.com\nconf-b@example.com\n", { confirm: true });
  await expect(status).toHaveText("2 added, 0 already subscribed, 0 invalid");
  for (const e of ["conf-a@example.com", "conf-b@example.com"]) {
    await expect(stateOf(row(page, e))).toHaveText("unconfirmed");
    expect(await dbState(server.db, e)).toEqual(["unconfirmed"]);
  }

  // Bad addresses are reported and not imported; the good row still is.
  const before = await server.db.$count(subscriber);
  status = await importCsv(page, "email\nnot-an-email\nbob@@example.com\ngood@example.com\n", { confirm: false });
  await expect(status).toHaveText("1 added, 0 already subscribed, 2 invalid: not-an-email, bob@@example.com");
  expect(await server.db.$count(subscriber)).toBe(before + 1);
  expect(await dbState(server.db, "good@example.com")).toEqual(["active"]);
  expect(await server.db.$count(subscriber, sql`${subscriber.email} in ('not-an-email', 'bob@@example.com')`)).toBe(0);
  await expect(row(page, "not-an-email")).toHaveCount(0);

  await expect(page.getByRole("heading", { name: "Subscribers" }).locator("..")).toContainText(
    "5 active · 3 unconfirmed · 0 unsubscribed",
  );
  for (const e of ["conf-a@example.com", "conf-b@example.com"])
    await expectOutbox(page, e, /Confirm your subscription/, 1);
  for (const e of ["imp-a@example.com", "good@example.com"]) expect(await outboxCount(page, e, /.*/)).toBe(0);
});

test("export CSV downloads every address with its state", async ({ page }) => {
  await page.goto("/admin/subscribers");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("subscribers.csv");
  const csv = await readFile((await download.path())!, "utf8");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe("email,state,components,created_at,confirmed_at,unsubscribed_at");
  expect(lines).toHaveLength(1 + 8);
  for (const [e, state] of [
    ["skip@example.com", "active"],
    ["pending@example.com", "unconfirmed"],
    ["imp-b@example.com", "active"],
    ["conf-a@example.com", "unconfirmed"],
    ["good@example.com", "active"],
  ])
    expect(lines.some((l) => l.startsWith(`${e},${state},`))).toBe(true);
  expect(csv).not.toContain("not-an-email");
});

test("resend confirmation sends a second confirmation email", async ({ page, server }) => {
  await expectOutbox(page, "pending@example.com", /Confirm your subscription/, 1);
  const tokenBefore = (await server.db.query.subscriber.findFirst({
    where: eq(subscriber.email, "pending@example.com"),
  }))!.confirmTokenHash;
  await page.goto("/admin/subscribers");
  const r = row(page, "pending@example.com");
  await r.getByRole("button", { name: "Resend confirmation" }).click();
  // The old link stops working: a new token.
  await expect
    .poll(
      async () =>
        (await server.db.query.subscriber.findFirst({ where: eq(subscriber.email, "pending@example.com") }))!
          .confirmTokenHash,
    )
    .not.toBe(tokenBefore);
  await expectOutbox(page, "pending@example.com", /Confirm your subscription/, 2);
  expect(await dbState(server.db, "pending@example.com")).toEqual(["unconfirmed"]);
  // Active subscribers are not offered one.
  await page.goto("/admin/subscribers");
  await expect(row(page, "skip@example.com").getByRole("button", { name: "Resend confirmation" })).toHaveCount(0);
});

test("remove a subscriber behind its confirm step", async ({ page, server }) => {
  await page.goto("/admin/subscribers");
  const form = page.getByRole("form", { name: "Remove imp-c@example.com" });
  const confirm = form.getByRole("button", { name: "Yes, remove" });
  await expect(confirm).toBeHidden();
  await form.getByText("Remove", { exact: true }).click();
  await expect(form).toContainText("imp-c@example.com stops receiving email at once.");
  await confirm.click();
  await expect(stateOf(row(page, "imp-c@example.com"))).toHaveText("unsubscribed");
  await expect(page.getByRole("form", { name: "Remove imp-c@example.com" })).toHaveCount(0);
  const s = await server.db.query.subscriber.findFirst({ where: eq(subscriber.email, "imp-c@example.com") });
  expect(s?.state).toBe("unsubscribed");
  expect(s?.unsubscribedAt).not.toBeNull();
  // Only that one.
  expect(await dbState(server.db, "imp-b@example.com")).toEqual(["active"]);
});

test("search and state filter narrow the list", async ({ page }) => {
  await page.goto("/admin/subscribers");
  await expect(page.locator("main tbody tr")).toHaveCount(8);

  await page.getByLabel("Search").fill("imp-");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]q=imp-/);
  await expect(page.locator("main tbody tr")).toHaveCount(3);

  await page.getByLabel("State").selectOption("active");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]state=active/);
  await expect(page.locator("main tbody tr")).toHaveCount(2);
  await expect(row(page, "imp-c@example.com")).toHaveCount(0);

  await page.goto("/admin/subscribers?state=unconfirmed");
  await expect(page.locator("main tbody tr")).toHaveCount(3);
  for (const e of ["pending@example.com", "conf-a@example.com", "conf-b@example.com"])
    await expect(row(page, e)).toHaveCount(1);

  await page.goto("/admin/subscribers?state=unsubscribed");
  await expect(page.locator("main tbody tr")).toHaveCount(1);
  await expect(row(page, "imp-c@example.com")).toHaveCount(1);

  await page.goto("/admin/subscribers?q=nobody-here");
  await expect(page.getByText("No subscribers match.")).toBeVisible();
});

test("a failed delivery shows its error and Retry failed sends it", async ({ page, server }) => {
  // An incident with notify on: the active subscribers get a delivery each.
  const { incident } = await createIncident(cliCtx(server.db), {
    name: "Retry me",
    status: "investigating",
    body: "Something broke.",
    notify: true,
  });
  const n = (await server.db.query.notification.findFirst({ where: eq(notification.incidentId, incident.id) }))!;
  const target = (await server.db.query.subscriber.findFirst({ where: eq(subscriber.email, "imp-a@example.com") }))!;
  const deliveryOf = () =>
    server.db.query.delivery.findFirst({
      where: and(eq(delivery.notificationId, n.id), eq(delivery.subscriberId, target.id)),
    });
  await expect.poll(async () => (await deliveryOf())?.status, { timeout: 30_000 }).toBe("sent");
  const sentBefore = await server.db.$count(outboxEmail, eq(outboxEmail.toAddress, "imp-a@example.com"));

  // The provider gave up on it.
  await server.db
    .update(delivery)
    .set({ status: "failed", lastError: "550 mailbox unavailable", attempts: 5, sentAt: null, providerMessageId: null })
    .where(eq(delivery.id, (await deliveryOf())!.id));

  await page.goto("/admin/outbox");
  const nRow = page.locator("main tbody tr").filter({ has: page.getByRole("link", { name: /Retry me/ }) });
  await expect(nRow.locator("td").nth(4)).toHaveText("1");
  await nRow.getByRole("link", { name: /Retry me/ }).click();
  const dRow = page.locator("main tbody tr").filter({ hasText: "imp-a@example.com" });
  await expect(dRow.locator("td").nth(1)).toHaveText("failed");
  await expect(dRow).toContainText("550 mailbox unavailable");
  // Failures first.
  await expect(page.locator("main tbody tr").first()).toContainText("imp-a@example.com");

  await page.goto("/admin/outbox");
  await nRow.getByRole("button", { name: "Retry failed" }).click();
  await expect.poll(async () => (await deliveryOf())?.status, { timeout: 30_000 }).toBe("sent");
  await expect(async () => {
    await page.goto("/admin/outbox");
    await expect(nRow.locator("td").nth(4)).toHaveText("0", { timeout: 1000 });
    await expect(nRow.getByRole("button", { name: "Retry failed" })).toHaveCount(0);
  }).toPass({ timeout: 30_000 });
  expect(await server.db.$count(outboxEmail, eq(outboxEmail.toAddress, "imp-a@example.com"))).toBe(sentBefore + 1);
  await nRow.getByRole("link", { name: /Retry me/ }).click();
  await expect(dRow.locator("td").nth(1)).toHaveText("sent");
  // Nobody unsubscribed or unconfirmed got the update.
  for (const e of ["imp-c@example.com", "pending@example.com"])
    expect(
      await server.db.$count(
        outboxEmail,
        and(eq(outboxEmail.toAddress, e), sql`${outboxEmail.subject} like '%Retry me%'`),
      ),
    ).toBe(0);
});
