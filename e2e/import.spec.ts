import { expect, type Page, test } from "@playwright/test";
import { consoleSession } from "../tests/helpers/console-session";
import { startServer, type RunningServer } from "../tests/helpers/server";
import { startReplay, type Replay } from "../tests/import/replay-server";

// Settings → Import against a local replay of a Statuspage page. The server may
// reach it only because this test allows http and private addresses, as an
// operator would for an intranet page.
let server: RunningServer;
let replay: Replay;
test.beforeAll(async () => {
  replay = await startReplay();
  server = await startServer({ env: { HERALD_WEBHOOK_ALLOW_HTTP: "1", HERALD_WEBHOOK_ALLOW_PRIVATE: "1" } });
});
test.afterAll(async () => {
  await server?.stop();
  await replay?.close();
});

/** HERALD_SCREENSHOTS=<dir> keeps pictures of the console for a person to look at. */
async function shot(page: Page, name: string) {
  const dir = process.env.HERALD_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

test("an owner previews a Statuspage import, imports it, and the public page shows it", async ({ page, context }) => {
  const session = await consoleSession(server);
  await context.addCookies(
    session.cookie.split("; ").map((c) => {
      const [name, ...value] = c.split("=");
      return { name, value: value.join("="), url: server.url };
    }),
  );
  await page.goto(`${server.url}/admin/settings`);
  await page.getByRole("link", { name: "Import from Statuspage" }).click();
  await page.getByLabel("Status page address").fill(replay.url);
  await page.getByRole("button", { name: "Preview" }).click();
  const plan = page.getByRole("region", { name: "Import plan" });
  await expect(plan).toContainText('Plan for "Acmé Cloud ☁️"');
  await expect(plan).toContainText("components: 4 new, 0 updated, 0 unchanged");
  await expect(plan).toContainText("No email is sent");
  await shot(page, "import-plan");

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const result = page.getByRole("region", { name: "Import result" });
  await expect(result).toContainText('Imported "Acmé Cloud ☁️"');
  await shot(page, "import-done");

  await page.goto(`${server.url}/`);
  await expect(page.getByText("Webhook delivery delays").first()).toBeVisible();
  await expect(page.getByText("GraphQL — beta").first()).toBeVisible();
});
