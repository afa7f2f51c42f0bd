"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { updateCadencePolicy } from "@/lib/incidents/practice";
import { updatePage } from "@/lib/page/page";
import { refreshAfterWrite } from "../form-data";

export async function updatePageAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  const remind = str(fd, "maintenanceRemindMinutes");
  return runAction(async () => {
    await updatePage(ctx, {
      name: str(fd, "name") ?? "",
      url: str(fd, "url") ?? "",
      timeZone: str(fd, "timeZone") ?? "",
      supportUrl: str(fd, "supportUrl") ?? "",
      logoUrl: str(fd, "logoUrl") ?? "",
      brandColor: str(fd, "brandColor") ?? "",
      emailFrom: str(fd, "emailFrom") ?? "",
      maintenanceRemindMinutes: remind ? Number(remind) : null,
    });
    refreshAfterWrite();
    return { ok: true, message: "Settings saved." };
  });
}

export async function updateCadenceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  // Empty or non-numeric fields become NaN, which the use case rejects on that field.
  const minutes = (key: string) => Number(str(fd, key) || Number.NaN);
  return runAction(async () => {
    await updateCadencePolicy(ctx, {
      criticalMinutes: minutes("criticalMinutes"),
      majorMinutes: minutes("majorMinutes"),
      minorMinutes: minutes("minorMinutes"),
      firstUpdateMinutes: minutes("firstUpdateMinutes"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Update cadence saved." };
  });
}
