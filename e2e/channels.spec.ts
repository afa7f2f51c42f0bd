import { setupOwner } from "../lib/users/users";
import { type Receiver, startReceiver } from "../tests/channels/receiver";
import { expect, test } from "./fixtures";

// Channels through the real UI, against a local receiver: a visitor adds a
// webhook on the public page and it goes active once it echoes the
// verification code; staff add a Slack target and send a test message.
// The server (started per file by the fixture) reads these at start: the
// receiver is http on 127.0.0.1.
process.env.HERALD_WEBHOOK_ALLOW_HTTP = "1";
process.env.HERALD_WEBHOOK_ALLOW_PRIVATE = "1";

test.describe.configure({ mode: "serial" });

let rx: Receiver;
test.beforeAll(async () => {
  rx = await startReceiver();
  // A webhook receiver that echoes the verification code; everything else gets "ok".
  rx.behave = ({ body }) => {
    const code = (JSON.parse(body) as { verification?: { code?: string } }).verification?.code;
    return code ? { body: code } : "ok";
  };
});
test.afterAll(() => rx.close());

test("a visitor adds a webhook; it is active after answering the signed verification event", async ({ page }) => {
  await page.goto("/subscriptions");
  await page.getByRole("link", { name: "a webhook, Slack, Microsoft Teams or Discord" }).click();
  await page.getByLabel("Where to").selectOption("webhook");
  await page.getByLabel("URL", { exact: true }).fill(rx.url("/visitor-hook"));
  await page.getByRole("button", { name: "Send verification" }).click();
  await expect(page.getByTestId("channel-state")).toContainText(
    "active — receiving incidents, scheduled maintenance, component status changes",
  );
  await expect(page.getByTestId("signing-secret")).toHaveText(/^whsec_/);
  const [verification] = rx.received.filter((r) => r.path === "/visitor-hook");
  expect(verification.headers["webhook-signature"]).toMatch(/^v1,/);
  expect(JSON.parse(verification.body).herald_event).toBe("verification");
});

test("staff add a Slack target and click Send test", async ({ page, server }) => {
  const owner = { email: "owner@example.com", password: "correct-horse-battery" };
  await setupOwner(server.db, new Date(), { pageName: "Acme Status", name: "Olive", ...owner });
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  await page.goto("/admin/subscribers");
  await page.getByRole("link", { name: /Channels/ }).click();
  await page.getByLabel("Kind").selectOption("slack");
  await page.getByLabel("URL", { exact: true }).fill(rx.url("/services/T000/B000/slack-secret"));
  await page.getByRole("button", { name: "Add target" }).click();
  await expect(page.getByText(/added$/)).toBeVisible();
  await page
    .getByRole("link", { name: /slack-secret|…/ })
    .first()
    .click();
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByText("Delivered (HTTP 200)")).toBeVisible();
  const sent = rx.received.filter((r) => r.path === "/services/T000/B000/slack-secret");
  expect(sent).toHaveLength(1);
  const body = JSON.parse(sent[0].body);
  expect(body.blocks[0].text.text).toContain("*Test message from Acme Status*");
});
