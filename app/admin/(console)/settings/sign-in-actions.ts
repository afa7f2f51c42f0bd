"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { parseSsoDomains, updateAuthSettings } from "@/lib/auth/policy";
import { refreshAfterWrite } from "../form-data";

export async function updateSignInSettingsAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await updateAuthSettings(ctx, {
      requireTwoFactor: bool(fd, "requireTwoFactor"),
      oidcIssuer: str(fd, "oidcIssuer") ?? "",
      oidcClientId: str(fd, "oidcClientId") ?? "",
      oidcClientSecret: str(fd, "oidcClientSecret") ?? "",
      clearOidcSecret: bool(fd, "clearOidcSecret"),
      oidcJit: bool(fd, "oidcJit"),
      ssoDomains: parseSsoDomains(str(fd, "ssoDomains") ?? ""),
    });
    refreshAfterWrite();
    return { ok: true, message: "Sign-in settings saved." };
  });
}
