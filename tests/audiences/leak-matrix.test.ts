// The leak matrix (issue 13): every public surface × anonymous / another
// audience / the restricted things' own audience, on one real server. A
// restricted component, group, incident or internal note never reaches the
// first two — not even through an aggregate (banner, badge, uptime, OG card) —
// and does reach its own audience.
import { request } from "node:http";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxEmail } from "../../db/schema";
import { createViewerToken, revokeViewerToken, updateViewerSettings } from "../../lib/viewers/settings";
import { startServer, type RunningServer } from "../helpers/server";
import { RESTRICTED, SECRET, seedAudiences, viewerCookieFor } from "./fixture";

type Got = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };
function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

type Reader = "anonymous" | "other" | "own";
const READERS: Reader[] = ["anonymous", "other", "own"];

let server: RunningServer;
let seed: Awaited<ReturnType<typeof seedAudiences>>;

/** How each reader asks: pages with the session cookie, machine surfaces with the per-viewer token. */
function ask(reader: Reader, path: string, via: "cookie" | "token"): Promise<Got> {
  if (reader === "anonymous") return get(`${server.url}${path}`);
  const email = reader === "own" ? "boss@bigco.example" : "ops@acme.example";
  if (via === "cookie") return get(`${server.url}${path}`, { cookie: viewerCookieFor(email) });
  const sep = path.includes("?") ? "&" : "?";
  return get(`${server.url}${path}${sep}token=${reader === "own" ? seed.tokens.own : seed.tokens.other}`);
}

beforeAll(async () => {
  server = await startServer({ env: { HERALD_SECRET: SECRET, HERALD_SNAPSHOT_POLL_MS: "100" } });
  seed = await seedAudiences(server.db);
  // The poll picks up the writes made on the side.
  await new Promise((r) => setTimeout(r, 400));
}, 60_000);
afterAll(() => server.stop());

interface Surface {
  path: () => string;
  via: "cookie" | "token";
  /** Text surfaces: restricted names/ids must be absent for anonymous and other, and these present for own. */
  ownSees?: () => string[];
  /** Status-only surfaces (badges, images): the expected status per reader. */
  status?: Record<Reader, number>;
}

const restrictedStrings = () => [
  RESTRICTED.component,
  RESTRICTED.incident,
  RESTRICTED.note,
  RESTRICTED.group,
  RESTRICTED.grouped,
  RESTRICTED.maintenance,
  seed.secretIncident.id,
  seed.gateway.id,
  seed.grouped.id,
];

const SURFACES: Record<string, Surface> = {
  "status page /": {
    path: () => "/",
    via: "cookie",
    ownSees: () => [RESTRICTED.component, RESTRICTED.incident, RESTRICTED.group, RESTRICTED.maintenance],
  },
  "restricted incident page": {
    path: () => `/incidents/${seed.secretIncident.id}`,
    via: "cookie",
    status: { anonymous: 404, other: 404, own: 200 },
    ownSees: () => [RESTRICTED.incident, RESTRICTED.component],
  },
  "public incident page (internal note)": {
    path: () => `/incidents/${seed.publicIncident.id}`,
    via: "cookie",
    ownSees: () => [RESTRICTED.note],
  },
  history: { path: () => "/history", via: "cookie", ownSees: () => [RESTRICTED.incident] },
  "v2 summary": {
    path: () => "/api/v2/summary.json",
    via: "token",
    ownSees: () => [RESTRICTED.component, RESTRICTED.incident, RESTRICTED.group],
  },
  "v2 status": { path: () => "/api/v2/status.json", via: "token" },
  "v2 components": {
    path: () => "/api/v2/components.json",
    via: "token",
    ownSees: () => [RESTRICTED.component, RESTRICTED.grouped],
  },
  "v2 incidents": { path: () => "/api/v2/incidents.json", via: "token", ownSees: () => [RESTRICTED.incident] },
  "v2 unresolved": {
    path: () => "/api/v2/incidents/unresolved.json",
    via: "token",
    ownSees: () => [RESTRICTED.incident],
  },
  "v2 maintenances": { path: () => "/api/v2/scheduled-maintenances.json", via: "token" },
  "v2 upcoming": {
    path: () => "/api/v2/scheduled-maintenances/upcoming.json",
    via: "token",
    ownSees: () => [RESTRICTED.maintenance],
  },
  "v2 active": { path: () => "/api/v2/scheduled-maintenances/active.json", via: "token" },
  rss: { path: () => "/history.rss", via: "token", ownSees: () => [RESTRICTED.incident] },
  atom: { path: () => "/history.atom", via: "token", ownSees: () => [RESTRICTED.incident] },
  "JSON Feed": { path: () => "/history.json", via: "token", ownSees: () => [RESTRICTED.incident] },
  "maintenance calendar": { path: () => "/maintenance.ics", via: "token", ownSees: () => [RESTRICTED.maintenance] },
  "page badge": { path: () => "/badge.svg", via: "token" },
  "restricted component badge": {
    path: () => `/components/${seed.gateway.id}/badge.svg`,
    via: "token",
    status: { anonymous: 404, other: 404, own: 200 },
    ownSees: () => [RESTRICTED.component],
  },
  "page OG image": { path: () => "/og.png", via: "token", status: { anonymous: 200, other: 200, own: 200 } },
  "restricted incident OG image": {
    path: () => `/incidents/${seed.secretIncident.id}/og.png`,
    via: "token",
    status: { anonymous: 404, other: 404, own: 200 },
  },
  "embed iframe": { path: () => "/embed", via: "cookie", ownSees: () => [RESTRICTED.incident] },
  "embed script": { path: () => "/embed.js", via: "token", ownSees: () => [RESTRICTED.incident] },
};

describe("leak matrix: every public surface × reader", () => {
  for (const [name, s] of Object.entries(SURFACES)) {
    it(name, async () => {
      const got = Object.fromEntries(
        await Promise.all(READERS.map(async (r) => [r, await ask(r, s.path(), s.via)] as const)),
      ) as Record<Reader, Got>;
      for (const r of READERS) {
        expect(got[r].status, `${r} status`).toBe(s.status?.[r] ?? 200);
        const text = got[r].body.toString("latin1");
        if (r !== "own") for (const x of restrictedStrings()) expect(text, `${r} must not see ${x}`).not.toContain(x);
      }
      const own = got.own.body.toString("latin1");
      for (const x of s.ownSees?.() ?? []) expect(own, `own audience sees ${x}`).toContain(x);
      // A view other than the anonymous site is never cached by a shared cache.
      expect(got.own.headers["cache-control"]).toMatch(/private|no-store/);
    });
  }

  it("aggregates: banner, page badge and OG card count restricted things only for their audience", async () => {
    const status = async (r: Reader) =>
      JSON.parse((await ask(r, "/api/v2/status.json", "token")).body.toString()).status.indicator;
    expect(await status("anonymous")).toBe("minor");
    expect(await status("other")).toBe("minor");
    expect(await status("own")).not.toBe("minor");
    const badge = async (r: Reader) => (await ask(r, "/badge.svg", "token")).body.toString();
    expect(await badge("other")).toBe(await badge("anonymous"));
    expect(await badge("own")).not.toBe(await badge("anonymous"));
    const og = async (r: Reader) => (await ask(r, "/og.png", "token")).body;
    expect((await og("other")).equals(await og("anonymous"))).toBe(true);
    expect((await og("own")).equals(await og("anonymous"))).toBe(false);
  });

  it("the anonymous site keeps its key and headers; a view renders once on demand, then from memory", async () => {
    const anon = await get(`${server.url}/`);
    expect(anon.headers["cache-control"]).toMatch(/^public/);
    const cookie = viewerCookieFor("boss@bigco.example");
    // Concurrent readers of one audience share one render.
    const before = server
      .output()
      .split("\n")
      .filter((l) => l.includes("snapshot render ~") && l.includes("/history?")).length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(`${server.url}/history?page=1`, { cookie })));
    for (const a of answers) expect(a.status).toBe(200);
    const renders = server
      .output()
      .split("\n")
      .filter((l) => l.includes("snapshot render ~") && l.includes("/history?")).length;
    expect(renders - before).toBe(1);
    expect((await get(`${server.url}/history?page=1`, { cookie })).headers["x-herald-snapshot"]).toBe("HIT");
  });

  it("a forged, expired or foreign-secret cookie and an unknown token read as anonymous or are refused", async () => {
    const forged = viewerCookieFor("boss@bigco.example").replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await get(`${server.url}/`, { cookie: forged })).body.toString()).not.toContain(RESTRICTED.component);
    const bad = await get(`${server.url}/api/v2/summary.json?token=hv_nope`);
    expect(bad.status).toBe(401);
    // A view header from outside is never believed: a POST reaching Next directly renders nothing restricted.
    const direct = await fetch(`${server.url}/`, {
      method: "POST",
      headers: { "x-herald-view": `${seed.enterprise.id}.forged` },
    });
    expect(await direct.text()).not.toContain(RESTRICTED.component);
  });
});

describe("a private page (same server, switched to private)", () => {
  const form = (path: string, fields: Record<string, string>, cookie?: string) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(fields).toString(),
    });
  const settle = () => new Promise((r) => setTimeout(r, 400));
  const cookieOf = (r: Response) => (r.headers.get("set-cookie") ?? "").split(";")[0];

  beforeAll(async () => {
    await updateViewerSettings(seed.ctx, {
      visibility: "private",
      magicLinkEnabled: true,
      allowedDomains: "",
      ipAllowList: "",
      password: "page-password-123",
    });
    await settle();
  });

  it("refuses anonymous readers everywhere: pages go to the sign-in form, machine surfaces answer 401", async () => {
    const home = await get(`${server.url}/`);
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe("/viewer/sign-in?next=%2F");
    expect((await get(`${server.url}/history`)).status).toBe(303);
    for (const p of [
      "/api/v2/summary.json",
      "/history.rss",
      "/history.atom",
      "/history.json",
      "/badge.svg",
      "/og.png",
      "/embed.js",
      "/maintenance.ics",
    ]) {
      const r = await get(`${server.url}${p}`);
      expect(r.status, p).toBe(401);
      expect(r.body.toString()).not.toContain("Public API");
    }
    const signIn = await (await fetch(`${server.url}/viewer/sign-in?next=%2F`)).text();
    expect(signIn).toContain("Email me a sign-in link");
    expect(signIn).toContain("Page password");
  });

  it("per-viewer tokens open the machine surfaces, and stop at once when revoked", async () => {
    const ok = await get(`${server.url}/api/v2/summary.json?token=${seed.tokens.own}`);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain(RESTRICTED.incident);
    const { id, token } = await createViewerToken(seed.ctx, { email: "ops@acme.example" });
    await settle();
    expect((await get(`${server.url}/history.rss?token=${token}`)).status).toBe(200);
    await revokeViewerToken(seed.ctx, { id });
    await settle();
    expect((await get(`${server.url}/history.rss?token=${token}`)).status).toBe(401);
  });

  it("the page password signs a reader in to the public part only", async () => {
    const wrong = await form("/viewer/sign-in/password", { password: "nope", next: "/" });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("location")).toContain("error=password");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const right = await form("/viewer/sign-in/password", { password: "page-password-123", next: "/history" });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/history");
    const page = await get(`${server.url}/`, { cookie: cookieOf(right) });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain("Public API");
    expect(page.body.toString()).not.toContain(RESTRICTED.component);
  });

  it("a magic link signs a member in once; opening it changes nothing, the POST uses it; never logged", async () => {
    const asked = await form("/viewer/sign-in/link", { email: "boss@bigco.example", next: "/" });
    expect(asked.status).toBe(303);
    const mail = await server.db
      .select()
      .from(outboxEmail)
      .where(eq(outboxEmail.toAddress, "boss@bigco.example"))
      .get();
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1];
    // A mail scanner's GET does not use it.
    expect((await fetch(`${server.url}/viewer/link?token=${token}`)).status).toBe(200);
    const used = await form("/viewer/link/submit", { token, next: "/" });
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toBe("/");
    const page = await get(`${server.url}/`, { cookie: cookieOf(used) });
    expect(page.body.toString()).toContain(RESTRICTED.incident);
    const again = await form("/viewer/link/submit", { token, next: "/" });
    expect(again.headers.get("location")).toContain("error=link");
    expect(again.headers.get("set-cookie")).toBeNull();
    // No enumeration: a stranger gets the same answer and no email.
    const stranger = await form("/viewer/sign-in/link", { email: "who@nowhere.example", next: "/" });
    expect(stranger.headers.get("location")).toBe(asked.headers.get("location"));
    expect(
      await server.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, "who@nowhere.example")).get(),
    ).toBeUndefined();
    expect(server.output()).not.toContain(token);
  });

  it("link requests are limited per address: 429 with Retry-After", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) last = await form("/viewer/sign-in/link", { email: "limited@bigcorp.example" });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("an allow-listed client address reads without signing in", async () => {
    await updateViewerSettings(seed.ctx, {
      visibility: "private",
      magicLinkEnabled: true,
      allowedDomains: "",
      ipAllowList: "127.0.0.1",
    });
    await settle();
    const home = await get(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(home.body.toString()).not.toContain(RESTRICTED.component);
    expect(home.headers["cache-control"]).toMatch(/private/);
  });
});
