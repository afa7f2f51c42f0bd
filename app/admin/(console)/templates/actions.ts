"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import type { Ctx } from "@/lib/context";
import { createTemplate, deleteTemplate, updateTemplate, type CreateTemplateInput } from "@/lib/templates/templates";
import { componentStatuses, refreshAfterWrite } from "../form-data";

function templateFields(fd: FormData) {
  return {
    name: str(fd, "name") ?? "",
    title: str(fd, "title") ?? "",
    body: str(fd, "body") ?? "",
    status: (str(fd, "status") ?? "") as CreateTemplateInput["status"],
    components: componentStatuses(fd) as CreateTemplateInput["components"],
    notify: bool(fd, "notify"),
  };
}

async function act(fn: (ctx: Ctx) => Promise<unknown>, message: string): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await fn(ctx);
    refreshAfterWrite();
    return { ok: true, message };
  });
}

export async function createTemplateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act((ctx) => createTemplate(ctx, templateFields(fd)), "Template created.");
}

export async function updateTemplateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act((ctx) => updateTemplate(ctx, { id: str(fd, "id") ?? "", ...templateFields(fd) }), "Template saved.");
}

export async function deleteTemplateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act((ctx) => deleteTemplate(ctx, { id: str(fd, "id") ?? "" }), "Template deleted.");
}
