"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, type ActionState } from "@/app/_server/actions";
import { requestMirrorSync } from "@/lib/mirror/mirror";
import { wakeWorker } from "@/lib/worker/loop";
import { refreshAfterWrite } from "../../form-data";

export async function syncMirrorAction(_prev: ActionState, _fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    await requestMirrorSync(ctx);
    wakeWorker();
    refreshAfterWrite();
    return { ok: true, message: "A full push is queued; the worker starts it now." };
  });
}
