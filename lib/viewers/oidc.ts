// Viewer single sign-on (issue 13) through an OpenID Connect provider. The
// protocol is openid-client's (discovery, PKCE, state, nonce, ID-token
// checks). It is kept apart from staff SSO (lib/auth/sso.ts, better-auth's
// generic OAuth): a viewer is not an account. No user, account or session row
// is written; the flow ends in the same signed viewer cookie as a magic link
// (./session.ts), checked without the database, and who may sign in is the
// magic-link rule (audience members and allowed domains: access.keyOf).
//
// The flow's secrets (state, nonce, PKCE verifier, where to return) travel in
// a short-lived cookie signed with HERALD_SECRET, so a callback without the
// browser's own flow is refused before any request to the provider.
import * as oidc from "openid-client";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { viewerSettings, type ViewerSettings } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ValidationError } from "../errors";
import { sha256 } from "../ids";
import { bumpContentVersion, getPage } from "../page/page";
import { loadViewerAccess, loadViewerSettings } from "./access";
import { safeNext } from "./sign-in";
import { readSignedJson, signJson } from "./signed";

export const VIEWER_OIDC_START = "/viewer/oidc/start";
/** Register this path (under the page's public URL) as the redirect URI at the provider. */
export const VIEWER_OIDC_CALLBACK = "/viewer/oidc/callback";
export const OIDC_FLOW_COOKIE = "herald_viewer_oidc";
/** A sign-in at the provider must finish within this time. */
export const OIDC_FLOW_MS = 10 * 60 * 1000;
/** Discovery, token and userinfo requests give up after this. */
const PROVIDER_TIMEOUT_MS = 10_000;

export interface ViewerOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

type OidcColumns = Pick<ViewerSettings, "oidcIssuer" | "oidcClientId" | "oidcClientSecret">;

/** The configured client, or null when viewer SSO is off (any of the three missing). */
export function viewerOidcOf(s: OidcColumns): ViewerOidcConfig | null {
  if (!s.oidcIssuer || !s.oidcClientId || !s.oidcClientSecret) return null;
  return { issuer: s.oidcIssuer, clientId: s.oidcClientId, clientSecret: s.oidcClientSecret };
}

/** What the console may show: never the client secret, only whether one is stored. */
export function viewerOidcDto(s: OidcColumns) {
  return { issuer: s.oidcIssuer ?? "", clientId: s.oidcClientId ?? "", secretSet: !!s.oidcClientSecret };
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const ViewerOidcInput = z.strictObject({
  /** "" switches viewer SSO off (and forgets the client). */
  issuer: z.union([
    z.literal(""),
    z
      .url({ protocol: /^https?$/, message: "An https:// URL (http:// only on this machine, for a test)" })
      .max(500)
      .refine((u) => {
        const url = new URL(u);
        return url.protocol === "https:" || LOOPBACK.has(url.hostname);
      }, "An https:// URL (http:// only on this machine, for a test)"),
  ]),
  clientId: z.string().trim().max(500),
  /** "" keeps the stored secret. */
  clientSecret: z.string().trim().max(2000),
});
export type ViewerOidcInput = z.input<typeof ViewerOidcInput>;

/** Admin only. Audited without the secret (only whether it is set and whether it changed). */
export async function updateViewerOidc(ctx: Ctx, input: ViewerOidcInput): Promise<void> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(ViewerOidcInput, input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await loadViewerSettings(tx, p.id);
    const off = data.issuer === "";
    const next = {
      oidcIssuer: off ? null : data.issuer.replace(/\/+$/, ""),
      oidcClientId: off ? null : data.clientId || null,
      oidcClientSecret: off ? null : data.clientSecret || before.oidcClientSecret,
    };
    if (!off && (!next.oidcClientId || !next.oidcClientSecret))
      throw new ValidationError("Give the client id and secret the provider issued", {
        ...(next.oidcClientId ? {} : { clientId: ["Required"] }),
        ...(next.oidcClientSecret ? {} : { clientSecret: ["Required"] }),
      });
    const now = ctx.now();
    await tx
      .insert(viewerSettings)
      .values({ ...before, ...next, pageId: p.id, updatedAt: now })
      .onConflictDoUpdate({ target: viewerSettings.pageId, set: { ...next, updatedAt: now } });
    await audit(tx, ctx, {
      pageId: p.id,
      action: "viewers.oidc",
      entityType: "page",
      entityId: p.id,
      before: viewerOidcDto(before),
      after: { ...viewerOidcDto(next), secretChanged: next.oidcClientSecret !== before.oidcClientSecret },
    });
    await bumpContentVersion(tx, p.id, now);
  });
}

// ------------------------------------------------------------------ the flow

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export function signFlow(flow: Flow, secret: string): string {
  return signJson("viewer-oidc", flow, secret);
}

function readFlow(value: string | null | undefined, secret: string, now: number): Flow | null {
  const f = value ? (readSignedJson("viewer-oidc", value, secret, 2048) as Flow | null) : null;
  if (typeof f !== "object" || f === null) return null;
  const ok = [f.state, f.nonce, f.verifier, f.next].every((v) => typeof v === "string") && typeof f.exp === "number";
  return ok && f.exp > now ? f : null;
}

// Discovery once per client configuration (a failed one is asked again next time).
const configurations = new Map<string, Promise<oidc.Configuration>>();

function configurationOf(c: ViewerOidcConfig): Promise<oidc.Configuration> {
  const key = `${c.issuer}\n${c.clientId}\n${sha256(c.clientSecret)}`;
  let found = configurations.get(key);
  if (!found) {
    if (configurations.size >= 16) configurations.clear();
    const fetchWithTimeout: oidc.CustomFetch = (url, options) =>
      fetch(url, { ...options, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) } as RequestInit);
    found = oidc.discovery(new URL(c.issuer), c.clientId, c.clientSecret, undefined, {
      [oidc.customFetch]: fetchWithTimeout,
      // Only a loopback issuer may be http (ViewerOidcInput): a provider run for a test on this machine.
      execute: new URL(c.issuer).protocol === "http:" ? [oidc.allowInsecureRequests] : [],
    });
    configurations.set(key, found);
    found.catch(() => configurations.delete(key));
  }
  return found;
}

/** The provider's authorization URL for a new sign-in, and the signed flow cookie's value to set with it. */
export async function startViewerOidc(
  c: ViewerOidcConfig,
  opts: { base: string; next: string | null | undefined; secret: string; now: number },
): Promise<{ url: string; flow: string }> {
  const config = await configurationOf(c);
  const flow: Flow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    next: safeNext(opts.next),
    exp: opts.now + OIDC_FLOW_MS,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${opts.base}${VIEWER_OIDC_CALLBACK}`,
    scope: "openid email",
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, flow: signFlow(flow, opts.secret) };
}

export type ViewerOidcResult =
  | { kind: "signed_in"; email: string; next: string }
  /**
   * flow: no flow of this browser's (missing, forged, expired cookie); provider: the provider's answer failed a
   * check (state, nonce, PKCE, ID token) or an error; email: no verified email; not_allowed: the address may not
   * sign in to this page.
   */
  | { kind: "refused"; reason: "flow" | "provider" | "email" | "not_allowed"; detail?: string };

/**
 * Finishes a sign-in at the callback: checks the flow, exchanges the code (state, nonce and PKCE checked by
 * openid-client), and admits the email when it may read the page. `search` is the callback's query string.
 */
export async function finishViewerOidc(
  db: Tx,
  c: ViewerOidcConfig,
  opts: { base: string; search: string; flow: string | null | undefined; secret: string; now: number },
): Promise<ViewerOidcResult> {
  const flow = readFlow(opts.flow, opts.secret, opts.now);
  if (!flow) return { kind: "refused", reason: "flow" };
  let email: unknown;
  let verified: unknown;
  try {
    const config = await configurationOf(c);
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(`${opts.base}${VIEWER_OIDC_CALLBACK}${opts.search}`),
      { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true },
    );
    const claims = tokens.claims()!;
    ({ email, email_verified: verified } = claims);
    // Providers that follow the spec strictly put scope claims in userinfo, not in the ID token.
    if (typeof email !== "string") {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      ({ email, email_verified: verified } = info);
    }
  } catch (err) {
    // The error's name and code only: enough for the operator, and nothing the provider echoed.
    const e = err as { name?: string; code?: string; error?: string };
    return { kind: "refused", reason: "provider", detail: [e.name, e.code, e.error].filter(Boolean).join(" ") };
  }
  if (typeof email !== "string" || !email.includes("@") || verified === false)
    return { kind: "refused", reason: "email" };
  const address = email.trim().toLowerCase();
  const access = await loadViewerAccess(db, (await getPage(db)).id);
  if (access.keyOf(address) === null) return { kind: "refused", reason: "not_allowed" };
  return { kind: "signed_in", email: address, next: flow.next };
}
