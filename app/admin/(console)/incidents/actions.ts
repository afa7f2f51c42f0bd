"use server";
import { redirect } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { fromLocalInput } from "@/components/admin/time";
import { listComponents } from "@/lib/components/components";
import { env } from "@/lib/env";
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
import { getConsoleIncident } from "@/lib/incidents/queries";
import { publishDraftIncident } from "@/lib/incidents/drafts";
import { scheduleIncident, scheduleIncidentUpdate } from "@/lib/incidents/scheduled";
import { previewPost, type PostPreview } from "@/lib/incidents/preview";
import { getPage } from "@/lib/page/page";
import { ValidationError } from "@/lib/errors";
import type { Tx } from "@/db/client";
import type { Page } from "@/db/schema";
import { publicBaseUrl } from "@/lib/public/page";
import { componentStatuses, refreshAfterWrite } from "../form-data";
import { fillPostForm } from "./placeholders";

// Enum-typed fields are passed through as the strings the form sent; the use
// case's zod schema rejects anything that isn't a known value.
type IncidentStatusField = PostUpdateInput["status"];
type ImpactField = CreateIncidentInput["impactOverride"];
type StatusMap = NonNullable<PostUpdateInput["components"]>;

/**
 * Fills a console post's placeholders (placeholders.ts) and refuses text that
 * still holds one unless the form says to post it as written
 * (`keepPlaceholders`, offered with the warning).
 */
async function filledPost(
  db: Tx,
  page: Page,
  fd: FormData,
  text: { name?: string; body: string },
  incident?: { name: string; componentIds: readonly string[] },
) {
  const filled = await fillPostForm(db, page, fd, text, incident);
  const left = [...new Set([...filled.unfilled.name, ...filled.unfilled.body])];
  if (left.length && !bool(fd, "keepPlaceholders")) {
    const what = left.join(", ");
    const hint = left.some((p) => /^\{\{\s*components?\s*\}\}$/.test(p))
      ? " Mark the affected components to fill it in, or edit the text."
      : " Edit the text.";
    const fieldErrors: Record<string, string[]> = { keepPlaceholders: [`Nothing fills in ${what}.${hint}`] };
    if (filled.unfilled.name.length) fieldErrors.name = [`Still holds ${filled.unfilled.name.join(", ")}`];
    if (filled.unfilled.body.length) fieldErrors.body = [`Still holds ${filled.unfilled.body.join(", ")}`];
    throw new ValidationError(
      `The text still holds ${what}, which nothing fills in. ` +
        `Fix it, or tick “Post it as written” to publish it like ` +
        `that.`,
      fieldErrors,
    );
  }
  return filled;
}

function impactOverride(fd: FormData): ImpactField {
  const v = str(fd, "impactOverride");
  return v ? (v as ImpactField) : null;
}

export async function createIncidentAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  let id: string | undefined;
  const result = await runAction(async () => {
    const page = await getPage(ctx.db);
    const { timeZone } = page;
    const backfilled = bool(fd, "backfilled");
    const when = str(fd, "backfillDate");
    const publishAt = str(fd, "publishAt");
    const text = await filledPost(ctx.db, page, fd, { name: str(fd, "name") ?? "", body: str(fd, "body") ?? "" });
    const fields = {
      name: text.name ?? "",
      status: (str(fd, "status") || "investigating") as IncidentStatusField,
      body: text.body,
      components: componentStatuses(fd) as StatusMap,
      componentIds: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
      impactOverride: impactOverride(fd),
      notify: bool(fd, "notify"),
    };
    // A publish time makes it a scheduled incident; the use case reads the wall time in the page's zone.
    const created =
      publishAt && !backfilled
        ? await scheduleIncident(ctx, { ...fields, publishAt })
        : await createIncident(ctx, {
            ...fields,
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
    const page = await getPage(ctx.db);
    const incident = await getConsoleIncident(ctx.db, page.id, str(fd, "incidentId") ?? "");
    const text = await filledPost(
      ctx.db,
      page,
      fd,
      { body: str(fd, "body") ?? "" },
      incident ? { name: incident.name, componentIds: incident.components.map((c) => c.id) } : undefined,
    );
    const fields = {
      incidentId: str(fd, "incidentId") ?? "",
      status: (str(fd, "status") ?? "") as IncidentStatusField,
      body: text.body,
      components: componentStatuses(fd) as StatusMap,
      notify: bool(fd, "notify"),
      // An internal note goes with the update when written; its audience boxes alone say nothing.
      note: str(fd, "noteBody")
        ? { body: str(fd, "noteBody") ?? "", audienceIds: fd.getAll("noteAudienceIds").map(String) }
        : undefined,
    };
    // A publish time makes it a scheduled update; the use case reads the wall time in the page's zone.
    const publishAt = str(fd, "publishAt");
    if (publishAt) await scheduleIncidentUpdate(ctx, { ...fields, publishAt });
    else await postIncidentUpdate(ctx, fields);
    refreshAfterWrite();
    return { ok: true, message: publishAt ? "Update scheduled." : "Update posted." };
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
    await updateIncident(ctx, {
      id: str(fd, "id") ?? "",
      name: str(fd, "name") ?? "",
      impactOverride: impactOverride(fd),
    });
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

/**
 * Renders what the post form's values would publish — the public timeline
 * entry and the subscriber email — without saving anything. Used by the new
 * incident form (no incidentId) and the post-update form.
 */
export async function previewPostAction(fd: FormData): Promise<PostPreview> {
  const { ctx } = await requireUser("editor");
  try {
    const page = await getPage(ctx.db);
    const incidentId = str(fd, "incidentId");
    const existing = incidentId ? await getConsoleIncident(ctx.db, page.id, incidentId) : null;
    if (incidentId && !existing) return { error: "This incident no longer exists." };
    // The same filling as posting, so the preview shows the text that would be published.
    const filled = await fillPostForm(
      ctx.db,
      page,
      fd,
      { name: existing ? undefined : (str(fd, "name") ?? ""), body: str(fd, "body") ?? "" },
      existing ? { name: existing.name, componentIds: existing.components.map((c) => c.id) } : undefined,
    );
    const backfilled = bool(fd, "backfilled");
    const when = backfilled ? str(fd, "backfillDate") : str(fd, "publishAt");
    return await previewPost(
      {
        page,
        components: await listComponents(ctx.db, page.id),
        root: publicBaseUrl(page, env().HERALD_URL),
        now: ctx.now(),
      },
      {
        incident: existing && { id: existing.id, name: existing.name },
        name: filled.name ?? "",
        body: filled.body,
        status: str(fd, "status") || "investigating",
        components: componentStatuses(fd),
        componentIds: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
        at: when ? fromLocalInput(when, page.timeZone) : undefined,
        notify: bool(fd, "notify"),
        backfilled,
        unfilled: [...filled.unfilled.name, ...filled.unfilled.body],
      },
    );
  } catch (err) {
    console.error("[herald] preview failed", err);
    return { error: "The preview could not be rendered. The error was logged." };
  }
}

/** A draft (opened by a monitor alert, lib/integrations) goes public; notifying is the person's choice. */
export async function publishDraftAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await publishDraftIncident(ctx, { id: str(fd, "id") ?? "", notify: bool(fd, "notify") });
    refreshAfterWrite();
    return { ok: true, message: "Published." };
  });
}
