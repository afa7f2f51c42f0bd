// Sign-in policy for staff: required two-factor, single sign-on (OIDC) and
// the email domains it serves. One row in auth_settings; the OIDC issuer,
// client id and secret may come from the environment instead, which wins.
// The client secret never leaves the server: authSettingsDto leaves it out.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { ROLES, type Role } from "@/db/constants";
import { authSettings, type AuthSettings } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { env } from "../env";
import { ValidationError } from "../errors";
import { hasPassword } from "../users/users";

const SETTINGS_ID = "default";

export const STAFF_ROLES = ROLES.filter((r): r is Exclude<Role, "owner"> => r !== "owner");

/** An email domain served by SSO: accounts it creates get `role`; `passwordSignIn: false` makes SSO the only way in. */
export const SsoDomain = z.strictObject({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "A domain like example.com"),
  role: z.enum(STAFF_ROLES),
  passwordSignIn: z.boolean(),
});
export type SsoDomain = z.infer<typeof SsoDomain>;

/**
 * The domain list as people type it, one per line: `example.com editor`,
 * optionally followed by `sso-only` (password sign-in off for that domain).
 */
export function parseSsoDomains(text: string): SsoDomain[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 50) throw new ValidationError("At most 50 domains", { ssoDomains: ["At most 50 domains"] });
  return lines.map((line) => {
    const [domain = "", role = "", flag, ...rest] = line.split(/\s+/);
    const parsed = SsoDomain.safeParse({ domain, role, passwordSignIn: flag !== "sso-only" });
    if (!parsed.success || rest.length || (flag !== undefined && flag !== "sso-only")) {
      const msg = `“${line.slice(0, 80)}”: write a domain, a role (admin, editor or viewer) and optionally sso-only`;
      throw new ValidationError(msg, { ssoDomains: [msg] });
    }
    return parsed.data;
  });
}

export function formatSsoDomains(list: SsoDomain[]): string {
  return list.map((d) => `${d.domain} ${d.role}${d.passwordSignIn ? "" : " sso-only"}`).join("\n");
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the values come from: the console cannot change what the environment sets. */
  source: "env" | "settings";
}

const DEFAULTS: Omit<AuthSettings, "updatedAt"> = {
  id: SETTINGS_ID,
  requireTwoFactor: false,
  oidcIssuer: null,
  oidcClientId: null,
  oidcClientSecret: null,
  oidcJit: false,
  ssoDomains: [],
};

export async function getAuthSettings(db: Tx): Promise<AuthSettings> {
  const row = await db.query.authSettings.findFirst({ where: eq(authSettings.id, SETTINGS_ID) });
  return row ?? { ...DEFAULTS, updatedAt: new Date(0) };
}

type OidcEnv = { HERALD_OIDC_ISSUER?: string; HERALD_OIDC_CLIENT_ID?: string; HERALD_OIDC_CLIENT_SECRET?: string };

/** The OIDC client in effect: the environment's when it names an issuer, else the settings'; null when incomplete. */
export function oidcConfigOf(s: AuthSettings, e: OidcEnv = env()): OidcConfig | null {
  if (e.HERALD_OIDC_ISSUER) {
    if (!e.HERALD_OIDC_CLIENT_ID || !e.HERALD_OIDC_CLIENT_SECRET) return null;
    return {
      issuer: e.HERALD_OIDC_ISSUER,
      clientId: e.HERALD_OIDC_CLIENT_ID,
      clientSecret: e.HERALD_OIDC_CLIENT_SECRET,
      source: "env",
    };
  }
  if (!s.oidcIssuer || !s.oidcClientId || !s.oidcClientSecret) return null;
  return { issuer: s.oidcIssuer, clientId: s.oidcClientId, clientSecret: s.oidcClientSecret, source: "settings" };
}

export function emailDomain(email: string): string {
  return email
    .slice(email.lastIndexOf("@") + 1)
    .trim()
    .toLowerCase();
}

/** The SSO entry serving this address, if any. */
export function ssoDomainOf(s: Pick<AuthSettings, "ssoDomains">, email: string): SsoDomain | undefined {
  const d = emailDomain(email);
  return s.ssoDomains.find((x) => x.domain === d);
}

/** Password sign-in (and password reset) is off for this address: its domain signs in through SSO only. */
export function passwordSignInBlocked(s: AuthSettings, email: string, oidc: OidcConfig | null): boolean {
  return !!oidc && ssoDomainOf(s, email)?.passwordSignIn === false;
}

/**
 * Whether this user must enrol two-factor before anything else. The policy
 * covers accounts with a password; an account that only signs in through
 * SSO gets its second factor from the identity provider.
 */
export async function mustEnrolTwoFactor(db: Tx, u: { id: string; twoFactorEnabled: boolean }): Promise<boolean> {
  if (u.twoFactorEnabled) return false;
  if (!(await getAuthSettings(db)).requireTwoFactor) return false;
  return hasPassword(db, u.id);
}

/** What the settings page may show: never the client secret, only whether one is stored. */
export function authSettingsDto(s: AuthSettings, e: OidcEnv = env()) {
  return {
    requireTwoFactor: s.requireTwoFactor,
    oidcIssuer: e.HERALD_OIDC_ISSUER ?? s.oidcIssuer ?? "",
    oidcClientId: e.HERALD_OIDC_ISSUER ? (e.HERALD_OIDC_CLIENT_ID ?? "") : (s.oidcClientId ?? ""),
    oidcSecretSet: e.HERALD_OIDC_ISSUER ? !!e.HERALD_OIDC_CLIENT_SECRET : !!s.oidcClientSecret,
    oidcFromEnv: !!e.HERALD_OIDC_ISSUER,
    oidcJit: s.oidcJit,
    ssoDomains: s.ssoDomains,
  };
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || null);

export const UpdateAuthSettingsInput = z.strictObject({
  requireTwoFactor: z.boolean(),
  oidcIssuer: z.union([
    z.literal("").transform(() => null),
    z.url({ protocol: /^https?$/, message: "An https:// URL (http:// only for a local test)" }).max(500),
  ]),
  oidcClientId: optionalText(500),
  /** Empty keeps the stored secret; `clearOidcSecret` removes it. */
  oidcClientSecret: optionalText(2000),
  clearOidcSecret: z.boolean().default(false),
  oidcJit: z.boolean(),
  ssoDomains: z.array(SsoDomain).max(50),
});
export type UpdateAuthSettingsInput = z.input<typeof UpdateAuthSettingsInput>;

/** Owner only: these settings decide who can get in at all. Audited without the secret. */
export async function updateAuthSettings(ctx: Ctx, input: UpdateAuthSettingsInput): Promise<AuthSettings> {
  requireRole(ctx.actor, "owner");
  const data = parseInput(UpdateAuthSettingsInput, input);
  const domains = new Set<string>();
  for (const d of data.ssoDomains) {
    if (domains.has(d.domain))
      throw new ValidationError(`${d.domain} is listed twice`, { ssoDomains: [`${d.domain} is listed twice`] });
    domains.add(d.domain);
  }
  return ctx.db.transaction(async (tx) => {
    const before = await getAuthSettings(tx);
    const secret = data.clearOidcSecret ? null : (data.oidcClientSecret ?? before.oidcClientSecret);
    const values = {
      requireTwoFactor: data.requireTwoFactor,
      oidcIssuer: data.oidcIssuer,
      oidcClientId: data.oidcClientId,
      oidcClientSecret: secret,
      oidcJit: data.oidcJit,
      ssoDomains: data.ssoDomains,
      updatedAt: ctx.now(),
    };
    await tx
      .insert(authSettings)
      .values({ id: SETTINGS_ID, ...values })
      .onConflictDoUpdate({ target: authSettings.id, set: values });
    const after = await getAuthSettings(tx);
    const shown = (s: AuthSettings) => ({ ...authSettingsDto(s, {}), oidcSecretSet: !!s.oidcClientSecret });
    await audit(tx, ctx, {
      pageId: null,
      action: "auth.update_settings",
      entityType: "auth_settings",
      entityId: SETTINGS_ID,
      before: shown(before),
      after: shown(after),
    });
    return after;
  });
}
