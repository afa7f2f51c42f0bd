"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { updatePage } from "@/lib/page/page";
import { refreshAfterWrite } from "../form-data";

export async function updateUptimeSettingsAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    const target = str(fd, "slaTarget")?.trim();
    await updatePage(ctx, {
      slaTarget: target ? Number(target) : undefined,
      uptimeCountsMaintenance: bool(fd, "uptimeCountsMaintenance"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Saved." };
  });
}
