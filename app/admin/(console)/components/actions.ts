"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import {
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  listComponents,
  listGroups,
  reorderComponents,
  reorderGroups,
  updateComponent,
  updateGroup,
  type UpdateComponentInput,
} from "@/lib/components/components";
import type { Ctx } from "@/lib/context";
import { ValidationError } from "@/lib/errors";
import { getPage } from "@/lib/page/page";
import { refreshAfterWrite } from "../form-data";

type StatusField = UpdateComponentInput["status"];

/** Blank means "the page's target"; anything else must parse as a number (NaN is rejected by the use case). */
function percentOrNull(value: string | undefined): number | null {
  const v = value?.trim();
  return v ? Number(v) : null;
}

/** The fields the create and edit forms share, read one by one. */
function componentFields(fd: FormData) {
  return {
    name: str(fd, "name") ?? "",
    description: str(fd, "description") ?? "",
    groupId: str(fd, "groupId") || null,
    hidden: bool(fd, "hidden"),
    showcase: bool(fd, "showcase"),
    onlyShowIfDegraded: bool(fd, "onlyShowIfDegraded"),
    startDate: str(fd, "startDate") || null,
    uptimeTarget: percentOrNull(str(fd, "uptimeTarget")),
  };
}

function groupFields(fd: FormData) {
  return { name: str(fd, "name") ?? "", description: str(fd, "description") ?? "", hidden: bool(fd, "hidden") };
}

/** Swaps an item with its neighbour; the order sent to the use case lists every item once. */
function moved(ids: string[], id: string, direction: string | undefined): string[] {
  const from = ids.indexOf(id);
  const to = direction === "up" ? from - 1 : from + 1;
  if (from < 0 || (direction !== "up" && direction !== "down")) throw new ValidationError("Unknown item or direction");
  if (to < 0 || to >= ids.length) return ids;
  const next = [...ids];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

async function act(fn: (ctx: Ctx) => Promise<void>, message: string): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await fn(ctx);
    refreshAfterWrite();
    return { ok: true, message };
  });
}

export async function createGroupAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(async (ctx) => void (await createGroup(ctx, groupFields(fd))), "Group created.");
}

export async function updateGroupAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(
    async (ctx) => void (await updateGroup(ctx, { id: str(fd, "id") ?? "", ...groupFields(fd) })),
    "Group saved.",
  );
}

export async function deleteGroupAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act((ctx) => deleteGroup(ctx, { id: str(fd, "id") ?? "" }), "Group deleted.");
}

export async function moveGroupAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(async (ctx) => {
    const page = await getPage(ctx.db);
    const ids = (await listGroups(ctx.db, page.id)).map((g) => g.id);
    await reorderGroups(ctx, { ids: moved(ids, str(fd, "id") ?? "", str(fd, "direction")) });
  }, "Order saved.");
}

export async function createComponentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(async (ctx) => void (await createComponent(ctx, componentFields(fd))), "Component created.");
}

export async function updateComponentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(
    async (ctx) => void (await updateComponent(ctx, { id: str(fd, "id") ?? "", ...componentFields(fd) })),
    "Component saved.",
  );
}

export async function setComponentStatusAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(
    async (ctx) =>
      void (await updateComponent(ctx, {
        id: str(fd, "id") ?? "",
        status: (str(fd, "status") ?? "") as StatusField,
        // Subscribers who chose component status changes hear about it unless the box is cleared.
        notify: fd.get("notify") === "on",
      })),
    "Status set.",
  );
}

export async function moveComponentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act(async (ctx) => {
    const page = await getPage(ctx.db);
    const id = str(fd, "id") ?? "";
    const all = await listComponents(ctx.db, page.id);
    const groupId = all.find((c) => c.id === id)?.groupId ?? null;
    const siblings = all.filter((c) => c.groupId === groupId).map((c) => c.id);
    await reorderComponents(ctx, { groupId, ids: moved(siblings, id, str(fd, "direction")) });
  }, "Order saved.");
}

export async function deleteComponentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  return act((ctx) => deleteComponent(ctx, { id: str(fd, "id") ?? "" }), "Component deleted.");
}
