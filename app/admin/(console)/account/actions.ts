"use server";
import { isAPIError } from "better-auth/api";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth, requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/auth";
import { attemptSucceeded, signInLimitsFromEnv, takeAttempt } from "@/lib/auth/sign-in-limits";
import type { FieldErrors } from "@/lib/errors";
import { recordPasswordChange } from "@/lib/users/users";

/**
 * better-auth checks the current password, stores the new hash and ends every other session of the user; we audit
 * it.
 */
export async function changePasswordAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { user, ctx } = await requireUser();
  const currentPassword = str(fd, "currentPassword") ?? "";
  const newPassword = str(fd, "newPassword") ?? "";
  const fieldErrors: FieldErrors = {};
  if (!currentPassword) fieldErrors.currentPassword = ["Enter your current password"];
  if (newPassword.length < MIN_PASSWORD_LENGTH)
    fieldErrors.newPassword = [`At least ${MIN_PASSWORD_LENGTH} characters`];
  else if (newPassword.length > 256) fieldErrors.newPassword = ["At most 256 characters"];
  else if (newPassword !== str(fd, "confirmPassword")) fieldErrors.confirmPassword = ["The passwords do not match"];
  if (Object.keys(fieldErrors).length) return { error: "Check the highlighted fields.", fieldErrors };
  return runAction(async () => {
    // Wrong current passwords are limited per account like sign-ins: a stolen session can't guess its way to the
    // password.
    const limits = signInLimitsFromEnv();
    const retryAfterSec = await takeAttempt(ctx.db, "changePassword", user.id, limits, ctx.now());
    if (retryAfterSec !== null)
      return { error: `Too many attempts. Try again in ${Math.ceil(retryAfterSec / 60)} min.` };
    try {
      await (await getAuth()).api.changePassword({
        body: { currentPassword, newPassword, revokeOtherSessions: true },
        headers: await headers(),
      });
      await attemptSucceeded(ctx.db, "changePassword", user.id, limits, ctx.now());
    } catch (err) {
      if (isAPIError(err) && err.body?.code === "INVALID_PASSWORD")
        return {
          error: "Check the highlighted fields.",
          fieldErrors: { currentPassword: ["That is not your current password"] },
        };
      if (isAPIError(err) && err.statusCode === 429)
        return { error: "Too many attempts. Wait a minute and try again." };
      throw err;
    }
    await recordPasswordChange(ctx);
    // A fresh page load: this request still carries the old session cookie, which the change revoked,
    // so re-rendering the console in this response would bounce through the login page.
    redirect("/admin/account?changed=1");
  });
}
