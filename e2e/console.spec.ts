import { eq } from "drizzle-orm";
import type { Page, TestInfo } from "@playwright/test";
import { component } from "../db/schema";
import { expect, test } from "./fixtures";

// One server per file: the tests build on each other (owner → components →
// incident → a viewer), so they run in order.
test.describe.configure({ mode: "serial" });

const OWNER = { name: "Olivia Owner", email: "owner@example.com", password: "correct horse battery" };
const VIEWER = { name: "Vic Viewer", email: "viewer@example.com", password: "viewer password 1" };

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/admin\/login$/);
}

test("owner sets up, builds components, runs an incident to resolution", async ({ page, server }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });

  // First visit: owner setup.
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/admin\/setup$/);
  await page.getByLabel("Status page name").fill("Acme Status");
  await page.getByLabel("Your name").fill(OWNER.name);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  await expect(page.getByText("No open incidents")).toBeVisible();

  // The setup route is gone for good.
  const setup = await page.goto("/admin/setup");
  expect(setup?.status()).toBe(404);

  await page.goto("/admin");
  await signOut(page);
  await signIn(page, OWNER);

  // A group and two components.
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Components" }).click();
  const addGroup = page.getByRole("form", { name: "Add group" });
  await addGroup.getByLabel("Name").fill("Core services");
  await addGroup.getByRole("button", { name: "Add group" }).click();
  await expect(page.getByRole("region", { name: "Group Core services" })).toBeVisible();

  const addComponent = page.getByRole("form", { name: "Add component" });
  await addComponent.getByLabel("Name").fill("API");
  await addComponent.getByLabel("Description").fill("REST and GraphQL endpoints");
  await addComponent.getByLabel("Group").selectOption({ label: "Core services" });
  await addComponent.getByRole("button", { name: "Add component" }).click();
  await expect(
    page.getByRole("region", { name: "Group Core services" }).getByText("API", { exact: true }),
  ).toBeVisible();

  await addComponent.getByLabel("Name").fill("Website");
  await addComponent.getByLabel("Group").selectOption({ label: "Core services" });
  await addComponent.getByRole("button", { name: "Add component" }).click();
  const group = page.getByRole("region", { name: "Group Core services" });
  await expect(group.getByTestId("component-row")).toHaveCount(2);

  // Reorder: Website moves above API.
  await group.getByRole("button", { name: "Move Website up" }).click();
  await expect(group.getByTestId("component-row").first()).toHaveAttribute("data-component", "Website");
  await shot(page, testInfo, "components");

  // Open an incident affecting the API.
  await page.goto("/admin");
  await page.getByRole("link", { name: "New incident" }).click();
  await page.getByLabel("Incident name").fill("Elevated API error rates");
  await page.getByLabel("API", { exact: true }).selectOption("major_outage");
  await page.getByLabel("Message").fill("We are **investigating** elevated error rates on the API.");
  await shot(page, testInfo, "incident-new");
  await page.getByRole("button", { name: "Create incident" }).click();
  await expect(page).toHaveURL(/\/admin\/incidents\/[0-9a-z]+$/);
  await expect(page.getByRole("heading", { name: "Elevated API error rates" })).toBeVisible();
  await expect(page.getByText("Critical impact")).toBeVisible();
  await expect(page.getByTestId("timeline-entry")).toHaveCount(1);
  await expect(page.getByTestId("timeline-entry").locator("strong")).toHaveText("investigating");

  // Post an update.
  const post = page.getByRole("form", { name: "Post an update" });
  await expect(post.getByLabel("Status")).toHaveValue("identified");
  await post.getByLabel("Message").fill("The cause is a bad deploy; rolling back.");
  await post.getByRole("button", { name: "Post update" }).click();
  await expect(page.getByTestId("timeline-entry")).toHaveCount(2);
  await expect(page.getByTestId("timeline-entry").first()).toContainText("The cause is a bad deploy");

  const apiRow = await server.db.query.component.findFirst({ where: eq(component.name, "API") });
  expect(apiRow?.status).toBe("major_outage");

  // Resolve: the API returns to operational.
  await page.getByRole("button", { name: "Resolve incident" }).click();
  await expect(page.getByTestId("timeline-entry")).toHaveCount(3);
  await expect(page.getByText(/^Duration/)).toBeVisible();
  await shot(page, testInfo, "incident-detail");

  // Correct a past update, then delete it (behind its confirm step).
  const identified = page.getByTestId("timeline-entry").filter({ hasText: "bad deploy" });
  await identified.getByText("Edit update").click();
  await identified.getByLabel("Message").fill("The cause was a bad deploy of the API gateway; rolled back.");
  await identified.getByRole("button", { name: "Save update" }).click();
  await expect(identified).toContainText("API gateway");
  await identified.getByText("Delete update").click();
  await identified.getByRole("button", { name: "Yes, delete this update" }).click();
  await expect(page.getByTestId("timeline-entry")).toHaveCount(2);

  await page.goto("/admin");
  await expect(page.getByText("Every component is operational.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Recently resolved" })).toContainText("Elevated API error rates");
  await shot(page, testInfo, "dashboard");
  await page.goto("/admin/components");
  const api = page.getByTestId("component-row").filter({ hasText: "REST and GraphQL" });
  await expect(api.locator("[data-status]").first()).toHaveAttribute("data-status", "operational");
  expect((await server.db.query.component.findFirst({ where: eq(component.name, "API") }))?.status).toBe("operational");

  // The rest of the console renders; the audit log recorded the journey.
  await page.goto("/admin/settings");
  await shot(page, testInfo, "settings");
  await page.goto("/admin/api-keys");
  await page.getByLabel("Name").fill("Deploy pipeline");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key")).toHaveValue(/^hrld_/);
  await shot(page, testInfo, "api-keys");
  await page.goto("/admin/audit");
  await expect(page.getByTestId("audit-entry").first()).toContainText("api_key.create");
  // A row of the log, not the action filter's option of the same name.
  await expect(page.getByRole("cell", { name: "incident.post_update" }).first()).toBeVisible();
  await shot(page, testInfo, "audit");
  await page.goto("/admin/account");
  await shot(page, testInfo, "account");

  // A viewer for the next test.
  await page.goto("/admin/team");
  const addUser = page.getByRole("form", { name: "Add a user" });
  await addUser.getByLabel("Name").fill(VIEWER.name);
  await addUser.getByLabel("Email").fill(VIEWER.email);
  await addUser.getByLabel("Password").fill(VIEWER.password);
  await addUser.getByLabel("Role").selectOption("viewer");
  await addUser.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("team-member")).toHaveCount(2);
  await shot(page, testInfo, "team");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin");
  await shot(page, testInfo, "dashboard-mobile");
});

test("a viewer sees the console read-only", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, VIEWER);
  await expect(page.getByRole("link", { name: "New incident" })).toHaveCount(0);

  await page
    .getByRole("region", { name: "Recently resolved" })
    .getByRole("link", { name: "Elevated API error rates" })
    .click();
  await expect(page.getByRole("heading", { name: "Elevated API error rates" })).toBeVisible();
  await expect(page.getByTestId("timeline-entry")).toHaveCount(2);
  await expect(page.locator("form")).toHaveCount(1); // only "Sign out"
  await shot(page, testInfo, "viewer-incident");

  await page.goto("/admin/components");
  await expect(page.getByText("You have read-only access.")).toBeVisible();
  await expect(page.getByTestId("component-row")).toHaveCount(2);
  await expect(page.locator("main form")).toHaveCount(0);

  await page.goto("/admin/settings");
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
  await expect(page.getByLabel("Page name")).toBeDisabled();

  for (const path of ["/admin/team", "/admin/api-keys"]) {
    await page.goto(path);
    await expect(page.locator("main form")).toHaveCount(0);
  }

  // The forms' pages are closed to a viewer too.
  await page.goto("/admin/incidents/new");
  await expect(page.getByText("Your role does not allow that page.")).toBeVisible();
});
