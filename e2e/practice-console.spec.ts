import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { incident, incidentUpdate } from "../db/schema";
import { createComponent } from "../lib/components/components";
import { createIncident } from "../lib/incidents/incidents";
import { createMaintenance } from "../lib/maintenance/maintenance";
import { setupOwner } from "../lib/users/users";
import { cliCtx } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// The comms lead's console end to end: a template fills the new-incident form,
// the preview shows the public entry and the email, the incident list shows
// cadence and overdue incidents, internal notes stay internal, and a
// postmortem goes draft → preview → published → draft.

const SECRET_NOTE = "Rolled back build 4512; root cause suspected in the cache layer";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ server }) => {
  await setupOwner(server.db, new Date(), {
    pageName: "Acme Status",
    name: "Olive",
    email: "owner@example.com",
    password: "correct-horse-battery",
  });
  const ctx = cliCtx(server.db);
  await createComponent(ctx, { name: "API" });
  await createComponent(ctx, { name: "Dashboard" });
});

async function signIn(page: Page) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill("owner@example.com");
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/\/admin$/);
}

let incidentId = "";

test("a template fills the new-incident form, the preview renders, and the incident list shows cadence", async ({
  page,
  server,
}) => {
  await signIn(page);

  await page.goto("/admin/templates");
  const tpl = page.getByRole("form", { name: "New template" });
  await tpl.getByLabel("Template name").fill("API outage");
  await tpl.getByLabel("Title").fill("{{component}} unavailable");
  await tpl
    .getByLabel("Message")
    .fill("We are investigating errors on **{{component}}** at {{page}}. {{7*7}} stays literal.");
  await tpl.locator("label").filter({ hasText: /^API/ }).locator("select").selectOption("major_outage");
  await tpl.getByRole("button", { name: "Create template" }).click();
  await expect(page.getByText("Template created.")).toBeVisible();

  await page.goto("/admin/incidents/new");
  await page.getByLabel("Start from a template").selectOption({ label: "API outage" });
  await page.getByRole("button", { name: "Use template" }).click();
  await expect(page).toHaveURL(/template=/);
  const form = page.getByRole("form", { name: "New incident" });
  await expect(form.getByLabel("Incident name")).toHaveValue("API unavailable");
  await expect(form.getByLabel("Message")).toHaveValue(
    "We are investigating errors on **API** at Acme Status. {{7*7}} stays literal.",
  );
  await expect(form.locator('select[name^="status."]').first()).toHaveValue("major_outage");

  await form.getByLabel("Notify subscribers").check();
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = form.getByRole("region", { name: "Preview" });
  await expect(preview.getByTestId("preview-public")).toContainText("Investigating");
  await expect(preview.getByTestId("preview-public").locator("strong")).toHaveText("API");
  await expect(preview.getByTestId("preview-subject")).toHaveText("[Acme Status] Investigating: API unavailable");
  await expect(preview.locator("iframe")).toHaveAttribute("sandbox", "");
  await expect(preview.locator("iframe").contentFrame().getByText("Major outage")).toBeVisible();
  // A preview posts nothing.
  expect(await server.db.$count(incident)).toBe(0);

  await form.getByRole("button", { name: "Create incident" }).click();
  await page.waitForURL(/\/admin\/incidents\/[0-9a-z]+$/);
  incidentId = page.url().split("/").pop()!;

  // Another incident whose last public update was three hours ago: past every default cadence.
  const old = await createIncident(cliCtx(server.db), {
    name: "Slow dashboard",
    body: "Looking into it.",
    components: {},
  });
  const past = new Date(Date.now() - 3 * 3_600_000);
  await server.db.update(incident).set({ startedAt: past, publishedAt: past }).where(eq(incident.id, old.incident.id));
  await server.db
    .update(incidentUpdate)
    .set({ createdAt: past, displayAt: past })
    .where(eq(incidentUpdate.incidentId, old.incident.id));

  await page.goto("/admin");
  const fresh = page.getByTestId("incident-row").filter({ hasText: "API unavailable" });
  await expect(fresh.getByTestId("next-update")).toContainText("Next update due");
  // A major outage makes the impact critical; unset urgency counts as medium.
  await expect(fresh.getByTestId("priority")).toHaveText("P1");
  const late = page.getByTestId("incident-row").filter({ hasText: "Slow dashboard" });
  await expect(late.getByTestId("next-update")).toHaveAttribute("data-overdue", "true");
  await expect(late.getByTestId("next-update")).toContainText(/Update overdue by 1 h/);
  // Overdue first.
  await expect(page.getByTestId("incident-row").first()).toContainText("Slow dashboard");

  await page.goto("/admin/settings");
  const cadence = page.getByRole("form", { name: "Update cadence" });
  await expect(cadence.getByLabel(/Critical impact/)).toHaveValue("30");
  await cadence.getByLabel(/Major impact/).fill("45");
  await cadence.getByRole("button", { name: "Save cadence" }).click();
  await expect(cadence.getByText("Update cadence saved.")).toBeVisible();
});

test("owner, urgency and notes stay in the console; a postmortem goes draft → preview → public → draft", async ({
  page,
  request,
}) => {
  await signIn(page);
  await page.goto(`/admin/incidents/${incidentId}`);

  const practice = page.getByRole("form", { name: "Owner and urgency" });
  await practice.getByLabel("Owner").selectOption({ label: "Olive (owner@example.com)" });
  await practice.getByLabel("Urgency").selectOption("low");
  await practice.getByRole("button", { name: "Save owner and urgency" }).click();
  await expect(practice.getByText("Owner and urgency saved.")).toBeVisible();
  await expect(page.getByTestId("priority").first()).toHaveText("P2");

  const noteForm = page.getByRole("form", { name: "Add an internal note" });
  await noteForm.getByLabel("Note").fill(SECRET_NOTE);
  await noteForm.getByRole("button", { name: "Add note" }).click();
  await expect(page.getByTestId("internal-note")).toContainText(SECRET_NOTE);

  // Anonymous readers: the incident page and the API never carry the note.
  const publicPage = await request.get(`/incidents/${incidentId}`);
  expect(publicPage.status()).toBe(200);
  const html = await publicPage.text();
  expect(html).toContain("API unavailable");
  expect(html).not.toContain("Rolled back build 4512");
  const api = await request.get("/api/v2/incidents.json");
  expect(api.status()).toBe(200);
  const json = await api.text();
  expect(json).toContain(incidentId);
  expect(json).not.toContain("Rolled back build 4512");

  const resolve = page.getByRole("form", { name: "Resolve incident" });
  await resolve.getByRole("button", { name: "Resolve incident" }).click();
  // Once resolved the page re-renders without the resolve card.
  await expect(resolve).toHaveCount(0);

  const draft = page.getByRole("form", { name: "Postmortem draft" });
  await draft.getByLabel("Draft").fill("## What happened\n\nA **cache stampede** took the API down for 20 minutes.");
  await draft.getByRole("button", { name: "Save draft and preview" }).click();
  await expect(draft.getByText("Draft saved.")).toBeVisible();
  const pmPreview = page.getByRole("region", { name: "Postmortem preview" });
  await expect(pmPreview.locator("h2")).toHaveText("What happened");
  await expect(pmPreview.locator("strong")).toHaveText("cache stampede");
  expect(await (await request.get(`/incidents/${incidentId}`)).text()).not.toContain("cache stampede");

  const publish = page.getByRole("form", { name: "Publish postmortem" });
  await publish.getByLabel("Notify subscribers").check();
  await publish.getByRole("button", { name: "Publish postmortem" }).click();
  const card = page.locator("#postmortem");
  await expect(card).toContainText(/Published \w{3} \d+, \d{4}/);

  await page.goto(`/incidents/${incidentId}`);
  const published = page.getByRole("region", { name: "Postmortem" });
  await expect(published.locator("strong")).toHaveText("cache stampede");
  await expect(page.getByText("Rolled back build 4512")).toHaveCount(0);

  await page.goto(`/admin/incidents/${incidentId}`);
  await page
    .getByRole("form", { name: "Revert postmortem to draft" })
    .getByRole("button", { name: "Revert to draft" })
    .click();
  await expect(card).toContainText("Draft — not on the status page yet");
  expect(await (await request.get(`/incidents/${incidentId}`)).text()).not.toContain("cache stampede");
});

test("a scheduled maintenance can be edited and cancelled before it starts", async ({ page, server }) => {
  const ctx = cliCtx(server.db);
  const start = new Date(Date.now() + 86_400_000);
  await createMaintenance(ctx, {
    name: "DB upgrade",
    body: "Upgrading.",
    scheduledFor: start,
    scheduledUntil: new Date(start.getTime() + 3_600_000),
  });
  await signIn(page);
  await page.goto("/admin/maintenance");
  const item = page.getByTestId("maintenance-item").filter({ hasText: "DB upgrade" });
  await item.getByText("Edit maintenance").click();
  const edit = item.getByRole("form", { name: "Edit DB upgrade" });
  await edit.getByLabel("Name").fill("Database upgrade");
  await edit.getByLabel("Message").fill("Upgrading **Postgres**.");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("maintenance-item").filter({ hasText: "Database upgrade" })).toBeVisible();

  const renamed = page.getByTestId("maintenance-item").filter({ hasText: "Database upgrade" });
  // The edit panel stays open after saving.
  const cancel = renamed.getByRole("form", { name: "Cancel Database upgrade" });
  await cancel.getByLabel("Cancellation message").fill("Postponed to next week.");
  await cancel.getByText("Cancel maintenance…").click();
  await cancel.getByRole("button", { name: "Yes, cancel “Database upgrade”" }).click();
  await expect(page.getByTestId("maintenance-item")).toHaveCount(0);
  await expect(page.locator("section").filter({ has: page.getByRole("heading", { name: "Completed" }) })).toContainText(
    "Database upgrade",
  );
});

test("an incident saved to publish later stays off the public site", async ({ page, request }) => {
  await signIn(page);
  await page.goto("/admin/incidents/new");
  const form = page.getByRole("form", { name: "New incident" });
  await form.getByLabel("Incident name").fill("Planned failover notice");
  await form.getByLabel("Message").fill("We will fail over at noon.");
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
  await form.getByLabel(/Publish at/).fill(tomorrow);
  await form.getByRole("button", { name: "Create incident" }).click();
  await page.waitForURL(/\/admin\/incidents\/[0-9a-z]+$/);
  await expect(page.getByText(/Scheduled: public from/)).toBeVisible();
  const id = page.url().split("/").pop()!;
  expect((await request.get(`/incidents/${id}`)).status()).toBe(404);
  await page.goto("/admin");
  await expect(
    page.getByTestId("incident-row").filter({ hasText: "Planned failover notice" }).getByTestId("next-update"),
  ).toHaveText("Scheduled, not public yet");
});
