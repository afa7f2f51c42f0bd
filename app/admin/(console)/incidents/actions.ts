"use server";
import { redirect } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { fromLocalInput } from "@/components/admin/time";
import {
  createIncident,
  deleteIncident,
  deleteIncidentUpdate,
  editIncidentUpdate,
  postIncidentUpdate,
  updateIncident,
  type CreateIncidentInput,
  type EditUpdateInput,
  type PostUpdateInput,
} from "@/lib/incidents/incidents";
import { getPage } from "@/lib/page/page";
import { componentStatuses, refreshAfterWrite } from "../form-data";

// Enum-typed fields are passed through as the strings the form sent; the use
// case's zod schema rejects anything that isn't a known value.
type IncidentStatusField = PostUpdateInput["status"];
type ImpactField = CreateIncidentInput["impactOverride"];
type StatusMap = NonNullable<PostUpdateInput["components"]>;

function impactOverride(fd: FormData): ImpactField {
  const v = str(fd, "impactOverride");
  return v ? (v as ImpactField) : null;
}

export async function createIncidentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  let id: string | undefined;
  const result = await runAction(async () => {
    const { timeZone } = await getPage(ctx.db);
    const backfilled = bool(fd, "backfilled");
    const when = str(fd, "backfillDate");
    const created = await createIncident(ctx, {
      name: str(fd, "name") ?? "",
      status: (str(fd, "status") || "investigating") as IncidentStatusField,
      body: str(fd, "body") ?? "",
      components: componentStatuses(fd) as StatusMap,
      componentIds: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
      impactOverride: impactOverride(fd),
      notify: bool(fd, "notify"),
      backfilled,
      backfillDate: backfilled && when ? fromLocalInput(when, timeZone) : undefined,
    });
    id = created.incident.id;
    refreshAfterWrite();
  });
  if (!id) return result;
  redirect(`/admin/incidents/${id}`);
}

export async function postUpdateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await postIncidentUpdate(ctx, {
      incidentId: str(fd, "incidentId") ?? "",
      status: (str(fd, "status") ?? "") as IncidentStatusField,
      body: str(fd, "body") ?? "",
      components: componentStatuses(fd) as StatusMap,
      notify: bool(fd, "notify"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Update posted." };
  });
}

/** The shortcut: a resolved update whose affected components return to operational (the use case does that). */
export async function resolveIncidentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await postIncidentUpdate(ctx, {
      incidentId: str(fd, "incidentId") ?? "",
      status: "resolved",
      body: str(fd, "body") ?? "",
      notify: bool(fd, "notify"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Incident resolved." };
  });
}

export async function editUpdateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const { timeZone } = await getPage(ctx.db);
    const displayAt = str(fd, "displayAt");
    const input: EditUpdateInput = {
      incidentId: str(fd, "incidentId") ?? "",
      updateId: str(fd, "updateId") ?? "",
      body: str(fd, "body") ?? "",
      status: (str(fd, "status") ?? "") as IncidentStatusField,
      // An untouched time field keeps the stored time (seconds included).
      displayAt: displayAt && displayAt !== str(fd, "displayAtWas") ? fromLocalInput(displayAt, timeZone) : undefined,
    };
    await editIncidentUpdate(ctx, input);
    refreshAfterWrite();
    return { ok: true, message: "Update saved." };
  });
}

export async function deleteUpdateAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await deleteIncidentUpdate(ctx, { incidentId: str(fd, "incidentId") ?? "", updateId: str(fd, "updateId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Update deleted." };
  });
}

export async function updateIncidentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await updateIncident(ctx, { id: str(fd, "id") ?? "", name: str(fd, "name") ?? "", impactOverride: impactOverride(fd) });
    refreshAfterWrite();
    return { ok: true, message: "Incident saved." };
  });
}

export async function deleteIncidentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  const result = await runAction(async () => {
    await deleteIncident(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
  });
  if (result.error) return result;
  redirect("/admin?deleted=1");
}
