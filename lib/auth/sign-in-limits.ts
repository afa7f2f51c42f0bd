// Password guesses per account, whatever the address they come from (the
// per-address limit is better-auth's, on the edge's client address). Each
// attempt is counted before the password is checked, atomically, and a
// successful one is given back: concurrent guesses can never slip past the
// limit, and a person who types their password right is never counted.
import type { Db } from "@/db/client";
import { env } from "../env";
import { refund, resetCounter, takeAllowance, windowCounter, type Counter } from "../limits/counters";

export interface SignInLimits {
  /** Wrong passwords per account per window. */
  failuresPerAccount: number;
  windowMinutes: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { failuresPerAccount: 5, windowMinutes: 15 };

export function signInLimitsFromEnv(): SignInLimits {
  const e = env();
  return { failuresPerAccount: e.HERALD_SIGNIN_FAILURES_PER_ACCOUNT, windowMinutes: e.HERALD_SIGNIN_LOCK_MINUTES };
}

export type AttemptKind = "signIn" | "changePassword" | "passwordReset" | "disableTwoFactor";

function counter(kind: AttemptKind, subject: string, limits: SignInLimits, now: Date): Counter {
  return windowCounter(
    kind,
    subject.trim().toLowerCase(),
    limits.failuresPerAccount,
    limits.windowMinutes * 60_000,
    now.getTime(),
  );
}

/**
 * Counts one attempt for the account (an email for sign-in, a user id for a
 * password change). Returns the seconds to wait when the account is over its
 * limit, else null.
 */
export async function takeAttempt(
  db: Db,
  kind: AttemptKind,
  subject: string,
  limits: SignInLimits,
  now: Date,
): Promise<number | null> {
  const hit = await db.transaction((tx) => takeAllowance(tx, [counter(kind, subject, limits, now)], now));
  return hit ? Math.max(1, Math.ceil((hit.windowEnd - now.getTime()) / 1000)) : null;
}

/** The attempt was right: it does not count against the account. */
export async function attemptSucceeded(
  db: Db,
  kind: AttemptKind,
  subject: string,
  limits: SignInLimits,
  now: Date,
): Promise<void> {
  await db.transaction((tx) => refund(tx, counter(kind, subject, limits, now)));
}

/** The CLI's way back in for a locked-out owner: forgets the account's current window. */
export async function unlockSignIn(db: Db, email: string, limits: SignInLimits, now: Date): Promise<void> {
  await db.transaction((tx) => resetCounter(tx, counter("signIn", email, limits, now)));
}
