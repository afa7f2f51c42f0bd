"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import {
  addMirrorTarget,
  listConsoleTargets,
  pushMirrorTargetNow,
  removeMirrorTarget,
  updateMirrorTarget,
} from "@/lib/mirror/console-targets";
import { consoleTargetEnvFromEnv, mirrorTargetsFromEnv } from "@/lib/mirror/from-env";
import { requestMirrorSync } from "@/lib/mirror/mirror";
import { wakeWorker } from "@/lib/worker/wake";
import { refreshAfterWrite } from "../../form-data";

const FIELDS = [
  "kind",
  "path",
  "url",
  "branch",
  "auth",
  "username",
  "token",
  "sshKey",
  "endpoint",
  "bucket",
  "region",
  "prefix",
  "accessKeyId",
  "secretAccessKey",
] as const;

/** The form's fields as the use case's input (the kind decides which it reads). */
const targetInput = (fd: FormData) => Object.fromEntries(FIELDS.map((f) => [f, str(fd, f)]));

export async function syncMirrorAction(_prev: ActionState, _fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    await requestMirrorSync(ctx);
    wakeWorker();
    refreshAfterWrite();
    return { ok: true, message: "A full push is queued; the worker starts it now." };
  });
}

export async function addMirrorTargetAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    await addMirrorTarget(ctx, consoleTargetEnvFromEnv(), targetInput(fd));
    wakeWorker();
    refreshAfterWrite();
    return { ok: true, message: "Target added; the worker pushes the site there now." };
  });
}

export async function updateMirrorTargetAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    await updateMirrorTarget(ctx, consoleTargetEnvFromEnv(), str(fd, "id"), targetInput(fd));
    wakeWorker();
    refreshAfterWrite();
    return { ok: true, message: "Target saved; the worker pushes the site there now." };
  });
}

export async function removeMirrorTargetAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    await removeMirrorTarget(ctx, str(fd, "id"));
    refreshAfterWrite();
    return { ok: true, message: "Target removed. What it holds was left as it is." };
  });
}

export async function pushMirrorTargetAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("admin");
  return runAction(async () => {
    const ids = [...mirrorTargetsFromEnv(), ...(await listConsoleTargets(ctx.db))].map((t) => t.id);
    await pushMirrorTargetNow(ctx, str(fd, "id"), ids);
    wakeWorker();
    refreshAfterWrite();
    return { ok: true, message: "A push to this target is queued; the worker starts it now." };
  });
}
