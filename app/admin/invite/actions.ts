"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentOidc, getAuth } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { getAuthSettings, passwordSignInBlocked } from "@/lib/auth/policy";
import { acceptInvitation, lookUpInvitation } from "@/lib/users/invitations";
import { getDb, systemClock } from "@/lib/runtime";

/** The invitee sets a name and password; the account is created with the invited role and signed in. */
export async function acceptInvitationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const token = str(fd, "token") ?? "";
  const password = str(fd, "password") ?? "";
  let email = "";
  const result = await runAction(async () => {
    const found = await lookUpInvitation(getDb(), token, systemClock());
    if (!found.ok) return { error: found.reason };
    if (passwordSignInBlocked(await getAuthSettings(getDb()), found.email, await currentOidc()))
      return { error: "This address signs in with single sign-on." };
    if (password !== str(fd, "confirmPassword"))
      return {
        error: "Check the highlighted fields.",
        fieldErrors: { confirmPassword: ["The passwords do not match"] },
      };
    email = (await acceptInvitation(getDb(), systemClock(), { token, name: str(fd, "name") ?? "", password })).email;
  });
  if (result.error || !email) return result;
  await (await getAuth()).api.signInEmail({ body: { email, password }, headers: await headers() });
  redirect("/admin");
}
