import "server-only";
import { nextCookies } from "better-auth/next-js";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "@/db/constants";
import { createAuth, type Auth } from "@/lib/auth/auth";
import { getAuthSettings, mustEnrolTwoFactor, oidcConfigOf, type OidcConfig } from "@/lib/auth/policy";
import { signInLimitsFromEnv } from "@/lib/auth/sign-in-limits";
import { hasRole, type Ctx } from "@/lib/context";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { staffMailFromEnv } from "@/lib/users/staff-mail";

const g = globalThis as typeof globalThis & { __heraldAuth?: { key: string; auth: Auth } };

/** The OIDC client in effect now (settings may change while the server runs). */
export async function currentOidc(): Promise<OidcConfig | null> {
  return oidcConfigOf(await getAuthSettings(getDb()));
}

/**
 * The better-auth instance. It is rebuilt when the OIDC client changes in
 * the settings (its provider list is fixed at construction); everything else
 * of the policy is read per request by the hooks.
 */
export async function getAuth(): Promise<Auth> {
  const oidc = await currentOidc();
  const key = oidc ? JSON.stringify([oidc.issuer, oidc.clientId, oidc.clientSecret]) : "";
  if (g.__heraldAuth?.key !== key) {
    g.__heraldAuth = {
      key,
      auth: createAuth({
        db: getDb(),
        secret: env().HERALD_SECRET,
        baseURL: env().HERALD_URL,
        production: env().NODE_ENV === "production",
        plugins: [nextCookies()],
        signInLimits: signInLimitsFromEnv(),
        mail: staffMailFromEnv(getDb()),
        oidc,
        now: systemClock,
      }),
    };
  }
  return g.__heraldAuth.auth;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  twoFactorEnabled: boolean;
}

export async function getSessionUser(): Promise<SessionUser | null> {
  const result = await (await getAuth()).api.getSession({ headers: await headers() });
  if (!result) return null;
  const u = result.user as typeof result.user & { role: Role; twoFactorEnabled?: boolean | null };
  return { id: u.id, name: u.name, email: u.email, role: u.role, twoFactorEnabled: !!u.twoFactorEnabled };
}

export const TWO_FACTOR_ENROL_PATH = "/admin/two-factor";

/**
 * For console pages and server actions: the signed-in user and a use-case
 * context acting as them. No session → the login page. When the owner
 * requires two-factor, an account with a password and no second factor is
 * sent to enrol first, on every request (pages and actions alike), not only
 * at sign-in. The use cases check the role again; this check only keeps
 * viewers out of forms they can't use.
 */
export async function requireUser(
  min: Role = "viewer",
  opts: { enrolling?: boolean } = {},
): Promise<{ user: SessionUser; ctx: Ctx }> {
  const user = await getSessionUser();
  if (!user) redirect("/admin/login");
  if (!opts.enrolling && (await mustEnrolTwoFactor(getDb(), user))) redirect(TWO_FACTOR_ENROL_PATH);
  if (!hasRole({ type: "user", id: user.id, label: user.email, role: user.role }, min)) redirect("/admin?denied=1");
  return {
    user,
    ctx: { db: getDb(), now: systemClock, actor: { type: "user", id: user.id, label: user.email, role: user.role } },
  };
}

/**
 * For console pages: requireUser, the page, and which forms to show (the use
 * cases check the role again).
 */
export async function requireConsolePage(min: Role = "viewer") {
  const { user, ctx } = await requireUser(min);
  const page = await getPage(ctx.db);
  return { user, ctx, page, canEdit: hasRole(ctx.actor, "editor"), canAdmin: hasRole(ctx.actor, "admin") };
}
