"use server";
import { revalidatePath } from "next/cache";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { requireUser } from "@/app/_server/auth";
import { retryFailedDeliveries } from "@/lib/notifications/status";

export async function retryFailedAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("editor");
    const n = await retryFailedDeliveries(ctx, str(fd, "id") ?? "");
    revalidatePath("/admin/outbox");
    return { ok: true, message: `${n} deliveries queued again` };
  });
}
