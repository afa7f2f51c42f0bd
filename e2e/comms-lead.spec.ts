import type { Page } from "@playwright/test";
import { createComponent } from "../lib/components/components";
import { createIncident } from "../lib/incidents/incidents";
import { createTemplate } from "../lib/templates/templates";
import { setupOwner } from "../lib/users/users";
import { cliCtx } from "../tests/public/seed";
import { expect, test } from "./fixtures";

// Issue 9, items 2 and 5, as a comms lead meets them under stress: "Use
// template" merges into what was typed, placeholders are filled from the
// affected components or warned about, "Notify subscribers" starts as the
// incident's last choice, the next update due shows on the incident's page,
// posting confirms, and form errors read as plain language beside the field.

test.describe.configure({ mode: "serial" });

let api = "";
let dashboard = "";

test.beforeAll(async ({ server }) => {
  await setupOwner(server.db, new Date(), {
    pageName: "Acme Status",
    name: "Olive",
    email: "owner@example.com",
    password: "correct-horse-battery",
  });
  const ctx = cliCtx(server.db);
  api = (await createComponent(ctx, { name: "API" })).id;
  dashboard = (await createComponent(ctx, { name: "Dashboard" })).id;
  // A template that names no component: {{component}} must come from the form.
  await createTemplate(ctx, {
    name: "Component down",
    title: "{{component}} unavailable",
    body: "We are investigating issues with {{components}}.",
    status: "identified",
    notify: true,
  });
});

async function signIn(page: Page) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill("owner@example.com");
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/\/admin$/);
}

test("“Use template” keeps the name and components already entered and fills placeholders from them", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/admin/incidents/new");
  const form = page.getByRole("form", { name: "New incident" });
  await form.getByLabel("Incident name").fill("Checkout errors");
  await form.locator(`select[name="status.${api}"]`).selectOption("partial_outage");
  await form.getByLabel("Dashboard is affected").check();
  await form.getByLabel("Start from a template").selectOption({ label: "Component down" });
  await form.getByRole("button", { name: "Use template" }).click();
  await expect(page).toHaveURL(/template=/);

  await expect(form.getByLabel("Incident name")).toHaveValue("Checkout errors");
  await expect(form.getByLabel("Message")).toHaveValue("We are investigating issues with API, Dashboard.");
  await expect(form.getByLabel("Status", { exact: true })).toHaveValue("identified");
  await expect(form.locator(`select[name="status.${api}"]`)).toHaveValue("partial_outage");
  await expect(form.getByLabel("Dashboard is affected")).toBeChecked();
  await expect(form.getByLabel("Notify subscribers")).toBeChecked();
  await expect(form.getByRole("status")).toContainText("keeping the name and 1 component status you had entered");
});

test("without JavaScript, “Use template” still merges (a plain GET of the form)", async ({ browser, baseURL }) => {
  // Signing in needs JavaScript; the session then serves a browser without it.
  const signedIn = await browser.newContext({ baseURL });
  await signIn(await signedIn.newPage());
  const noJs = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    storageState: await signedIn.storageState(),
  });
  await signedIn.close();
  const page = await noJs.newPage();
  await page.goto("/admin/incidents/new");
  const form = page.getByRole("form", { name: "New incident" });
  await form.getByLabel("Incident name").fill("Login slow");
  await form.locator(`select[name="status.${dashboard}"]`).selectOption("degraded_performance");
  await form.getByLabel("Start from a template").selectOption({ label: "Component down" });
  await form.getByRole("button", { name: "Use template" }).click();
  await page.waitForURL(/template=/);
  await expect(form.getByLabel("Incident name")).toHaveValue("Login slow");
  await expect(form.getByLabel("Message")).toHaveValue("We are investigating issues with Dashboard.");
  await expect(form.locator(`select[name="status.${dashboard}"]`)).toHaveValue("degraded_performance");
  await noJs.close();
});

test("a placeholder nothing fills is shown in the preview and stops the post until it is filled or accepted", async ({
  page,
}) => {
  await signIn(page);
  await page.goto("/admin/incidents/new");
  const form = page.getByRole("form", { name: "New incident" });
  await form.getByLabel("Start from a template").selectOption({ label: "Component down" });
  await form.getByRole("button", { name: "Use template" }).click();
  await expect(page).toHaveURL(/template=/);
  await expect(form.getByLabel("Incident name")).toHaveValue("{{component}} unavailable");

  await form.getByRole("button", { name: "Preview", exact: true }).click();
  const preview = form.getByRole("region", { name: "Preview" });
  await expect(preview.getByTestId("preview-unfilled")).toContainText("{{component}}, {{components}}");

  await form.getByRole("button", { name: "Create incident" }).click();
  await expect(form.getByRole("alert").first()).toContainText("still holds {{component}}, {{components}}");
  await expect(form.getByLabel("Incident name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("[data-field-error=name]")).toHaveText("Still holds {{component}}");
  await expect(form.getByLabel("Post it as written, placeholders included")).toBeVisible();

  // Naming the affected component fills both, in the preview and in what is posted.
  await form.locator(`select[name="status.${api}"]`).selectOption("major_outage");
  await form.getByRole("button", { name: "Preview", exact: true }).click();
  await expect(preview.getByTestId("preview-subject")).toHaveText("[Acme Status] Identified: API unavailable");
  await expect(preview.getByTestId("preview-unfilled")).toHaveCount(0);
  await form.getByRole("button", { name: "Create incident" }).click();
  await page.waitForURL(/\/admin\/incidents\/[0-9a-z]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("API unavailable");
  await expect(page.getByTestId("timeline-entry").first()).toContainText("We are investigating issues with API.");
});

test(
  "the incident page: notify starts as the last choice, the " +
    "next update due shows, posting confirms, errors read plainly",
  async ({ page, server }) => {
    const { incident } = await createIncident(cliCtx(server.db), {
      name: "Queue delays",
      body: "Jobs are delayed.",
      components: { [api]: "degraded_performance" },
      notify: true,
    });
    await signIn(page);
    await page.goto(`/admin/incidents/${incident.id}`);

    await expect(page.getByTestId("next-update")).toContainText("Next update due");
    const post = page.getByRole("form", { name: "Post an update" });
    await expect(post.getByLabel("Notify subscribers")).toBeChecked();
    await expect(page.getByRole("form", { name: "Resolve incident" }).getByLabel("Notify subscribers")).toBeChecked();

    await post.getByLabel("Message").fill("We found the cause.");
    await post.getByLabel("Notify subscribers").uncheck();
    await post.getByRole("button", { name: "Post update" }).click();
    await expect(post.getByRole("status")).toHaveText("Update posted.");
    await expect(page.getByTestId("timeline-entry").first()).toContainText("We found the cause.");
    // The form starts fresh after the post, and the last choice (no notification) is now the default.
    await expect(post.getByLabel("Message")).toHaveValue("");
    await expect(post.getByLabel("Notify subscribers")).not.toBeChecked();
    await expect(
      page.getByRole("form", { name: "Resolve incident" }).getByLabel("Notify subscribers"),
    ).not.toBeChecked();

    const details = page.getByRole("form", { name: "Incident details" });
    await details.getByLabel("Name").fill("   ");
    await details.getByRole("button", { name: "Save" }).click();
    const summary = details.getByRole("alert");
    await expect(summary).toContainText("Please check the marked field");
    await expect(summary).not.toContainText("name:");
    await expect(details.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(details.locator("[data-field-error=name]")).toBeVisible();

    const resolve = page.getByRole("form", { name: "Resolve incident" });
    await resolve.getByRole("button", { name: "Resolve incident" }).click();
    await expect(page.getByRole("form", { name: "Resolved" }).getByRole("status")).toHaveText("Incident resolved.");
  },
);

test("“Choose components” opens the subscribe page with the component list expanded", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Choose components" }).click();
  await expect(page.getByRole("checkbox", { name: "Dashboard" })).toBeVisible();
});
