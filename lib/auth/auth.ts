import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { CLIENT_IP_HEADER } from "../edge/client-ip";
import { newId } from "../ids";
import { attemptSucceeded, DEFAULT_SIGN_IN_LIMITS, takeAttempt, type SignInLimits } from "./sign-in-limits";

export const SESSION_COOKIE_PREFIX = "herald";
/** The custom server bypasses public snapshots for requests carrying this cookie. */
export const SESSION_COOKIE_MARKER = `${SESSION_COOKIE_PREFIX}.session_token`;
export const MIN_PASSWORD_LENGTH = 10;

export interface AuthOptions {
  db: Db;
  secret: string;
  baseURL?: string;
  production: boolean;
  /** Framework glue (e.g. next-js cookies) is passed in so lib/ never imports Next. */
  plugins?: BetterAuthPlugin[];
  signInLimits?: SignInLimits;
}

const SIGN_IN = "/sign-in/email";

/**
 * better-auth over our drizzle schema: database sessions, scrypt password
 * hashes, sign-in limits stored in SQLite (so they hold across restarts and
 * instances): per client address (better-auth's limiter, on the address the
 * edge decided) and per account (sign-in-limits.ts, in the hooks). Public
 * sign-up is off: users come from owner setup, the console or the CLI (lib/users).
 */
export function createAuth({
  db,
  secret,
  baseURL,
  production,
  plugins = [],
  signInLimits = DEFAULT_SIGN_IN_LIMITS,
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
      },
    }),
    user: { additionalFields: { role: { type: "string", input: false, required: false, defaultValue: "viewer" } } },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 256,
      revokeSessionsOnPasswordReset: true,
    },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: { [SIGN_IN]: { window: 60, max: 10 }, "/change-password": { window: 60, max: 5 } },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN) return;
        const email = typeof ctx.body?.email === "string" ? ctx.body.email : "";
        const retryAfterSec = await takeAttempt(db, "signIn", email, signInLimits, new Date());
        if (retryAfterSec !== null)
          throw new APIError(
            "TOO_MANY_REQUESTS",
            { message: "Too many sign-in attempts for this account. Try again later.", code: "ACCOUNT_LOCKED" },
            { "retry-after": String(retryAfterSec) },
          );
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN || isAPIError(ctx.context.returned)) return;
        // A right password is not a failure: give the counted attempt back.
        await attemptSucceeded(
          db,
          "signIn",
          typeof ctx.body?.email === "string" ? ctx.body.email : "",
          signInLimits,
          new Date(),
        );
      }),
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: production && baseURL?.startsWith("https://"),
      database: { generateId: () => newId(16) },
      // Set by the edge (lib/edge/client-ip.ts) on every request, overwriting whatever a client sent.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    plugins,
  });
}

export type Auth = ReturnType<typeof createAuth>;
