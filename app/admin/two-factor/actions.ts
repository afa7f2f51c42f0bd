"use server";
import { isAPIError } from "better-auth/api";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { getAuth, requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { getAuthSettings } from "@/lib/auth/policy";
import { attemptSucceeded, signInLimitsFromEnv, takeAttempt } from "@/lib/auth/sign-in-limits";
import { recordTwoFactorChange } from "@/lib/users/users";

export interface EnrolState extends ActionState {
  /** Shown once, to this browser: the QR code, the same key to type in, and the recovery codes. */
  enrolment?: { qrDataUrl: string; manualKey: string; recoveryCodes: string[] };
}

const wrongPassword = {
  error: "Check the highlighted fields.",
  fieldErrors: { password: ["That is not your password"] },
};

/**
 * Step 1: the password confirms it is you; better-auth makes the secret and the ten recovery codes (not active
 * until step 2).
 */
export async function startEnrolmentAction(_prev: EnrolState, fd: FormData): Promise<EnrolState> {
  await requireUser("viewer", { enrolling: true });
  return runAction(async () => {
    try {
      const res = await (await getAuth()).api.enableTwoFactor({
        body: { password: str(fd, "password") || undefined },
        headers: await headers(),
      });
      if (!("totpURI" in res) || !res.totpURI) return { error: "Something went wrong. Try again." };
      const manualKey = new URL(res.totpURI).searchParams.get("secret") ?? "";
      const qrDataUrl = await QRCode.toDataURL(res.totpURI, { margin: 1, width: 200 });
      return {
        ok: true,
        enrolment: { qrDataUrl, manualKey, recoveryCodes: res.backupCodes ?? [] },
      } satisfies EnrolState;
    } catch (err) {
      if (isAPIError(err) && err.body?.code === "INVALID_PASSWORD") return wrongPassword;
      if (isAPIError(err) && err.body?.code === "TOTP_ALREADY_ENABLED") redirect("/admin/account");
      throw err;
    }
  });
}

/** Step 2: a code from the app proves it is set up; two-factor is on from now. */
export async function confirmEnrolmentAction(prev: EnrolState, fd: FormData): Promise<EnrolState> {
  const { ctx } = await requireUser("viewer", { enrolling: true });
  const result = await runAction(async () => {
    try {
      await (await getAuth()).api.verifyTOTP({
        body: { code: (str(fd, "code") ?? "").replace(/\s+/g, "") },
        headers: await headers(),
      });
    } catch (err) {
      if (isAPIError(err) && (err.statusCode === 401 || err.statusCode === 400))
        return {
          error: "That code is not right. Codes change every 30 seconds.",
          fieldErrors: { code: ["Try the current code"] },
        };
      throw err;
    }
    await recordTwoFactorChange(ctx, true);
  });
  if (result.error) return { ...result, enrolment: prev.enrolment };
  redirect("/admin/account?twofactor=on");
}

/** Off again with the password and a current code (or a recovery code); not while the owner requires it. */
export async function disableTwoFactorAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { user, ctx } = await requireUser();
  return runAction(async () => {
    if ((await getAuthSettings(ctx.db)).requireTwoFactor)
      return { error: "The owner requires two-factor sign-in for everyone." };
    // Wrong codes or passwords here are limited per account like sign-ins: a stolen session cannot guess its way
    // to turning it off.
    const limits = signInLimitsFromEnv();
    const retryAfterSec = await takeAttempt(ctx.db, "disableTwoFactor", user.id, limits, ctx.now());
    if (retryAfterSec !== null)
      return { error: `Too many attempts. Try again in ${Math.ceil(retryAfterSec / 60)} min.` };
    const auth = await getAuth();
    const code = (str(fd, "code") ?? "").replace(/\s+/g, "");
    try {
      if (/^\d{6}$/.test(code)) await auth.api.verifyTOTP({ body: { code }, headers: await headers() });
      else await auth.api.verifyBackupCode({ body: { code }, headers: await headers() });
    } catch (err) {
      if (isAPIError(err))
        return { error: "Check the highlighted fields.", fieldErrors: { code: ["That code is not right"] } };
      throw err;
    }
    try {
      await auth.api.disableTwoFactor({
        body: { password: str(fd, "password") || undefined },
        headers: await headers(),
      });
    } catch (err) {
      if (isAPIError(err) && err.body?.code === "INVALID_PASSWORD") return wrongPassword;
      throw err;
    }
    await attemptSucceeded(ctx.db, "disableTwoFactor", user.id, limits, ctx.now());
    await recordTwoFactorChange(ctx, false);
    redirect("/admin/account?twofactor=off");
  });
}
