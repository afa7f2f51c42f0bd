import { eq } from "drizzle-orm";
import { outboxEmail } from "../db/schema";
import { setupOwner } from "../lib/users/users";
import { updateViewerSettings } from "../lib/viewers/settings";
import { RESTRICTED, seedAudiences } from "../tests/audiences/fixture";
import { expect, test } from "./fixtures";

// Issue 13: a viewer of "Enterprise customers" signs in by magic link (outbox
// mode) and sees an enterprise-only incident the public page does not show;
// anonymous access to the private page's /, JSON and feed is refused.
const OWNER = { name: "Olivia Owner", email: "owner@acme.example", password: "correct horse battery" };
const NOTE = "Your dedicated shard fails over at 14:00 UTC.";

test("an enterprise viewer signs in by email link and sees what the public does not", async ({
  page,
  server,
  request,
  browser,
}, testInfo) => {
  const seed = await seedAudiences(server.db);
  // The snapshot server polls the content version: wait until the seeded page is served.
  await expect(async () => expect(await (await request.get("/")).text()).toContain("Public API")).toPass();
  await page.goto("/");
  await expect(page.getByText("Public API slowness").first()).toBeVisible();
  await expect(page.getByText(RESTRICTED.incident)).toHaveCount(0);

  await updateViewerSettings(seed.ctx, {
    visibility: "private",
    magicLinkEnabled: true,
    allowedDomains: "",
    ipAllowList: "",
  });
  await expect(async () =>
    expect((await request.get("/api/v2/summary.json", { maxRedirects: 0 })).status()).toBe(401),
  ).toPass();
  expect((await request.get("/history.rss", { maxRedirects: 0 })).status()).toBe(401);
  expect((await request.get("/", { maxRedirects: 0 })).status()).toBe(303);

  await page.goto("/");
  await expect(page).toHaveURL(/\/viewer\/sign-in\?next=%2F$/);
  await page.getByLabel("Work email").fill("boss@bigco.example");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status")).toContainText("a sign-in link is on its way");

  const mail = await server.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, "boss@bigco.example")).get();
  const link = /https?:\/\/\S+\/viewer\/link\?token=[A-Za-z0-9_-]+/.exec(mail!.text)![0];
  await page.goto(link);
  await page.getByRole("button", { name: "Continue to the status page" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByText(RESTRICTED.incident).first()).toBeVisible();
  await expect(page.getByText(RESTRICTED.component).first()).toBeVisible();

  // Staff post an update with an internal note for Enterprise (the console's update form), in their own browser.
  await setupOwner(server.db, new Date(), OWNER);
  const staff = await (await browser.newContext({ baseURL: server.url })).newPage();
  await staff.goto("/admin/login");
  await staff.getByLabel("Email").fill(OWNER.email);
  await staff.getByLabel("Password").fill(OWNER.password);
  await staff.getByRole("button", { name: "Sign in" }).click();
  await expect(staff.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  await staff.goto(`/admin/incidents/${seed.publicIncident.id}`);
  const post = staff.getByRole("form", { name: "Post an update" });
  await post.getByLabel("Message").fill("Still investigating the slow responses.");
  await post.getByText("Internal note for audiences (optional)").click();
  await post.getByLabel("Note", { exact: true }).fill(NOTE);
  await post.getByLabel("Enterprise customers").check();
  await post.getByRole("button", { name: "Post update" }).click();
  await expect(post.getByText("Update posted.")).toBeVisible();
  const note = staff.getByRole("complementary", { name: "Internal note" }).filter({ hasText: NOTE });
  await expect(note).toContainText("only for Enterprise customers");
  await staff.screenshot({ path: testInfo.outputPath("console-internal-note.png"), fullPage: true });
  await staff.context().close();

  // The viewer reads it under the update; the public JSON of that incident does not carry it.
  await expect(async () => {
    await page.goto(`/incidents/${seed.publicIncident.id}`);
    await expect(page.getByText(NOTE)).toBeVisible({ timeout: 500 });
  }).toPass();
  expect(await (await request.get(`/api/v2/incidents.json?token=${seed.tokens.other}`)).text()).not.toContain(NOTE);

  // Sign out: a POST that clears the viewer cookie; the private page asks to sign in again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/viewer\/sign-in\?signed_out=1$/);
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/viewer\/sign-in\?next=%2F$/);
});
