// Viewer sign-in (issue 13): email magic links (single use, expiring, stored
// hashed, never logged, limited per address and per client) and the shared
// page password (limited per client). Both end in a signed session cookie
// (./session.ts); the public site never reads the database to check it.
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import { viewerMagicLink } from "@/db/schema";
import type { PublicCtx } from "../context";
import type { Mailer } from "../email/types";
import { headerSafe } from "../email/types";
import { newId, newToken, sha256 } from "../ids";
import { takeAllowance, windowCounter } from "../limits/counters";
import { getPage } from "../page/page";
import { publicBaseUrl } from "../public/page";
import { loadViewerAccess, loadViewerSettings } from "./access";
import { verifyPagePassword } from "./settings";

export const MAGIC_LINK_TTL_MS = 15 * 60 * 1000;
const MIN = 60_000;

export interface ViewerSignInLimits {
  /** Links per address per 15 minutes. */
  linksPerAddress: number;
  /** Link requests per client address per hour. */
  linksPerClient: number;
  /** Password attempts per client address per 15 minutes. */
  passwordPerClient: number;
}

export const DEFAULT_VIEWER_LIMITS: ViewerSignInLimits = {
  linksPerAddress: 3,
  linksPerClient: 10,
  passwordPerClient: 10,
};

export type Limited = { kind: "limited"; retryAfterMs: number };

export interface MagicLinkDeps {
  mailer: Mailer;
  /** HERALD_URL, when the page has no URL of its own. */
  fallbackUrl: string | undefined;
  /** HERALD_EMAIL_FROM. */
  from: string;
  limits?: ViewerSignInLimits;
}

/**
 * Sends a sign-in link when the address may sign in (a member of an audience,
 * or at an allowed domain) and magic links are on. The answer is the same
 * either way ("sent"), so the form tells no one who is a member; only the
 * limits answer differently.
 */
export async function requestMagicLink(
  ctx: PublicCtx,
  input: { email: string; ip: string; next?: string },
  deps: MagicLinkDeps,
): Promise<{ kind: "sent" } | Limited> {
  const parsed = z.string().trim().toLowerCase().max(320).pipe(z.email()).safeParse(input.email);
  if (!parsed.success) return { kind: "sent" };
  const email = parsed.data;
  const limits = deps.limits ?? DEFAULT_VIEWER_LIMITS;
  const now = ctx.now();
  const planned = await ctx.db.transaction(async (tx) => {
    const hit = await takeAllowance(
      tx,
      [
        windowCounter("viewerLinkAddress", email, limits.linksPerAddress, 15 * MIN, now.getTime()),
        windowCounter("viewerLinkClient", input.ip, limits.linksPerClient, 60 * MIN, now.getTime()),
      ],
      now,
    );
    if (hit) return { kind: "limited" as const, retryAfterMs: Math.max(1000, hit.windowEnd - now.getTime()) };
    const p = await getPage(tx);
    const access = await loadViewerAccess(tx, p.id);
    if (!access.magicLinkEnabled || access.keyOf(email) === null) return null;
    await tx.delete(viewerMagicLink).where(lt(viewerMagicLink.expiresAt, now));
    const token = newToken();
    const id = newId();
    await tx.insert(viewerMagicLink).values({
      id,
      tokenHash: sha256(token),
      email,
      expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_MS),
      createdAt: now,
    });
    return { kind: "send" as const, id, token, page: p };
  });
  if (planned?.kind === "limited") return planned;
  if (planned) {
    const base = publicBaseUrl(planned.page, deps.fallbackUrl);
    const next = safeNext(input.next);
    const nextParam = next !== "/" ? `&next=${encodeURIComponent(next)}` : "";
    const link = `${base}/viewer/link?token=${encodeURIComponent(planned.token)}${nextParam}`;
    const name = headerSafe(planned.page.name);
    const from = planned.page.emailFrom ? `${name.replace(/[<>"\\,;:@]/g, "")} <${planned.page.emailFrom}>` : deps.from;
    // Sent after the commit; the link itself is never logged.
    await deps.mailer.sendBatch(
      [
        {
          from,
          to: email,
          subject: `Sign in to ${name} status`,
          text:
            `Open this link to sign in to the ${name} status page. It works once, for 15 minutes:\n\n${link}\n\n` +
            "If you did not ask for it, ignore this email.",
          html:
            `<p>Open this link to sign in to the ${escapeHtml(name)} status page. It works once, for 15 minutes:</p>` +
            `<p><a href="${escapeHtml(link)}">Sign in to ${escapeHtml(name)} status</a></p>` +
            "<p>If you did not ask for it, ignore this email.</p>",
          headers: {},
        },
      ],
      `viewer-link-${planned.id}`,
    );
  }
  return { kind: "sent" };
}

/**
 * Uses a link once: the email it was sent to, or null when it is unknown,
 * used, expired, or the address may no longer sign in.
 */
export async function consumeMagicLink(ctx: PublicCtx, token: string): Promise<string | null> {
  if (!token || token.length > 128) return null;
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const used = await tx
      .update(viewerMagicLink)
      .set({ usedAt: now })
      .where(
        and(
          eq(viewerMagicLink.tokenHash, sha256(token)),
          isNull(viewerMagicLink.usedAt),
          gt(viewerMagicLink.expiresAt, now),
        ),
      )
      .returning({ email: viewerMagicLink.email });
    if (!used.length) return null;
    const access = await loadViewerAccess(tx, (await getPage(tx)).id);
    return access.keyOf(used[0].email) === null ? null : used[0].email;
  });
}

/** Checks the shared page password, limited per client address. */
export async function checkPagePassword(
  ctx: PublicCtx,
  input: { password: string; ip: string },
  limits: ViewerSignInLimits = DEFAULT_VIEWER_LIMITS,
): Promise<{ kind: "ok" | "wrong" } | Limited> {
  const now = ctx.now();
  const state = await ctx.db.transaction(async (tx) => {
    const hit = await takeAllowance(
      tx,
      [windowCounter("viewerPasswordClient", input.ip, limits.passwordPerClient, 15 * MIN, now.getTime())],
      now,
    );
    if (hit) return { kind: "limited" as const, retryAfterMs: Math.max(1000, hit.windowEnd - now.getTime()) };
    return { kind: "check" as const, settings: await loadViewerSettings(tx, (await getPage(tx)).id) };
  });
  if (state.kind === "limited") return state;
  const hash = state.settings.passwordHash;
  return { kind: hash && (await verifyPagePassword(input.password, hash)) ? "ok" : "wrong" };
}

/** A local path to return to after signing in ("/" for anything else: no open redirect). */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) && next.length < 500 ? next : "/";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
