import { request as pwRequest, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// Subscribe → confirmation in the console's Outbox → confirm → an update with
// notify → the email in the Outbox with its headers → one-click unsubscribe →
// the next update sends nothing to that address. No RESEND_API_KEY: the
// outbox transport and the in-process worker, as on a fresh clone.
test.describe.configure({ mode: "serial" });

const OWNER = { name: "Olivia Owner", email: "owner@example.com", password: "correct horse battery" };
const READER = "reader@example.com";

async function openNewestEmailTo(page: Page, to: string, subject: RegExp) {
  const row = page
    .locator("li", { hasText: to })
    .filter({ has: page.getByRole("link", { name: subject }) })
    .first();
  await expect(async () => {
    await page.goto("/admin/outbox");
    await expect(row).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await row.getByRole("link", { name: subject }).click();
  return (await page.getByTestId("email-text").textContent()) ?? "";
}

test.setTimeout(120_000);

test("subscribe, confirm, receive, one-click unsubscribe — using only the console's Outbox", async ({
  page,
  server,
}, testInfo) => {
  await page.goto("/admin");
  await page.getByLabel("Status page name").fill("Acme Status");
  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: /create|set up|continue/i }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  // A reader subscribes (plain form POST, no token in the answer).
  const reader = await page.context().browser()!.newContext();
  const rp = await reader.newPage();
  await rp.goto(`${server.url}/subscriptions`);
  await rp.getByLabel("Get email updates").fill(READER);
  await rp.getByRole("button", { name: "Subscribe" }).click();
  await expect(rp.getByRole("heading", { name: "Check your inbox" })).toBeVisible();
  expect(await rp.content()).not.toMatch(/token=/);

  const confirmation = await openNewestEmailTo(page, READER, /Confirm your subscription/);
  await page.screenshot({ path: testInfo.outputPath("confirmation.png"), fullPage: true });
  const confirmUrl = /https?:\/\/\S+\/subscriptions\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(confirmation)![0];
  await rp.goto(confirmUrl.replace(/^https?:\/\/[^/]+/, server.url));
  await rp.getByRole("button", { name: "Confirm subscription" }).click();
  await expect(rp.getByRole("heading", { name: "Subscription confirmed" })).toBeVisible();

  // An incident with notify on.
  await page.goto("/admin/incidents/new");
  await page.getByLabel("Incident name").fill("Database slow");
  await page.getByLabel("Message").fill("We are **investigating** slow queries.");
  await page.getByLabel("Notify subscribers").check();
  await page.getByRole("button", { name: "Create incident" }).click();
  await expect(page).toHaveURL(/\/admin\/incidents\/[0-9a-z]+/);

  const update = await openNewestEmailTo(page, READER, /Database slow/);
  expect(update).toContain("We are investigating slow queries.");
  const headers = (await page.getByTestId("email-headers").textContent()) ?? "";
  expect(headers).toContain("List-Unsubscribe-PostList-Unsubscribe=One-Click");
  expect(headers).toMatch(
    /List-Unsubscribe<https?:\/\/\S+\/subscriptions\/one-click\?token=[A-Za-z0-9_-]{43}>, <mailto:/,
  );
  await page.screenshot({ path: testInfo.outputPath("update-email.png"), fullPage: true });

  // RFC 8058 one-click, as a mail client does it: POST, no cookies.
  const oneClick = /<(https?:\/\/\S+\/subscriptions\/one-click\?token=[A-Za-z0-9_-]{43})>/
    .exec(headers)![1]
    .replace(/^https?:\/\/[^/]+/, server.url);
  const mailClient = await pwRequest.newContext();
  const res = await mailClient.post(oneClick, { form: { "List-Unsubscribe": "One-Click" } });
  expect(res.status()).toBe(200);
  await mailClient.dispose();

  // The next update with notify sends the reader nothing.
  await page.goto("/admin/outbox");
  const before = await page.locator("li", { hasText: READER }).count();
  await page.goto("/admin/incidents/new");
  await page.getByLabel("Incident name").fill("Second problem");
  await page.getByLabel("Message").fill("Another one.");
  await page.getByLabel("Notify subscribers").check();
  await page.getByRole("button", { name: "Create incident" }).click();
  await expect(page).toHaveURL(/\/admin\/incidents\/[0-9a-z]+/);
  await page.waitForTimeout(4000);
  await page.goto("/admin/outbox");
  await expect(page.locator("li", { hasText: READER })).toHaveCount(before);
  await reader.close();
});
