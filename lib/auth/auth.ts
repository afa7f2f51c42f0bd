import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { newId } from "../ids";

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
}

/**
 * better-auth over our drizzle schema: database sessions, scrypt password
 * hashes, login rate limiting stored in SQLite (so it holds across restarts and
 * instances). Public sign-up is off: users come from owner setup, the console
 * or the CLI (lib/users).
 */
export function createAuth({ db, secret, baseURL, production, plugins = [] }: AuthOptions) {
  return betterAuth({
    appName: "Herald",
    secret,
    baseURL,
    database: drizzleAdapter(db, {
      provider: "sqlite",
      schema: { user: schema.user, session: schema.session, account: schema.account, verification: schema.verification, rateLimit: schema.rateLimit },
    }),
    user: { additionalFields: { role: { type: "string", input: false, required: false, defaultValue: "viewer" } } },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: MIN_PASSWORD_LENGTH, maxPasswordLength: 256, revokeSessionsOnPasswordReset: true },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": { window: 60, max: 5 }, "/change-password": { window: 60, max: 5 } },
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: production && baseURL?.startsWith("https://"),
      database: { generateId: () => newId(16) },
      ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] },
    },
    plugins,
  });
}

export type Auth = ReturnType<typeof createAuth>;
