"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { changeUserRole, createUser, removeUser, type CreateUserInput } from "@/lib/users/users";
import { refreshAfterWrite } from "../form-data";

export async function createUserAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const created = await createUser(ctx, {
      name: str(fd, "name") ?? "",
      email: str(fd, "email") ?? "",
      password: str(fd, "password") ?? "",
      // Validated against the role list by the use case.
      role: (str(fd, "role") ?? "") as CreateUserInput["role"],
    });
    refreshAfterWrite();
    return { ok: true, message: `${created.email} can now sign in.` };
  });
}

export async function changeRoleAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await changeUserRole(ctx, { userId: str(fd, "userId") ?? "", role: str(fd, "role") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Role changed. Their sessions were signed out." };
  });
}

export async function removeUserAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await removeUser(ctx, { userId: str(fd, "userId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "User removed." };
  });
}
