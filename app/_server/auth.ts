import "server-only";
import { nextCookies } from "better-auth/next-js";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Role } from "@/db/constants";
import { createAuth, type Auth } from "@/lib/auth/auth";
import { signInLimitsFromEnv } from "@/lib/auth/sign-in-limits";
import { hasRole, type Ctx } from "@/lib/context";
import { env } from "@/lib/env";
import { getDb, systemClock } from "@/lib/runtime";

const g = globalThis as typeof globalThis & { __heraldAuth?: Auth };

export function getAuth(): Auth {
  g.__heraldAuth ??= createAuth({
    db: getDb(),
    secret: env().HERALD_SECRET,
    baseURL: env().HERALD_URL,
    production: env().NODE_ENV === "production",
    plugins: [nextCookies()],
    signInLimits: signInLimitsFromEnv(),
  });
  return g.__heraldAuth;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export async function getSessionUser(): Promise<SessionUser | null> {
  const result = await getAuth().api.getSession({ headers: await headers() });
  if (!result) return null;
  const u = result.user as typeof result.user & { role: Role };
  return { id: u.id, name: u.name, email: u.email, role: u.role };
}

/**
 * For console pages and server actions: the signed-in user and a use-case
 * context acting as them. No session → the login page. The use cases check
 * the role again; this check only keeps viewers out of forms they can't use.
 */
export async function requireUser(min: Role = "viewer"): Promise<{ user: SessionUser; ctx: Ctx }> {
  const user = await getSessionUser();
  if (!user) redirect("/admin/login");
  if (!hasRole({ type: "user", id: user.id, label: user.email, role: user.role }, min)) redirect("/admin?denied=1");
  return {
    user,
    ctx: { db: getDb(), now: systemClock, actor: { type: "user", id: user.id, label: user.email, role: user.role } },
  };
}
