// Staff accounts end to end against the real server: single sign-on with the
// maintained `oidc-provider` package as the identity provider, two-factor
// with codes computed by otplib from the enrolment secret, the required-2FA
// policy on the next request, and password reset links read back from the
// Outbox (no email provider: outbox mode, as a fresh install runs).
import { createServer, type Server } from "node:http";
import { and, eq, like } from "drizzle-orm";
import Provider from "oidc-provider";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { apiKey, auditLog, outboxEmail, session, twoFactor, user, verification } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { updateAuthSettings } from "@/lib/auth/policy";
import type { Ctx } from "@/lib/context";
import { createOutboxMailer } from "@/lib/email/outbox";
import { inviteUser } from "@/lib/users/invitations";
import { createUser, removeUser, setupOwner } from "@/lib/users/users";
import { freePort, startServer, type RunningServer } from "../helpers/server";

const OWNER = { name: "Olivia Owner", email: "owner@acme.test", password: "correct horse battery" };
const CLIENT = { id: "herald-console", secret: "a-client-secret-that-must-never-leak-0123456789" };

let server: RunningServer;
let idp: Server;
let issuer: string;
let owner: Ctx;
let nextIp = 1;

/** A tiny cookie jar per party (Herald and the identity provider keep separate cookies). */
class Jar {
  private cookies = new Map<string, string>();
  /** Each browser its own address (the server trusts one proxy hop), so per-address limits don't mix tests. */
  readonly ip = `10.9.${(nextIp >> 8) & 255}.${nextIp++ & 255}`;
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (!value || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(prefix: string) {
    return [...this.cookies.keys()].some((k) => k.startsWith(prefix));
  }
}

/**
 * fetch, retried once when a kept-alive connection was reset under it (the
 * server closed an idle socket as it was reused: the request never arrived).
 */
async function fetchOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw err;
    return fetch(url, init);
  }
}

async function api(path: string, jar: Jar, body?: unknown): Promise<Response> {
  const res = await fetchOnce(`${server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      cookie: jar.header(),
      origin: server.url,
      "x-forwarded-for": jar.ip,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  jar.take(res);
  return res;
}

/**
 * A console request that finds no valid session goes to the login page (303 from the edge without a cookie, 307
 * from Next with a dead one).
 */
async function expectSignedOut(jar: Jar, path = "/admin") {
  const res = await api(path, jar);
  expect([303, 307]).toContain(res.status);
  expect(res.headers.get("location")).toMatch(/\/admin\/login$/);
}

async function signIn(email: string, password: string) {
  const jar = new Jar();
  const res = await api("/api/auth/sign-in/email", jar, { email, password });
  return { jar, res, body: (await res.json()) as { twoFactorRedirect?: boolean; code?: string } };
}

beforeAll(async () => {
  server = await startServer({ env: { HERALD_SIGNIN_FAILURES_PER_ACCOUNT: "4", HERALD_TRUSTED_PROXIES: "1" } });
  const db = server.db as Db;
  const o = await setupOwner(db, new Date(), OWNER);
  owner = { db, now: () => new Date(), actor: { type: "user", id: o.id, label: o.email, role: "owner" } };

  // The identity provider: oidc-provider with its development login screen (any login name is accepted and
  // becomes the subject).
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${server.url}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: `sub-${id}`, email: id, email_verified: true, name: id.split("@")[0] }),
    }),
    pkce: { required: () => true },
    cookies: { keys: ["test-only-cookie-key"] },
  });
  idp = createServer(provider.callback());
  await new Promise<void>((r) => idp.listen(port, "127.0.0.1", r));
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((r) => idp?.close(r));
});

/**
 * One SSO sign-in as `email`, the way a browser does it: Herald's sign-in
 * endpoint → the provider's login and consent screens → Herald's callback.
 * Returns where Herald finally sends the browser and the Herald cookies.
 */
async function ssoSignIn(email: string): Promise<{ location: string; jar: Jar }> {
  const herald = new Jar();
  const idpJar = new Jar();
  const start = await api("/api/auth/sign-in/social", herald, {
    provider: "oidc",
    callbackURL: "/admin",
    errorCallbackURL: "/admin/login",
  });
  expect(start.status).toBe(200);
  let url: string = ((await start.json()) as { url: string }).url;
  expect(url.startsWith(issuer)).toBe(true);
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(server.url)) {
      const res = await api(url.slice(server.url.length), herald);
      return { location: res.headers.get("location") ?? "", jar: herald };
    }
    let res = await fetchOnce(url, { headers: { cookie: idpJar.header() }, redirect: "manual" });
    idpJar.take(res);
    if (res.status === 200 && /\/interaction\//.test(url)) {
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      const form = new URLSearchParams(
        prompt === "login" ? { prompt, login: email, password: "x" } : { prompt: prompt ?? "consent" },
      );
      res = await fetchOnce(url, {
        method: "POST",
        headers: { cookie: idpJar.header(), "content-type": "application/x-www-form-urlencoded" },
        body: form,
        redirect: "manual",
      });
      idpJar.take(res);
    }
    const next = res.headers.get("location");
    if (!next) throw new Error(`stuck at ${url}: ${res.status} ${await res.text()}`);
    url = new URL(next, url).toString();
  }
  throw new Error("too many redirects");
}

describe("single sign-on (OIDC)", () => {
  beforeAll(async () => {
    await updateAuthSettings(owner, {
      requireTwoFactor: false,
      oidcIssuer: issuer,
      oidcClientId: CLIENT.id,
      oidcClientSecret: CLIENT.secret,
      oidcJit: true,
      ssoDomains: [
        { domain: "acme.test", role: "editor", passwordSignIn: true },
        { domain: "sso.acme.test", role: "viewer", passwordSignIn: false },
      ],
    });
  });

  it("first sign-in creates the account with the domain's role and a session that opens the console", async () => {
    const { location, jar } = await ssoSignIn("ann@acme.test");
    expect(location).toBe("/admin");
    const ann = (await server.db.select().from(user).where(eq(user.email, "ann@acme.test")))[0];
    expect(ann.role).toBe("editor");
    const page = await api("/admin", jar);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ann@acme.test");
    expect(
      await server.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "user.sso_create"), eq(auditLog.entityId, ann.id))),
    ).toHaveLength(1);
    // A second sign-in finds the same account.
    await ssoSignIn("ann@acme.test");
    expect(await server.db.select().from(user).where(eq(user.email, "ann@acme.test"))).toHaveLength(1);
  });

  it("an address at a domain that is not enabled is refused, and no account is created", async () => {
    const { location, jar } = await ssoSignIn("eve@elsewhere.test");
    expect(location).toMatch(/^\/admin\/login\?error=/);
    expect(jar.has("herald.session_token")).toBe(false);
    expect(await server.db.select().from(user).where(eq(user.email, "eve@elsewhere.test"))).toHaveLength(0);
    const login = await api(location, new Jar());
    expect(await login.text()).toContain("no access to this console");
  });

  it("a domain taken off the list is refused from the next sign-in, even with an account", async () => {
    await ssoSignIn("bob@sso.acme.test");
    expect((await server.db.select().from(user).where(eq(user.email, "bob@sso.acme.test")))[0].role).toBe("viewer");
    await updateAuthSettings(owner, {
      requireTwoFactor: false,
      oidcIssuer: issuer,
      oidcClientId: CLIENT.id,
      oidcClientSecret: "",
      oidcJit: true,
      ssoDomains: [{ domain: "acme.test", role: "editor", passwordSignIn: true }],
    });
    const again = await ssoSignIn("bob@sso.acme.test");
    expect(again.location).toMatch(/^\/admin\/login\?error=/);
    await updateAuthSettings(owner, {
      requireTwoFactor: false,
      oidcIssuer: issuer,
      oidcClientId: CLIENT.id,
      oidcClientSecret: "",
      oidcJit: false,
      ssoDomains: [
        { domain: "acme.test", role: "editor", passwordSignIn: true },
        { domain: "sso.acme.test", role: "viewer", passwordSignIn: false },
      ],
    });
  });

  it("without just-in-time creation only invited people get in, with the invitation's role", async () => {
    const stranger = await ssoSignIn("carl@acme.test");
    expect(stranger.location).toMatch(/^\/admin\/login\?error=/);
    await inviteUser(
      owner,
      { mailer: createOutboxMailer(server.db as Db), defaultFrom: "x <x@acme.test>", consoleUrl: server.url },
      { email: "dana@acme.test", role: "admin" },
    );
    expect((await ssoSignIn("dana@acme.test")).location).toBe("/admin");
    expect((await server.db.select().from(user).where(eq(user.email, "dana@acme.test")))[0].role).toBe("admin");
  });

  it("password sign-in and password reset are off for an SSO-only domain", async () => {
    await createUser(owner, { name: "Sam", email: "sam@sso.acme.test", password: "a long password 1", role: "viewer" });
    const { res, body } = await signIn("sam@sso.acme.test", "a long password 1");
    expect(res.status).toBe(403);
    expect(body.code).toBe("USE_SSO");
    const reset = await api("/api/auth/request-password-reset", new Jar(), { email: "sam@sso.acme.test" });
    expect(reset.status).toBe(403);
  });

  it("the client secret never reaches a browser or the logs", async () => {
    const { jar } = await signIn(OWNER.email, OWNER.password);
    const settings = await api("/admin/settings", jar);
    const html = await settings.text();
    expect(html).toContain(CLIENT.id);
    expect(html).not.toContain(CLIENT.secret);
    expect(server.output()).not.toContain(CLIENT.secret);
  });
});

/** The base32 secret of an enrolment, from its otpauth:// URI, as an authenticator app reads it. */
function secretOf(totpURI: string): string {
  return new URL(totpURI).searchParams.get("secret")!;
}

describe("two-factor", () => {
  const TRUDY = { name: "Trudy", email: "trudy@example.com", password: "trudy's long password" };
  let secret = "";
  let recovery: string[] = [];

  it("enrols with a code computed from the secret; sign-in then wants a code, takes only the right one", async () => {
    await createUser(owner, { ...TRUDY, role: "editor" });
    const { jar } = await signIn(TRUDY.email, TRUDY.password);
    const enable = await api("/api/auth/two-factor/enable", jar, { password: TRUDY.password });
    expect(enable.status).toBe(200);
    const enrolment = (await enable.json()) as { totpURI: string; backupCodes: string[] };
    secret = secretOf(enrolment.totpURI);
    recovery = enrolment.backupCodes;
    expect(recovery).toHaveLength(10);
    // Not on until a code proves the app has the secret.
    expect((await server.db.select().from(user).where(eq(user.email, TRUDY.email)))[0].twoFactorEnabled).toBe(false);
    expect((await api("/api/auth/two-factor/verify-totp", jar, { code: await generate({ secret }) })).status).toBe(200);
    expect((await server.db.select().from(user).where(eq(user.email, TRUDY.email)))[0].twoFactorEnabled).toBe(true);

    const first = await signIn(TRUDY.email, TRUDY.password);
    expect(first.body.twoFactorRedirect).toBe(true);
    expect(first.jar.has("herald.session_token")).toBe(false);
    await expectSignedOut(first.jar);
    const wrong = await api("/api/auth/two-factor/verify-totp", first.jar, {
      code: "000000" === (await generate({ secret })) ? "111111" : "000000",
    });
    expect(wrong.status).toBe(401);
    const right = await api("/api/auth/two-factor/verify-totp", first.jar, { code: await generate({ secret }) });
    expect(right.status).toBe(200);
    expect((await api("/admin", first.jar)).status).toBe(200);
  });

  it("a recovery code works once", async () => {
    const a = await signIn(TRUDY.email, TRUDY.password);
    expect((await api("/api/auth/two-factor/verify-backup-code", a.jar, { code: recovery[0] })).status).toBe(200);
    expect((await api("/admin", a.jar)).status).toBe(200);
    const b = await signIn(TRUDY.email, TRUDY.password);
    expect((await api("/api/auth/two-factor/verify-backup-code", b.jar, { code: recovery[0] })).status).toBe(401);
    await expectSignedOut(b.jar);
  });

  it("wrong codes are limited like wrong passwords: the account locks, even for the right code", async () => {
    // HERALD_SIGNIN_FAILURES_PER_ACCOUNT=4 consecutive failures, across challenges (the wrong recovery code above
    // was one).
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const attempt = await signIn(TRUDY.email, TRUDY.password);
      const res = await api("/api/auth/two-factor/verify-totp", attempt.jar, {
        code: String((Number(await generate({ secret })) + 1 + i) % 1_000_000).padStart(6, "0"),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const locked = await signIn(TRUDY.email, TRUDY.password);
    const res = await api("/api/auth/two-factor/verify-totp", locked.jar, { code: await generate({ secret }) });
    expect(res.status).toBe(429);
    await expectSignedOut(locked.jar);
  });

  it("required two-factor is enforced on the next request of a session that was already signed in", async () => {
    const PAT = { name: "Pat", email: "pat@example.com", password: "pat's long password" };
    await createUser(owner, { ...PAT, role: "editor" });
    const { jar } = await signIn(PAT.email, PAT.password);
    expect((await api("/admin/components", jar)).status).toBe(200);
    await updateAuthSettings(owner, {
      requireTwoFactor: true,
      oidcIssuer: "",
      oidcClientId: "",
      oidcClientSecret: "",
      clearOidcSecret: true,
      oidcJit: false,
      ssoDomains: [],
    });
    const next = await api("/admin/components", jar);
    expect(next.status).toBe(307);
    expect(next.headers.get("location")).toBe("/admin/two-factor");
    expect((await api("/admin/two-factor", jar)).status).toBe(200);
    // Enrolling lifts it.
    const enable = (await (await api("/api/auth/two-factor/enable", jar, { password: PAT.password })).json()) as {
      totpURI: string;
    };
    expect(
      (
        await api("/api/auth/two-factor/verify-totp", jar, {
          code: await generate({ secret: secretOf(enable.totpURI) }),
        })
      ).status,
    ).toBe(200);
    expect((await api("/admin/components", jar)).status).toBe(200);
    await updateAuthSettings(owner, {
      requireTwoFactor: false,
      oidcIssuer: "",
      oidcClientId: "",
      oidcClientSecret: "",
      oidcJit: false,
      ssoDomains: [],
    });
  });
});

describe("password reset", () => {
  const RITA = { name: "Rita", email: "rita@example.com", password: "rita's first password" };

  async function lastResetToken(): Promise<string> {
    const rows = await server.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, RITA.email));
    const text = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).at(-1)!.text;
    return /\/admin\/reset\?token=([A-Za-z0-9_-]+)/.exec(text)![1];
  }

  it("the emailed link sets a new password once, ends the sessions, and is stored only hashed", async () => {
    await createUser(owner, { ...RITA, role: "viewer" });
    const before = await signIn(RITA.email, RITA.password);
    expect((await api("/api/auth/request-password-reset", new Jar(), { email: RITA.email })).status).toBe(200);
    const token = await lastResetToken();
    expect(
      await server.db
        .select()
        .from(verification)
        .where(like(verification.identifier, `%${token}%`)),
    ).toHaveLength(0);
    // Opening the link changes nothing.
    expect((await api(`/admin/reset?token=${token}`, new Jar())).status).toBe(200);
    expect(
      (await api("/api/auth/reset-password", new Jar(), { token, newPassword: "rita's second password" })).status,
    ).toBe(200);
    await expectSignedOut(before.jar);
    expect((await signIn(RITA.email, "rita's second password")).res.status).toBe(200);
    const again = await api("/api/auth/reset-password", new Jar(), { token, newPassword: "rita's third password" });
    expect(again.status).toBe(400);
    expect((await signIn(RITA.email, "rita's third password")).res.status).toBe(401);
  });

  it("a link older than an hour is refused", async () => {
    expect((await api("/api/auth/request-password-reset", new Jar(), { email: RITA.email })).status).toBe(200);
    const token = await lastResetToken();
    const row = (await server.db.select().from(verification).orderBy(verification.createdAt)).at(-1)!;
    // better-auth checks its own tokens against the system clock: age the stored expiry instead.
    await server.db
      .update(verification)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(verification.id, row.id));
    expect(
      (await api("/api/auth/reset-password", new Jar(), { token, newPassword: "rita's fourth password" })).status,
    ).toBe(400);
  });

  it("requests are limited per account (429 + Retry-After); an unknown address gets the same answer", async () => {
    const unknown = await api("/api/auth/request-password-reset", new Jar(), { email: "nobody@example.com" });
    expect(unknown.status).toBe(200);
    let limited: Response | undefined;
    for (let i = 0; i < 6 && !limited; i++) {
      const res = await api("/api/auth/request-password-reset", new Jar(), { email: RITA.email });
      if (res.status === 429) limited = res;
    }
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("removing a user", () => {
  it("works for an account with two-factor (its secret goes too)", async () => {
    const trudy = (await server.db.select().from(user).where(eq(user.email, "trudy@example.com")))[0];
    expect(trudy.twoFactorEnabled).toBe(true);
    await removeUser(owner, { userId: trudy.id });
    expect(await server.db.select().from(twoFactor).where(eq(twoFactor.userId, trudy.id))).toHaveLength(0);
    expect(await server.db.select().from(user).where(eq(user.id, trudy.id))).toHaveLength(0);
  });

  it("ends their sessions and revokes their API keys", async () => {
    const u = await createUser(owner, {
      name: "Rem",
      email: "rem@example.com",
      password: "rem's long password",
      role: "admin",
    });
    const { jar } = await signIn(u.email, "rem's long password");
    const asRem: Ctx = { ...owner, actor: { type: "user", id: u.id, label: u.email, role: "admin" } };
    await createApiKey(asRem, { name: "rem's key" });
    await removeUser(owner, { userId: u.id });
    await expectSignedOut(jar);
    expect(await server.db.select().from(session).where(eq(session.userId, u.id))).toHaveLength(0);
    const keys = await server.db.select().from(apiKey).where(eq(apiKey.createdByUserId, u.id));
    expect(keys.every((k) => k.revokedAt !== null)).toBe(true);
  });
});
