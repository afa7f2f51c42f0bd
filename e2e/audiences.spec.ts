import { eq } from "drizzle-orm";
import { outboxEmail } from "../db/schema";
import { updateViewerSettings } from "../lib/viewers/settings";
import { RESTRICTED, seedAudiences } from "../tests/audiences/fixture";
import { expect, test } from "./fixtures";

// Issue 13: a viewer of "Enterprise customers" signs in by magic link (outbox
// mode) and sees an enterprise-only incident the public page does not show;
// anonymous access to the private page's /, JSON and feed is refused.
test("an enterprise viewer signs in by email link and sees what the public does not", async ({
  page,
  server,
  request,
}) => {
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
});
