import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { request } from "node:http";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIncident } from "../../lib/incidents/incidents";
import { CLI_ACTOR } from "../../lib/context";
import { setupOwner } from "../../lib/users/users";
import { startServer, type RunningServer } from "../helpers/server";
import { scriptArgs } from "../helpers/scripts";
import { untilEdgeCurrent } from "../helpers/wait";

// The edge as an attacker meets it (issue: the status page holds under hostile
// traffic): every limit through the real server, with forged headers, cookies
// and bodies.

const root = path.resolve(import.meta.dirname, "../..");
const OWNER = { name: "Olive Owner", email: "owner@example.com", password: "correct horse battery" };

const signIn = (s: RunningServer, email: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: s.url, ...headers },
    body: JSON.stringify({ email, password }),
  });

/** Snapshot renders the server logged for a key (or all of them). */
const renders = (s: RunningServer, key?: string) =>
  s
    .output()
    .split("\n")
    .filter((l) => l.includes("snapshot render ") && (!key || l.includes(`render ${key} `))).length;

/** A raw request, for bodies fetch won't send (a declared length it never completes, chunked streams). */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; chunks?: Buffer[]; partial?: Buffer },
) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    rawHeaders: string[];
    body: string;
    ms: number;
  }>((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: opts.method ?? "POST", headers: opts.headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body,
          ms: performance.now() - started,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.partial)
      req.write(opts.partial); // and never the rest
    else {
      for (const c of opts.chunks ?? []) req.write(c);
      req.end();
    }
  });
}

describe("the edge with default settings (no trusted proxy)", { timeout: 120_000 }, () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer();
    await setupOwner(s.db, new Date(), OWNER);
  });
  afterAll(() => s?.stop());

  it("ignores X-Forwarded-For: rotating it does not escape the per-address sign-in limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await signIn(s, `nobody${i}@example.com`, "wrong password!", { "x-forwarded-for": `198.51.100.${i}` })).status,
      );
    expect(statuses.slice(0, 10).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(s.output()).not.toContain("could not determine a client IP");
    // A production start on plain http says so loudly.
    expect(s.output()).toMatch(/WARNING HERALD_URL \(http:\/\/127\.0\.0\.1:\d+\) is not https/);
  });

  it("serves the snapshot to a forged session cookie, and to every other cookie", async () => {
    await fetch(`${s.url}/`);
    const before = renders(s, "/");
    for (const cookie of [
      "herald.session_token=anything",
      "herald.session_token=abc.def",
      "__Secure-herald.session_token=x",
      `herald.session_token=${"a".repeat(3000)}`,
    ]) {
      const res = await fetch(`${s.url}/`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-herald-snapshot")).toBe("HIT");
    }
    expect(renders(s, "/")).toBe(before);
  });

  it("answers a public GET that carries a body from the snapshot, with the headers of any other hit", async () => {
    const plain = await fetch(`${s.url}/`);
    const withBody = await raw(`${s.url}/`, {
      method: "GET",
      headers: { "content-type": "text/plain", "content-length": "3" },
      chunks: [Buffer.from("x=1")],
    });
    expect(withBody.status).toBe(200);
    expect(withBody.headers["x-herald-snapshot"]).toBe("HIT");
    // Every field as sent, none twice (a client's parser would keep only the first etag or content-type).
    const fields = withBody.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(fields.length).toBe(new Set(fields).size);
    const sent = [...plain.headers.keys()].filter(
      (n) => !["date", "content-encoding", "content-length", "x-herald-snapshot"].includes(n),
    );
    for (const name of sent) expect(withBody.headers[name], name).toBe(plain.headers.get(name));
    expect(sent).toEqual(expect.arrayContaining(["etag", "referrer-policy", "x-content-type-options", "vary"]));
    expect(withBody.body).toBe(await plain.text());
  });

  it("never renders for random ids, paths, query strings or headers a stranger sends", async () => {
    // The last one is the 404 page, rendered once per version.
    for (const p of ["/", "/api/v2/summary.json", "/incidents/zzzz0000zzzz"]) await fetch(`${s.url}${p}`);
    const before = renders(s);
    const hostile: [string, Record<string, string>][] = [
      ["/incidents/abc123def456", {}],
      ["/incidents/qqqqqqqqqqqq/og.png", {}],
      ["/components/nope00000000/badge.svg", {}],
      ["/history?page=987654", {}],
      ["/history?page=-1", {}],
      ["/history?page=abc", {}],
      ["/wp-login.php", {}],
      ["/.env", {}],
      ["/a/b/c/d/e", {}],
      ["/api/v2/nothing.json", {}],
      ["/?utm_source=x&cachebust=12345", {}],
      ["/api/v2/summary.json?callback=x", {}],
      ["/", { accept: "application/json" }],
      ["/", { "accept-encoding": "zstd, deflate, identity;q=0" }],
      ["/", { range: "bytes=0-10" }],
      ["/", { "if-none-match": '"forged"' }],
    ];
    for (const [p, headers] of hostile) {
      for (const method of ["GET", "HEAD"]) {
        const res = await fetch(`${s.url}${p}`, { method, headers });
        expect(res.status, `${method} ${p}`).toBeLessThan(500);
        if (
          p.startsWith("/incidents/") ||
          p.startsWith("/components/") ||
          p.startsWith("/history?") ||
          p.startsWith("/wp") ||
          p.startsWith("/.") ||
          p.startsWith("/a/") ||
          p.startsWith("/api/v2/nothing")
        )
          expect(res.status, `${method} ${p}`).toBe(404);
      }
    }
    expect(renders(s)).toBe(before);
  });

  it("renders a real incident page once it exists, and the 404 page only once per version", async () => {
    const { incident } = await createIncident(
      { db: s.db, now: () => new Date(), actor: CLI_ACTOR },
      { name: "Real one", body: "Looking", notify: false },
    );
    // Written beside the server: the edge sees it through its file watcher or its version poll.
    await untilEdgeCurrent(s, [`/incidents/${incident.id}`]);
    const res = await fetch(`${s.url}/incidents/${incident.id}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Real one");
  });

  it("refuses a 64 MB form body before reading it, and a chunked one while it streams", async () => {
    const declared = await raw(`${s.url}/subscriptions/new`, {
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(64 * 1024 * 1024) },
      partial: Buffer.from("email=a%40example.com&"),
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain("64 KB");
    const chunked = await raw(`${s.url}/subscriptions/new`, {
      headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      chunks: Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, "a")),
    });
    expect(chunked.status).toBe(413);
    // A small chunked form still works: the edge counts it and hands it on.
    const small = await raw(`${s.url}/subscriptions/new`, {
      headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      chunks: [Buffer.from("email=chunked%40exam"), Buffer.from("ple.com")],
    });
    expect(small.status).toBe(303);
    const [{ n }] = await s.db.all<{ n: number }>(
      sql`select count(*) as n from subscriber where email = 'chunked@example.com'`,
    );
    expect(n).toBe(1);
  });

  it(
    "counts 15 more subscriptions from one client under its " +
      "per-address limit of 10 an hour whatever X-Forwarded-For " +
      "says",
    async () => {
      for (let i = 0; i < 15; i++) {
        const res = await fetch(`${s.url}/subscriptions/new`, {
          method: "POST",
          redirect: "manual",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": `203.0.113.${i}`,
            "x-real-ip": `203.0.113.${i}`,
          },
          body: new URLSearchParams({ email: `bomb${i}@example.com` }),
        });
        expect(res.status).toBe(303);
      }
      // One was the chunked form above: 9 of these 15 get through.
      const [{ n }] = await s.db.all<{ n: number }>(
        sql`select count(*) as n from notification where kind = 'subscription_confirmation'`,
      );
      expect(n).toBe(10);
    },
  );

  it("caps the management API at 1 MB and webhooks at 256 KB", async () => {
    const v1 = await raw(`${s.url}/api/v1/pages`, {
      headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
      partial: Buffer.from("{"),
    });
    expect(v1.status).toBe(413);
    expect(v1.body).toContain("1 MB");
    const hook = await raw(`${s.url}/api/webhooks/resend`, {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: Array.from({ length: 40 }, () => Buffer.alloc(8 * 1024, " ")),
    });
    expect(hook.status).toBe(413);
  });

  it(
    "sends nosniff everywhere, a CSP that allows only what " + "public pages use, and keeps the console unframeable",
    async () => {
      for (const p of ["/", "/api/v2/summary.json", "/history.rss", "/admin/login", "/nope"]) {
        const res = await fetch(`${s.url}${p}`, { redirect: "manual" });
        expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
        // Plain http here: no HSTS.
        expect(res.headers.get("strict-transport-security"), p).toBeNull();
      }
      const home = await fetch(`${s.url}/`);
      const csp = home.headers.get("content-security-policy")!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      // Every script the page keeps is allowed by its hash, and nothing else.
      const html = await home.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
      expect((csp.match(/'sha256-/g) ?? []).length).toBe(scripts.length);
      expect((await fetch(`${s.url}/embed`)).headers.get("content-security-policy")).toContain("frame-ancestors *");
      const login = await fetch(`${s.url}/admin/login`);
      expect(login.headers.get("x-frame-options")).toBe("DENY");
    },
  );

  it("redirects signed-out and forged-cookie console GETs to the login page without rendering them", async () => {
    for (const cookie of [undefined, "herald.session_token=forged.c2lnbmF0dXJl"]) {
      const res = await fetch(`${s.url}/admin/subscribers`, { redirect: "manual", headers: cookie ? { cookie } : {} });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/admin/login");
    }
  });
});

describe("the edge behind a trusted proxy (HERALD_TRUSTED_PROXIES=1)", { timeout: 120_000 }, () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ env: { HERALD_TRUSTED_PROXIES: "1" } });
    await setupOwner(s.db, new Date(), OWNER);
  });
  afterAll(() => s?.stop());

  it("says at start which client address it trusts", () => {
    expect(s.output()).toContain("1 trusted proxy hop(s)");
  });

  it(
    "locks an account after 5 wrong passwords from any " +
      "addresses, answers 429 with Retry-After, and the CLI " +
      "unlocks it",
    async () => {
      // The proxy appends the real client last; the left-most entries are the attacker's own words.
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 12; i++) {
        last = await signIn(s, OWNER.email, "wrong password!", { "x-forwarded-for": `10.0.0.1, 198.51.100.${i}` });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
      const retry = Number(last!.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(15 * 60);
      // The owner, from a fresh address, with the right password: still locked.
      expect((await signIn(s, OWNER.email, OWNER.password, { "x-forwarded-for": "192.0.2.77" })).status).toBe(429);
      const cli = await promisify(execFile)(
        process.execPath,
        [...scriptArgs("scripts/herald.ts"), "unlock-sign-in", "--email", OWNER.email],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: s.databaseUrl, HERALD_DATA_DIR: s.dataDir },
        },
      );
      expect(cli.stdout).toContain("unlocked");
      expect((await signIn(s, OWNER.email, OWNER.password, { "x-forwarded-for": "192.0.2.77" })).status).toBe(200);
    },
  );

  it("never counts right passwords: six sign-ins in a row all succeed", async () => {
    for (let i = 0; i < 6; i++)
      expect((await signIn(s, OWNER.email, OWNER.password, { "x-forwarded-for": `192.0.2.${100 + i}` })).status).toBe(
        200,
      );
  });
});

describe("the edge with an https public URL and a tight per-address limit", { timeout: 120_000 }, () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({
      env: { HERALD_URL: "https://status.example.com", HERALD_EDGE_RATE_PER_SEC: "0.01", HERALD_EDGE_BURST: "5" },
    });
  });

  it("bounds a stranger's requests that reach the application, never the public pages", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await fetch(`${s.url}/subscriptions/check-email`, { headers: { "x-forwarded-for": `198.51.100.${i}` } }))
          .status,
      );
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await fetch(`${s.url}/admin/login`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 30; i++) expect((await fetch(`${s.url}/`)).status).toBe(200);
  });
  afterAll(() => s?.stop());

  it("sends Strict-Transport-Security", async () => {
    for (const p of ["/", "/admin/login"])
      expect((await fetch(`${s.url}${p}`, { redirect: "manual" })).headers.get("strict-transport-security"), p).toBe(
        "max-age=31536000",
      );
  });
});
