import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Frame, Page } from "@playwright/test";
import { createMaintenance, postMaintenanceUpdate } from "../lib/maintenance/maintenance";
import { createIncident } from "../lib/incidents/incidents";
import { createViewerToken, updateViewerSettings } from "../lib/viewers/settings";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import { untilEdgeCurrent } from "../tests/helpers/wait";
import { expect, test } from "./fixtures";

// The embeddable widget on a host page of another origin, in its three
// documented forms: the script, the script in iframe mode, and a bare iframe
// with the README's height listener. Both forms show the same items in the
// same order, follow the reader's colour scheme, colour the status dot, and
// the iframes grow to fit their content.

// The host page is served from another origin on this machine (a public
// origin would be refused access to a loopback Herald by Chromium's
// private-network rules).
let host: Server;
let hostUrl = "";
/** A viewer token (a private page's widget is read with one): the script passes it on to /embed. */
let token = "";
// "Major Service Outage": the red of lib/badges/badge.ts.
const RED = "rgb(192, 57, 43)";

test.beforeAll(async ({ server }) => {
  const s = await seedStatusPage(server.db);
  const ctx = cliCtx(server.db);
  await createIncident(ctx, {
    name: "Checkout fails for some cards",
    body: "Investigating.",
    components: { [s.website.id]: "degraded_performance" },
  });
  await createIncident(ctx, {
    name: "REST API unreachable",
    status: "identified",
    body: "Found it.",
    components: { [s.api.id]: "major_outage" },
  });
  // Started after both incidents: the newest open item, first on the status page.
  const m = await createMaintenance(ctx, {
    name: "Database upgrade",
    body: "Planned.",
    scheduledFor: new Date(Date.now() + 30_000),
    scheduledUntil: new Date(Date.now() + 3_600_000),
  });
  await postMaintenanceUpdate(ctx, { maintenanceId: m.maintenance.id, status: "in_progress", body: "Started." });
  // A token reads with its email's view: the address must be one that may sign in.
  await updateViewerSettings(ctx, {
    visibility: "public",
    magicLinkEnabled: false,
    allowedDomains: "example.com",
    ipAllowList: "",
  });
  token = (await createViewerToken(ctx, { email: "kiosk@example.com" })).token;
  host = createServer((req, res) => {
    if (req.url === "/token")
      return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(tokenPage(server.url));
    // /strict: a host whose CSP lets the script in but forbids it to read anything (connect-src).
    const csp = req.url === "/strict" ? { "content-security-policy": "connect-src 'none'" } : {};
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...csp }).end(hostPage(server.url));
  });
  await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
  expect(new URL(hostUrl).origin).not.toBe(new URL(server.url).origin);
  // The public pages with the CLI writes (the edge sees them through its watcher or its poll).
  await untilEdgeCurrent(server);
});

test.afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

/** The host page: the snippets as README.md documents them, on an origin of its own. */
function hostPage(origin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport"
  content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Host</title>
<style>body{font:16px Georgia,serif;margin:16px;line-height:2;letter-spacing:1px}@media
(prefers-color-scheme:dark){body{background:#0b0b0c;color:#eee}} a{color:green}</style></head>
<body><h1>A customer's site</h1>
<section id="script"><h2>Script</h2><script src="${origin}/embed.js" async></script></section>
<section id="script-iframe"><h2>Script, iframe mode</h2><script src="${origin}/embed.js" data-mode="iframe"
async></script></section>
<section id="bare-iframe"><h2>Iframe</h2>
<iframe id="herald-status" src="${origin}/embed" title="Service status"
style="border:0;width:100%;max-width:420px;height:170px"></iframe>
<script>
addEventListener("message", function (e) {
  var f = document.getElementById("herald-status");
  if (e.source === f.contentWindow && e.data && e.data.type === "herald:embed-height") f.style.height = e.data.height +
  "px";
});
</script></section>
</body></html>`;
}

/** The script with a viewer token in its URL, in both modes. */
function tokenPage(origin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kiosk</title></head><body>
<section id="script"><script src="${origin}/embed.js?token=${token}" async></script></section>
<section id="script-iframe"><script src="${origin}/embed.js?token=${token}" data-mode="iframe" async></script></section>
</body></html>`;
}

async function openHost(page: Page) {
  await page.goto(hostUrl);
  await expect(page.locator("#script .w")).toBeVisible();
}

async function frameIn(page: Page, section: string): Promise<Frame> {
  const handle = await page.locator(`#${section} iframe`).elementHandle();
  const frame = await handle!.contentFrame();
  await frame!.waitForSelector(".w");
  return frame!;
}

test("the script and the iframe list the same items in the status page's order", async ({ page, server }) => {
  // The loader's order (lib/public/status-page.ts): newest first, the maintenance started last.
  const onPage = ["Database upgrade", "REST API unreachable", "Checkout fails for some cards"];
  await openHost(page);
  const scripted = await page.locator("#script .w li a").allTextContents();
  const framed = await (await frameIn(page, "bare-iframe")).locator(".w li a").allTextContents();
  expect(scripted).toEqual(onPage);
  expect(framed).toEqual(onPage);
  expect(await page.locator("#script .w li span").allTextContents()).toEqual([
    "Maintenance · In progress",
    "Critical impact · Identified",
    "Minor impact · Investigating",
  ]);
  // Links open the incident pages on the status site.
  await expect(page.locator("#script .w li a").first()).toHaveAttribute(
    "href",
    new RegExp(`^${server.url}/incidents/[0-9a-z]+$`),
  );
});

for (const colorScheme of ["light", "dark"] as const) {
  test(`the script widget and the iframe follow the ${colorScheme} colour scheme and colour the status dot`, async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme });
    await openHost(page);
    const bg = colorScheme === "dark" ? "rgb(24, 24, 27)" : "rgb(255, 255, 255)";
    await expect(page.locator("#script .w")).toHaveCSS("background-color", bg);
    await expect(page.locator("#script .d")).toHaveCSS("background-color", RED);
    await expect(page.locator("#script .w")).toHaveCSS("border-left-color", RED);
    // The host's own styles don't reach into the widget.
    await expect(page.locator("#script .w li a").first()).not.toHaveCSS("color", "rgb(0, 128, 0)");
    await expect(page.locator("#script .w li span").first()).toHaveCSS("letter-spacing", "normal");
    const frame = await frameIn(page, "bare-iframe");
    await expect(frame.locator(".w")).toHaveCSS("background-color", bg);
    await expect(frame.locator(".d")).toHaveCSS("background-color", RED);
  });
}

for (const width of [390, 1280]) {
  test(`at ${width} px both iframes grow to show every item and the footer`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: 1000 });
    await openHost(page);
    for (const section of ["script-iframe", "bare-iframe"]) {
      const iframe = page.locator(`#${section} iframe`);
      const frame = await frameIn(page, section);
      const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      // Three open items need more than the 140 px the iframe used to have.
      expect(content).toBeGreaterThan(140);
      await expect.poll(async () => (await iframe.boundingBox())!.height, { message: section }).toBe(content);
      // Both boxes in the host page's coordinates: the footer ends inside the iframe.
      const box = (await iframe.boundingBox())!;
      const footer = (await frame.locator(".p a").boundingBox())!;
      expect(footer.y + footer.height, section).toBeLessThanOrEqual(box.y + box.height);
    }
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: info.outputPath(`embed-${width}-${colorScheme}.png`), fullPage: true });
    }
  });
}

test("the script shows the widget in an iframe when the host page may not read /embed", async ({ page, server }) => {
  await page.goto(`${hostUrl}strict`);
  const iframe = page.locator("#script iframe");
  await expect(iframe).toHaveAttribute("src", `${server.url}/embed`);
  const frame = await frameIn(page, "script");
  await expect(frame.locator(".w li a")).toHaveText([
    "Database upgrade",
    "REST API unreachable",
    "Checkout fails for some cards",
  ]);
  // Sized by the heights the iframe posts, as in the iframe mode.
  const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  await expect.poll(async () => (await iframe.boundingBox())!.height).toBe(content);
});

test("on a private page the script reads /embed with its viewer token, in both modes", async ({ page, server }) => {
  const ctx = cliCtx(server.db);
  const settings = { magicLinkEnabled: false, allowedDomains: "example.com", ipAllowList: "" };
  await updateViewerSettings(ctx, { ...settings, visibility: "private" });
  try {
    // Private once the edge has read the change: a reader without the token goes to the sign-in form.
    await expect
      .poll(async () => (await fetch(`${server.url}/embed`, { redirect: "manual" })).status, { timeout: 10_000 })
      .toBe(303);
    const asked: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(`${server.url}/embed?`)) asked.push(r.url());
    });
    await page.goto(`${hostUrl}token`);
    await expect(page.locator("#script .w li a")).toHaveCount(3);
    await expect(page.locator("#script iframe")).toHaveCount(0);
    await expect(page.locator("#script-iframe iframe")).toHaveAttribute("src", `${server.url}/embed?token=${token}`);
    await expect((await frameIn(page, "script-iframe")).locator(".w li a")).toHaveCount(3);
    expect(asked).toEqual([`${server.url}/embed?token=${token}`, `${server.url}/embed?token=${token}`]);
  } finally {
    await updateViewerSettings(ctx, { ...settings, visibility: "public" });
  }
});
