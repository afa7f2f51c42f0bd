"use server";
import { revalidatePath } from "next/cache";
import { type ActionState, runAction, str } from "@/app/_server/actions";
import { requireUser } from "@/app/_server/auth";
import type { ChannelOutcome } from "@/lib/channels/classify";
import {
  addChannelTarget,
  channelEnvFromEnv,
  reenableChannelTarget,
  removeChannelTarget,
  rotateChannelSecret,
  sendChannelTest,
} from "@/lib/subscribers/channels";

export async function addChannelAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("admin");
    const made = await addChannelTarget(ctx, channelEnvFromEnv(), {
      kind: (str(fd, "kind") ?? "") as never,
      url: str(fd, "url") ?? "",
      ownerEmail: str(fd, "ownerEmail") ?? null,
      componentIds: fd.getAll("componentIds").map(String),
      events: fd.getAll("events").map(String) as never,
    });
    revalidatePath("/admin/subscribers/channels");
    return {
      ok: true,
      message: made.signingSecret
        ? `${made.target.label} added. Its signing secret is below: it is shown only once.`
        : `${made.target.label} added`,
      ...(made.signingSecret ? { secret: made.signingSecret } : {}),
    };
  });
}

function describe(o: ChannelOutcome): string {
  if (o.kind === "done") return `Delivered (HTTP ${o.status})`;
  return `${o.kind === "retry" ? "Not delivered, would be retried" : "Not delivered"}: ${o.error}`;
}

export async function sendTestAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("editor");
    const outcome = await sendChannelTest(ctx, channelEnvFromEnv(), str(fd, "id") ?? "");
    return outcome.kind === "done" ? { ok: true, message: describe(outcome) } : { error: describe(outcome) };
  });
}

export async function reenableChannelAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("admin");
    const t = await reenableChannelTarget(ctx, str(fd, "id") ?? "");
    revalidatePath(`/admin/subscribers/channels/${t.id}`);
    return { ok: true, message: "Active again" };
  });
}

export async function rotateSecretAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("admin");
    const { signingSecret } = await rotateChannelSecret(ctx, channelEnvFromEnv(), str(fd, "id") ?? "");
    return { ok: true, message: "New signing secret: the old one no longer verifies.", secret: signingSecret };
  });
}

export async function removeChannelAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return runAction(async () => {
    const { ctx } = await requireUser("admin");
    const t = await removeChannelTarget(ctx, str(fd, "id") ?? "");
    revalidatePath("/admin/subscribers/channels");
    revalidatePath(`/admin/subscribers/channels/${t.id}`);
  });
}
