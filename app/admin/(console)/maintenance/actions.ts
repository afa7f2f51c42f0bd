"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { cancelMaintenance, updateMaintenance } from "@/lib/maintenance/edit";
import { createMaintenance, postMaintenanceUpdate, type PostMaintenanceUpdateInput } from "@/lib/maintenance/maintenance";
import { refreshAfterWrite } from "../form-data";

export async function createMaintenanceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    const remind = str(fd, "remindMinutes");
    await createMaintenance(ctx, {
      name: str(fd, "name") ?? "",
      body: str(fd, "body") ?? "",
      componentIds: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
      // Wall times from datetime-local fields: the use case reads them in the page's zone.
      scheduledFor: str(fd, "scheduledFor") ?? "",
      scheduledUntil: str(fd, "scheduledUntil") ?? "",
      autoStart: bool(fd, "autoStart"),
      autoComplete: bool(fd, "autoComplete"),
      transitionComponents: bool(fd, "transitionComponents"),
      remindMinutes: remind ? Number(remind) : null,
      notifyNow: bool(fd, "notifyNow"),
      notifyAtStart: bool(fd, "notifyAtStart"),
      notifyAtEnd: bool(fd, "notifyAtEnd"),
      backfilled: bool(fd, "backfilled"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Maintenance scheduled." };
  });
}

export async function postMaintenanceUpdateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await postMaintenanceUpdate(ctx, {
      maintenanceId: str(fd, "maintenanceId") ?? "",
      status: (str(fd, "status") ?? "") as PostMaintenanceUpdateInput["status"],
      body: str(fd, "body") ?? "",
      notify: bool(fd, "notify"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Update posted." };
  });
}

export async function updateMaintenanceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    const remind = str(fd, "remindMinutes");
    await updateMaintenance(ctx, {
      maintenanceId: str(fd, "maintenanceId") ?? "",
      name: str(fd, "name") ?? "",
      body: str(fd, "body") ?? "",
      scheduledFor: str(fd, "scheduledFor") ?? "",
      scheduledUntil: str(fd, "scheduledUntil") ?? "",
      autoStart: bool(fd, "autoStart"),
      autoComplete: bool(fd, "autoComplete"),
      transitionComponents: bool(fd, "transitionComponents"),
      remindMinutes: remind ? Number(remind) : null,
      notifyAtStart: bool(fd, "notifyAtStart"),
      notifyAtEnd: bool(fd, "notifyAtEnd"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Maintenance saved." };
  });
}

export async function cancelMaintenanceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await cancelMaintenance(ctx, { maintenanceId: str(fd, "maintenanceId") ?? "", body: str(fd, "body") ?? "", notify: bool(fd, "notify") });
    refreshAfterWrite();
    return { ok: true, message: "Maintenance cancelled." };
  });
}
