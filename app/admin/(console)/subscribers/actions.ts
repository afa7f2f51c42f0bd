"use server";
import { revalidatePath } from "next/cache";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { requireUser } from "@/app/_server/auth";
import { env } from "@/lib/env";
import { addSubscriber, importSubscribersCsv, removeSubscriber, resendConfirmation } from "@/lib/subscribers/admin";

export async function addSubscriberAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("editor");
    const s = await addSubscriber(ctx, env().HERALD_SECRET, {
      email: str(fd, "email") ?? "",
      skipConfirmation: bool(fd, "skipConfirmation"),
    });
    revalidatePath("/admin/subscribers");
    return { ok: true, message: s.state === "active" ? `${s.email} added` : `Confirmation queued for ${s.email}` };
  });
}

export async function importSubscribersAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("admin");
    const file = fd.get("file");
    const csv = file instanceof File && file.size ? await file.text() : (str(fd, "csv") ?? "");
    const r = await importSubscribersCsv(ctx, env().HERALD_SECRET, csv, { confirm: bool(fd, "confirm") });
    revalidatePath("/admin/subscribers");
    return {
      ok: true,
      message:
        `${r.added} added, ${r.skipped} already subscribed, ${r.invalid.length} ` +
        `invalid${r.invalid.length ? `: ${r.invalid.slice(0, 5).join(", ")}` : ""}`,
    };
  });
}

export async function removeSubscriberAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("editor");
    await removeSubscriber(ctx, str(fd, "id") ?? "");
    revalidatePath("/admin/subscribers");
  });
}

export async function resendConfirmationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("editor");
    await resendConfirmation(ctx, env().HERALD_SECRET, str(fd, "id") ?? "");
    return { ok: true, message: "Confirmation queued" };
  });
}
