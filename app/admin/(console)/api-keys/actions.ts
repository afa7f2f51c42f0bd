"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { createApiKey, revokeApiKey, type CreateApiKeyInput } from "@/lib/api-keys/api-keys";
import { refreshAfterWrite } from "../form-data";

export async function createApiKeyAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    // The role is checked against the allowed list by the use case.
    const { key, apiKey } = await createApiKey(ctx, {
      name: str(fd, "name") ?? "",
      role: (str(fd, "role") ?? "") as CreateApiKeyInput["role"],
    });
    refreshAfterWrite();
    return { ok: true, message: `Key “${apiKey.name}” created.`, secret: key };
  });
}

export async function revokeApiKeyAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await revokeApiKey(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Key revoked." };
  });
}
