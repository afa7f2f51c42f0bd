"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { cancelMaintenance, updateMaintenance } from "@/lib/maintenance/edit";
import {
  createMaintenance,
  postMaintenanceUpdate,
  type PostMaintenanceUpdateInput,
} from "@/lib/maintenance/maintenance";
import { refreshAfterWrite } from "../form-data";

/** The fields the create and edit forms share, read one by one (no FormData spreading). */
function windowFields(fd: FormData) {
  const remind = str(fd, "remindMinutes");
  return {
    name: str(fd, "name") ?? "",
    body: str(fd, "body") ?? "",
    // Wall times from datetime-local fields: the use case reads them in the page's zone.
    scheduledFor: str(fd, "scheduledFor") ?? "",
    scheduledUntil: str(fd, "scheduledUntil") ?? "",
    autoStart: bool(fd, "autoStart"),
    autoComplete: bool(fd, "autoComplete"),
    transitionComponents: bool(fd, "transitionComponents"),
    remindMinutes: remind ? Number(remind) : null,
    notifyAtStart: bool(fd, "notifyAtStart"),
    notifyAtEnd: bool(fd, "notifyAtEnd"),
  };
}

export async function createMaintenanceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await createMaintenance(ctx, {
      ...windowFields(fd),
      componentIds: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
      notifyNow: bool(fd, "notifyNow"),
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
    await updateMaintenance(ctx, { ...windowFields(fd), maintenanceId: str(fd, "maintenanceId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Maintenance saved." };
  });
}

export async function cancelMaintenanceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await cancelMaintenance(ctx, {
      maintenanceId: str(fd, "maintenanceId") ?? "",
      body: str(fd, "body") ?? "",
      notify: bool(fd, "notify"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Maintenance cancelled." };
  });
}
