// One change of a maintenance that may both edit it and add a timeline entry
// (the v1 API's PATCH /incidents/{id}), in one transaction: the edit merges the
// given fields over the current ones, then the entry is posted.
import type { z } from "zod";
import type { Incident } from "@/db/schema";
import { parseInput, requireRole, type Ctx } from "../context";
import { Id } from "../ids";
import { getPage } from "../page/page";
import { editMaintenanceIn, editValues, UpdateMaintenanceInput } from "./edit";
import { getMaintenanceOrThrow, PostMaintenanceUpdateInput, postMaintenanceUpdateIn } from "./maintenance";

const EditPart = UpdateMaintenanceInput.omit({ maintenanceId: true }).partial();
const PostPart = PostMaintenanceUpdateInput.omit({ maintenanceId: true });

export interface PatchMaintenanceInput {
  maintenanceId: string;
  edit?: z.input<typeof EditPart>;
  post?: z.input<typeof PostPart>;
}

export async function patchMaintenance(ctx: Ctx, input: PatchMaintenanceInput): Promise<Incident> {
  requireRole(ctx.actor, "editor");
  // Each part on its own, so a validation error names the field itself ("scheduledFor", not "edit.scheduledFor").
  const maintenanceId = parseInput(Id, input.maintenanceId);
  const edit = input.edit === undefined ? undefined : stripUndefined(parseInput(EditPart, input.edit));
  const post = input.post === undefined ? undefined : parseInput(PostPart, input.post);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    let m = await getMaintenanceOrThrow(tx, p.id, maintenanceId);
    if (edit && Object.keys(edit).length) {
      const { id: _id, status: _status, backfilled: _backfilled, ...current } = await editValues(tx, m);
      const merged = parseInput(UpdateMaintenanceInput, { ...current, ...edit, maintenanceId: m.id });
      m = await editMaintenanceIn(tx, ctx, p, m, merged);
    }
    if (post) m = (await postMaintenanceUpdateIn(tx, ctx, m, post)).maintenance;
    return m;
  });
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
