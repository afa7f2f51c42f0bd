// The leak matrix (issue 13): every public surface × anonymous / another
// audience / the restricted things' own audience, on one real server. A
// restricted component, group, incident or internal note never reaches the
// first two — not even through an aggregate (banner, badge, uptime, OG card) —
// and does reach its own audience.
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Provider from "oidc-provider";
import { auditLog, channelTarget, outboxEmail, subscriber } from "../../db/schema";
import { NOT_FOUND_PAGE, VIEW_PREFIX } from "../../lib/snapshots/routes";
import { signFlow, updateViewerOidc } from "../../lib/viewers/oidc";
import { createViewerToken, revokeViewerToken, updateViewerSettings } from "../../lib/viewers/settings";
import { freePort, startServer, type RunningServer } from "../helpers/server";
import { eventually, untilEdgeCurrent } from "../helpers/wait";
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
  // The public site with the writes made on the side (the edge sees them through its watcher or its poll).
  await untilEdgeCurrent(server);
}, 60_000);
afterAll(() => server.stop());

type Saved = { savedAt: string; entries: { key: string; identity: string }[] };
/**
 * data/snapshots.json as saved at or after `t`. Saves are debounced: 1 s after a render, or 20 times the last save's
 * duration (lib/snapshots/store.ts), longer on a slow disk.
 */
const savedSince = (t: number, what: string) =>
  eventually(`a save of data/snapshots.json ${what}`, () => {
    const saved = JSON.parse(readFileSync(path.join(server.dataDir, "snapshots.json"), "utf8")) as Saved;
    expect(Date.parse(saved.savedAt), "savedAt").toBeGreaterThanOrEqual(t);
    return saved;
  });

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
  // The script reads /embed with the token it was loaded with (lib/embed/widget.ts): it carries no status itself.
  "embed iframe, by token": { path: () => "/embed", via: "token", ownSees: () => [RESTRICTED.incident] },
  "embed script": { path: () => "/embed.js", via: "token" },
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

  it("impact leak: a public incident's impact counts only the components its reader may see", async () => {
    const impacts = async (r: Reader) => {
      const body = JSON.parse((await ask(r, "/api/v2/incidents.json", "token")).body.toString());
      const summary = JSON.parse((await ask(r, "/api/v2/summary.json", "token")).body.toString());
      const mine = (list: { id: string; impact: string }[]) => list.find((i) => i.id === seed.mixedIncident.id)?.impact;
      return [mine(body.incidents), mine(summary.incidents)];
    };
    expect(await impacts("anonymous")).toEqual(["minor", "minor"]);
    expect(await impacts("other")).toEqual(["minor", "minor"]);
    expect(await impacts("own")).toEqual(["critical", "critical"]);
    // The incident page says (and colours) the same.
    const page = async (r: Reader) => (await ask(r, `/incidents/${seed.mixedIncident.id}`, "cookie")).body.toString();
    for (const r of ["anonymous", "other"] as const) {
      expect(await page(r)).toContain("Minor impact");
      expect(await page(r)).not.toContain("Critical impact");
    }
    expect(await page("own")).toContain("Critical impact");
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

  it("only the anonymous site is saved to disk: no audience view in data/snapshots.json", async () => {
    // The matrix above rendered every view. One more, no one asked for yet, rendered now: a save follows it, made
    // with the views in memory.
    const asked = Date.now();
    const fresh = await get(`${server.url}/history?page=1`, { cookie: viewerCookieFor("ops@acme.example") });
    expect(fresh.status).toBe(200);
    expect(fresh.headers["x-herald-snapshot"], "a view rendered by this request").toBe("MISS");
    const saved = await savedSince(asked, "after a view was rendered");
    expect(saved.entries.length).toBeGreaterThan(0);
    for (const e of saved.entries) {
      expect(e.key.startsWith(VIEW_PREFIX), e.key).toBe(false);
      const body = Buffer.from(e.identity, "base64").toString("latin1");
      for (const x of restrictedStrings()) expect(body, `${e.key} must not hold ${x}`).not.toContain(x);
    }
  });

  it("a restricted incident cannot be followed from the public form, even with a forged viewer cookie", async () => {
    const follow = (email: string, incident: string, cookie?: string) =>
      fetch(`${server.url}/subscriptions/follow`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams({ email, incident }).toString(),
      });
    const subscribed = async (email: string) =>
      (await seed.ctx.db.select().from(subscriber).where(eq(subscriber.email, email))).length;
    const forged = viewerCookieFor("boss@bigco.example").replace(/.(?=.{5}$)/, (c) => (c === "A" ? "B" : "A"));
    const secret = await follow("nosy@elsewhere.example", seed.secretIncident.id, forged);
    const open = await follow("curious@elsewhere.example", seed.publicIncident.id);
    // The same answer to both; only the public incident's follower is asked to confirm.
    expect([secret.status, secret.headers.get("location")]).toEqual([open.status, open.headers.get("location")]);
    expect(await subscribed("curious@elsewhere.example")).toBe(1);
    expect(await subscribed("nosy@elsewhere.example")).toBe(0);
  });

  it("a forged, expired or foreign-secret cookie and an unknown token read as anonymous or are refused", async () => {
    // One character inside the signature changed (the last one also carries unused bits: lib/viewers/signed.test.ts).
    const forged = viewerCookieFor("boss@bigco.example").replace(/.(?=.{5}$)/, (c) => (c === "A" ? "B" : "A"));
    expect((await get(`${server.url}/`, { cookie: forged })).body.toString()).not.toContain(RESTRICTED.component);
    // The same signature spelled another way (its last character's unused bits set) is not the signed value either.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const respelled = viewerCookieFor("boss@bigco.example").replace(/.$/, (c) => alphabet[alphabet.indexOf(c) + 1]);
    expect((await get(`${server.url}/`, { cookie: respelled })).body.toString()).not.toContain(RESTRICTED.component);
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
  /**
   * Until the edge has read the settings just written beside it (with its watcher or its poll): it answers a view at
   * the database's content version, and a view's access is read with the version.
   */
  const settle = () => untilEdgeCurrent(server, [`/api/v2/status.json?token=${seed.tokens.own}`]);
  const cookieOf = (r: Response) => (r.headers.get("set-cookie") ?? "").split(";")[0];

  /** When the page went private: the saved file must come from a save after it. */
  let switchedAt = 0;

  beforeAll(async () => {
    switchedAt = Date.now();
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

  it("keeps no anonymous page from its public days, in memory or in data/snapshots.json", async () => {
    // The switch to private dropped the public site and scheduled a save: read the first save after the switch.
    const saved = await savedSince(switchedAt, "after the switch to private");
    expect(saved.entries.map((e) => e.key).filter((k) => k !== NOT_FOUND_PAGE)).toEqual([]);
  });

  it("lists no component on the subscription pages to a stranger, and offers no webhook or chat form", async () => {
    const subscribe = await get(`${server.url}/subscriptions`);
    expect(subscribe.status).toBe(200);
    const html = subscribe.body.toString();
    expect(html).toContain('name="email"');
    for (const name of ["Public API", RESTRICTED.component, RESTRICTED.grouped]) expect(html).not.toContain(name);
    const channels = (await get(`${server.url}/subscriptions/channels`)).body.toString();
    expect(channels).toContain("This status page is private");
    expect(channels).not.toContain('name="url"');
  });

  it("takes no webhook or chat target from a stranger, and says why", async () => {
    const targets = async () => (await seed.ctx.db.select({ id: channelTarget.id }).from(channelTarget)).length;
    const before = await targets();
    const res = await form("/subscriptions/channels/new", {
      kind: "webhook",
      url: "https://hooks.example.com/in",
      events: "incidents",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/subscriptions/channels?error=private");
    expect(await targets()).toBe(before);
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
    // Granted by the address alone: another site's script in the same reader's browser would be granted too, so no
    // CORS header lets it read the answer. With the viewer token in the URL (shared on purpose), the usual CORS.
    for (const p of ["/api/v2/summary.json", "/history.json", "/embed", "/embed.js"]) {
      const byAddress = await get(`${server.url}${p}`, { origin: "https://elsewhere.example" });
      expect(byAddress.status, p).toBe(200);
      expect(byAddress.headers["access-control-allow-origin"], p).toBeUndefined();
      const byToken = await get(`${server.url}${p}?token=${seed.tokens.own}`, { origin: "https://elsewhere.example" });
      expect(byToken.headers["access-control-allow-origin"], p).toBe("*");
    }
  });

  describe("viewer single sign-on (OIDC, against oidc-provider)", () => {
    const CLIENT = { id: "herald-viewers", secret: "viewer-client-secret-that-must-never-leak-42" };
    let idp: Server;
    let issuer: string;

    beforeAll(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      // Its development login screen accepts any login name, which becomes the account's email.
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: CLIENT.id,
            client_secret: CLIENT.secret,
            redirect_uris: [`${server.url}/viewer/oidc/callback`],
            grant_types: ["authorization_code"],
            response_types: ["code"],
          },
        ],
        claims: { openid: ["sub"], email: ["email", "email_verified"] },
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, email: id, email_verified: true }) }),
        pkce: { required: () => true },
        cookies: { keys: ["test-only-cookie-key"] },
      });
      idp = createServer(provider.callback());
      await new Promise<void>((r) => idp.listen(port, "127.0.0.1", r));
      await updateViewerSettings(seed.ctx, {
        visibility: "private",
        magicLinkEnabled: false,
        allowedDomains: "",
        ipAllowList: "",
      });
      await updateViewerOidc(seed.ctx, { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret });
      await settle();
    });
    afterAll(() => new Promise((r) => idp?.close(r)));

    /** Herald's start → the provider's login and consent → the callback URL Herald is sent back to (not yet opened). */
    async function throughProvider(email: string): Promise<{ callback: string; flow: string }> {
      const start = await form("/viewer/oidc/start", { next: "/history" });
      expect(start.status).toBe(303);
      const flow = cookieOf(start);
      expect(flow).toMatch(/^herald_viewer_oidc=/);
      let url = start.headers.get("location")!;
      expect(url.startsWith(issuer)).toBe(true);
      const jar = new Map<string, string>();
      const take = (res: Response) => {
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(";");
          jar.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
        }
      };
      const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
      for (let hop = 0; hop < 12; hop++) {
        if (url.startsWith(server.url)) return { callback: url.slice(server.url.length), flow };
        let res = await fetch(url, { headers: { cookie: cookie() }, redirect: "manual" });
        take(res);
        if (res.status === 200 && /\/interaction\//.test(url)) {
          const prompt = /name="prompt" value="(\w+)"/.exec(await res.text())?.[1];
          res = await fetch(url, {
            method: "POST",
            headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(
              prompt === "login" ? { prompt, login: email, password: "x" } : { prompt: "consent" },
            ),
            redirect: "manual",
          });
          take(res);
        }
        url = new URL(res.headers.get("location")!, url).toString();
      }
      throw new Error("too many redirects");
    }
    const callback = (path: string, flow?: string) =>
      fetch(`${server.url}${path}`, { redirect: "manual", headers: flow ? { cookie: flow } : {} });
    const viewerCookieOf = (r: Response) => r.headers.getSetCookie().find((c) => c.startsWith("herald_viewer="));

    it("a member signs in through the provider and sees their audience's view", async () => {
      const signIn = await (await fetch(`${server.url}/viewer/sign-in`)).text();
      expect(signIn).toContain("Sign in with single sign-on");
      const { callback: back, flow } = await throughProvider("boss@bigco.example");
      const done = await callback(back, flow);
      expect(done.status).toBe(303);
      expect(done.headers.get("location")).toBe("/history");
      const cookie = viewerCookieOf(done)!.split(";")[0];
      // The flow cookie is spent.
      expect(done.headers.getSetCookie().some((c) => /^herald_viewer_oidc=;.*Max-Age=0/.test(c))).toBe(true);
      const home = await get(`${server.url}/`, { cookie });
      expect(home.status).toBe(200);
      expect(home.body.toString()).toContain(RESTRICTED.incident);
      // The same code cannot be used twice.
      expect((await callback(back, flow)).headers.get("location")).toBe("/viewer/sign-in?error=oidc");
    });

    it("an address that may not read the page is refused after the provider signs it in", async () => {
      const { callback: back, flow } = await throughProvider("who@nowhere.example");
      const done = await callback(back, flow);
      expect(done.headers.get("location")).toBe("/viewer/sign-in?error=oidc_denied");
      expect(viewerCookieOf(done)).toBeUndefined();
    });

    it("state and nonce are checked: another flow's cookie, no cookie, or a changed nonce sign no one in", async () => {
      const a = await throughProvider("boss@bigco.example");
      const b = await throughProvider("boss@bigco.example");
      for (const [path, flow] of [
        [b.callback, a.flow], // a's state does not match b's answer
        [b.callback, undefined], // no flow of this browser's (a link from elsewhere)
      ] as const) {
        const r = await callback(path, flow);
        expect(r.headers.get("location")).toBe("/viewer/sign-in?error=oidc");
        expect(viewerCookieOf(r)).toBeUndefined();
      }
      // b's own flow (state and PKCE right) with another nonce: the ID token's nonce does not match.
      const value = b.flow.slice(b.flow.indexOf("=") + 1);
      const payload = JSON.parse(Buffer.from(value.split(".")[0], "base64url").toString());
      const forged = `herald_viewer_oidc=${signFlow({ ...payload, nonce: "another-nonce" }, SECRET)}`;
      const r = await callback(b.callback, forged);
      expect(r.headers.get("location")).toBe("/viewer/sign-in?error=oidc");
      expect(viewerCookieOf(r)).toBeUndefined();
    });

    it("the client secret never reaches a page, a log or the audit log", async () => {
      expect(await (await fetch(`${server.url}/viewer/sign-in`)).text()).not.toContain(CLIENT.secret);
      expect(server.output()).not.toContain(CLIENT.secret);
      const audits = await server.db.select().from(auditLog);
      expect(JSON.stringify(audits)).not.toContain(CLIENT.secret);
      expect(JSON.stringify(audits)).toContain("viewers.oidc");
    });
  });
});
