"use server";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { addIncidentNote, setIncidentPractice, type SetIncidentPracticeInput } from "@/lib/incidents/practice";
import { publishPostmortem, revertPostmortem, savePostmortemDraft } from "@/lib/incidents/postmortem";
import { refreshAfterWrite } from "../form-data";

// The comms lead's internal fields and the postmortem. Owner, urgency and notes
// never reach a public surface; publishing or reverting a postmortem does.
// Publish and revert return no message: their forms leave the page once they
// succeed, and the postmortem card's state line says what happened.

export async function setPracticeAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await setIncidentPractice(ctx, {
      incidentId: str(fd, "incidentId") ?? "",
      ownerUserId: str(fd, "ownerUserId") || null,
      urgency: (str(fd, "urgency") || null) as SetIncidentPracticeInput["urgency"],
    });
    refreshAfterWrite();
    return { ok: true, message: "Owner and urgency saved." };
  });
}

export async function addNoteAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await addIncidentNote(ctx, { incidentId: str(fd, "incidentId") ?? "", body: str(fd, "body") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Note added." };
  });
}

export async function savePostmortemAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await savePostmortemDraft(ctx, { incidentId: str(fd, "incidentId") ?? "", body: str(fd, "body") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Draft saved. Check the preview below." };
  });
}

export async function publishPostmortemAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await publishPostmortem(ctx, { incidentId: str(fd, "incidentId") ?? "", notify: bool(fd, "notify") });
    refreshAfterWrite();
  });
}

export async function revertPostmortemAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser("editor");
  return runAction(async () => {
    await revertPostmortem(ctx, { incidentId: str(fd, "incidentId") ?? "" });
    refreshAfterWrite();
  });
}
