"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { getDb, systemClock } from "@/lib/runtime";
import { setupOwner } from "@/lib/users/users";

export async function setupOwnerAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const input = {
    name: str(fd, "name") ?? "",
    email: str(fd, "email") ?? "",
    password: str(fd, "password") ?? "",
    pageName: str(fd, "pageName") || undefined,
  };
  const result = await runAction(async () => {
    await setupOwner(getDb(), systemClock(), input);
  });
  if (result.error) return result;
  await (await getAuth()).api.signInEmail({
    body: { email: input.email, password: input.password },
    headers: await headers(),
  });
  redirect("/admin");
}
