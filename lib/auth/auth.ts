import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { twoFactor } from "better-auth/plugins";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { audit } from "../audit";
import { CLIENT_IP_HEADER } from "../edge/client-ip";
import { newId } from "../ids";
import { getPage } from "../page/page";
import { sendStaffEmail, type StaffMail } from "../users/staff-mail";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./constants";
import { getAuthSettings, passwordSignInBlocked, type OidcConfig } from "./policy";
import { attemptSucceeded, DEFAULT_SIGN_IN_LIMITS, takeAttempt, type SignInLimits } from "./sign-in-limits";
import { SESSION_COOKIE_PREFIX } from "./cookie-names";
import { oidcPlugin, ssoDatabaseHooks } from "./sso";
export { MIN_PASSWORD_LENGTH };

/** A reset link works this long, once. */
export const RESET_LINK_MINUTES = 60;

export interface AuthOptions {
  db: Db;
  secret: string;
  baseURL?: string;
  production: boolean;
  /** Framework glue (e.g. next-js cookies) is passed in so lib/ never imports Next. */
  plugins?: BetterAuthPlugin[];
  signInLimits?: SignInLimits;
  /** Staff email, for password reset links. */
  mail: StaffMail;
  /** The OIDC client in effect (policy.ts oidcConfigOf); null = no single sign-on. */
  oidc?: OidcConfig | null;
  /** The clock of invitation expiry in the SSO hooks (better-auth's own tokens use the system clock). */
  now?: () => Date;
}

const SIGN_IN = "/sign-in/email";
const REQUEST_RESET = "/request-password-reset";
const TWO_FACTOR_ISSUER = "Herald";

function bodyEmail(body: unknown): string {
  const e = (body as { email?: unknown } | undefined)?.email;
  return typeof e === "string" ? e : "";
}

/**
 * better-auth over our drizzle schema: database sessions, scrypt password
 * hashes, sign-in limits stored in SQLite (so they hold across restarts and
 * instances): per client address (better-auth's limiter, on the address the
 * edge decided) and per account (sign-in-limits.ts, in the hooks). Public
 * sign-up is off: users come from owner setup, invitations, the console or
 * the CLI (lib/users), or SSO's just-in-time creation (sso.ts).
 *
 * Plugins: two-factor (TOTP + ten single-use recovery codes; wrong codes
 * lock the account with the same numbers as wrong passwords) and, when an
 * OIDC client is configured, generic-oauth as provider "oidc". Password
 * reset links (1 h, single use) are better-auth's, mailed by us.
 */
export function createAuth({
  db,
  secret,
  baseURL,
  production,
  plugins = [],
  signInLimits = DEFAULT_SIGN_IN_LIMITS,
  mail,
  oidc = null,
  now = () => new Date(),
}: AuthOptions) {
  return betterAuth({
    appName: "Herald",
    secret,
    baseURL,
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        rateLimit: schema.rateLimit,
        twoFactor: schema.twoFactor,
      },
    }),
    user: { additionalFields: { role: { type: "string", input: false, required: false, defaultValue: "viewer" } } },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: RESET_LINK_MINUTES * 60,
      // Our own link (a form page; nothing changes on GET), not better-auth's redirecting one.
      sendResetPassword: async ({ user, token }) => {
        const outcome = await sendStaffEmail(
          mail,
          await getPage(db),
          {
            kind: "password_reset",
            to: user.email,
            url: `${mail.consoleUrl}/admin/reset?token=${token}`,
            validMinutes: RESET_LINK_MINUTES,
          },
          `password-reset:${newId(16)}`,
        );
        if (outcome.kind !== "accepted")
          console.error(
            `[herald] password reset email for user ${user.id} not sent: ${outcome.kind}: ${outcome.error}`,
          );
      },
      onPasswordReset: async ({ user }) => {
        const row = await db.query.user.findFirst({ where: eq(schema.user.id, user.id) });
        if (!row) return;
        const ctx = { db, now, actor: { type: "user" as const, id: row.id, label: row.email, role: row.role } };
        await db.transaction((tx) =>
          audit(tx, ctx, { pageId: null, action: "user.reset_password", entityType: "user", entityId: row.id }),
        );
      },
    },
    // Reset links, 2FA challenges and trusted devices are stored as hashes: a read of the table gives no way in.
    verification: { storeIdentifier: "hashed" },
    account: { accountLinking: { enabled: true, trustedProviders: oidc ? ["oidc"] : [] } },
    databaseHooks: ssoDatabaseHooks(db, now),
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        [SIGN_IN]: { window: 60, max: 10 },
        // Only starts a redirect to the identity provider (better-auth's default for /sign-in* is 3 per 10 s).
        "/sign-in/social": { window: 60, max: 30 },
        "/change-password": { window: 60, max: 5 },
        [REQUEST_RESET]: { window: 60 * 15, max: 5 },
        "/reset-password": { window: 60, max: 10 },
        "/two-factor/*": { window: 60, max: 20 },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN && ctx.path !== REQUEST_RESET) return;
        const email = bodyEmail(ctx.body);
        if (passwordSignInBlocked(await getAuthSettings(db), email, oidc))
          throw new APIError("FORBIDDEN", { message: "This address signs in with single sign-on.", code: "USE_SSO" });
        // Reset requests count per address and are never given back: a stranger cannot flood someone's inbox.
        const retryAfterSec = await takeAttempt(
          db,
          ctx.path === SIGN_IN ? "signIn" : "passwordReset",
          email,
          signInLimits,
          new Date(),
        );
        if (retryAfterSec !== null)
          throw new APIError(
            "TOO_MANY_REQUESTS",
            { message: "Too many attempts for this account. Try again later.", code: "ACCOUNT_LOCKED" },
            { "retry-after": String(retryAfterSec) },
          );
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN || isAPIError(ctx.context.returned)) return;
        // A right password is not a failure: give the counted attempt back (a second factor may still be asked for).
        await attemptSucceeded(db, "signIn", bodyEmail(ctx.body), signInLimits, new Date());
      }),
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: production && baseURL?.startsWith("https://"),
      database: { generateId: () => newId(16) },
      // Set by the edge (lib/edge/client-ip.ts) on every request, overwriting whatever a client sent.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    plugins: [
      twoFactor({
        issuer: TWO_FACTOR_ISSUER,
        // An SSO-only account has no password to confirm enrolment with; one with a password still must.
        allowPasswordless: true,
        backupCodeOptions: { amount: 10, length: 10 },
        accountLockout: {
          enabled: true,
          maxFailedAttempts: signInLimits.failuresPerAccount,
          durationSeconds: signInLimits.windowMinutes * 60,
        },
      }),
      ...(oidc ? [oidcPlugin(oidc)] : []),
      ...plugins,
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
