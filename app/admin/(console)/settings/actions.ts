"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { updatePage } from "@/lib/page/page";
import { refreshAfterWrite } from "../form-data";

export async function updatePageAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await updatePage(ctx, {
      name: str(fd, "name") ?? "",
      url: str(fd, "url") ?? "",
      timeZone: str(fd, "timeZone") ?? "",
      supportUrl: str(fd, "supportUrl") ?? "",
      logoUrl: str(fd, "logoUrl") ?? "",
      brandColor: str(fd, "brandColor") ?? "",
      emailFrom: str(fd, "emailFrom") ?? "",
    });
    refreshAfterWrite();
    return { ok: true, message: "Settings saved." };
  });
}
