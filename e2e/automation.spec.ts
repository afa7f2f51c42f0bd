import { setupOwner } from "../lib/users/users";
import { createComponent } from "../lib/components/components";
import { CLI_ACTOR } from "../lib/context";
import { alertmanagerFiring } from "../tests/integrations/payloads";
import { expect, test } from "./fixtures";

// One journey: an admin wires a monitor in the console — the URL shown once,
// a rule, a test alert that changes nothing — then a real Alertmanager POST
// sets the component and the console shows what it did.

const OWNER = { name: "Olivia Owner", email: "owner@example.com", password: "correct horse battery" };

test("an admin connects Alertmanager to a component from the Integrations page", async ({ page, server }) => {
  await setupOwner(server.db, new Date(), OWNER);
  await createComponent({ db: server.db, now: () => new Date(), actor: CLI_ACTOR }, { name: "Public API" });
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Integrations" }).click();
  const create = page.locator('form[aria-label="Add an integration"]');
  await create.getByLabel("Name").fill("Prometheus");
  await create.getByLabel("Hold (seconds)").fill("0");
  await create.getByRole("button", { name: "Create integration" }).click();
  const url = await page.getByTestId("new-api-key").inputValue();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/integrations\/[0-9a-z]+\/[\w-]{43}$/);

  await page.getByText("Add a rule", { exact: true }).click();
  const rule = page.locator('form[aria-label="Add a rule to Prometheus"]');
  await rule.getByLabel("When the alert's labels are").fill("alertname=ProbeFailure, job=http_checks");
  await rule.getByLabel("Incident", { exact: true }).selectOption("draft");
  await rule.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByRole("cell", { name: "alertname=ProbeFailure, job=http_checks" })).toBeVisible();

  const tester = page.locator('form[aria-label="Send a test alert to Prometheus"]');
  await tester.getByLabel("Labels").fill("alertname=ProbeFailure, job=http_checks");
  await tester.getByRole("button", { name: "Send test alert" }).click();
  await expect(tester.getByText("Would: Public API: operational → major outage")).toBeVisible();

  // The URL is not on the page any more once it is reloaded: shown once.
  await page.reload();
  expect(await page.content()).not.toContain(url.split("/").at(-1));

  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alertmanagerFiring()),
  });
  expect(res.status).toBe(200);
  await page.reload();
  // From the line's start (the test alert's line reads "Would: …").
  await expect(
    page
      .getByTestId("integration-events")
      .getByText(/^Public API: operational → major outage; draft incident \w+ opened/),
  ).toBeVisible();
  await page.getByRole("link", { name: "Components" }).click();
  await expect(page.locator('[data-component="Public API"] [data-status]')).toHaveAttribute(
    "data-status",
    "major_outage",
  );

  // The draft the rule opened waits for a person: not public until published here.
  await page.getByRole("link", { name: "Incidents" }).click();
  await expect(page.getByText("Draft, not public yet")).toBeVisible();
  await page.getByRole("link", { name: "BlackBox Probe Failure: https://server.example.org" }).click();
  await expect(page.getByText("Draft: not public").first()).toBeVisible();
  await page.getByRole("button", { name: "Publish incident" }).click();
  // Published: the draft card and badge go away with the refreshed page.
  await expect(page.getByText("Draft: not public")).toHaveCount(0);
  // The public page follows within a moment (a snapshot per content version).
  await expect(async () => {
    await page.goto("/");
    await expect(page.getByText("BlackBox Probe Failure: https://server.example.org").first()).toBeVisible({
      timeout: 1000,
    });
  }).toPass();
});
