"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import {
  addMembers,
  createAudience,
  deleteAudience,
  membersFromCsv,
  removeMember,
  setAudienceScope,
} from "@/lib/audiences/audiences";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { loadViewerSettings } from "@/lib/viewers/access";
import { updateViewerOidc } from "@/lib/viewers/oidc";
import { PREVIEW_SESSION_MS, signViewerSession, VIEWER_COOKIE } from "@/lib/viewers/session";
import { createViewerToken, revokeViewerToken, updateViewerSettings } from "@/lib/viewers/settings";
import { refreshAfterWrite } from "../form-data";

export async function createAudienceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const a = await createAudience(ctx, { name: str(fd, "name") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: `Audience “${a.name}” created.` };
  });
}

export async function deleteAudienceAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  const result = await runAction(async () => {
    await deleteAudience(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
  });
  if (result.ok) redirect("/admin/audiences");
  return result;
}

/** Addresses typed one per line (or comma-separated), or a CSV file's first column. */
export async function addMembersAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const file = fd.get("csv");
    const typed = (str(fd, "emails") ?? "")
      .split(/[\n,;]/)
      .map((e) => e.trim())
      .filter(Boolean);
    const fromFile = file instanceof File && file.size ? membersFromCsv(await file.text()) : [];
    const added = await addMembers(ctx, { audienceId: str(fd, "audienceId") ?? "", emails: [...typed, ...fromFile] });
    refreshAfterWrite();
    return { ok: true, message: `${added} member${added === 1 ? "" : "s"} added.` };
  });
}

export async function removeMemberAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await removeMember(ctx, { audienceId: str(fd, "audienceId") ?? "", memberId: str(fd, "memberId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Member removed." };
  });
}

export async function setScopeAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const entityType = str(fd, "entityType") ?? "";
    const changed = await setAudienceScope(ctx, {
      audienceId: str(fd, "audienceId") ?? "",
      entityType,
      entityIds: fd.getAll("entity").filter((v): v is string => typeof v === "string"),
    });
    refreshAfterWrite();
    return { ok: true, message: changed ? `Restrictions saved (${changed} changed).` : "Nothing changed." };
  });
}

export async function updateViewerSettingsAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await updateViewerSettings(ctx, {
      visibility: str(fd, "visibility") === "private" ? "private" : "public",
      magicLinkEnabled: bool(fd, "magicLinkEnabled"),
      allowedDomains: str(fd, "allowedDomains") ?? "",
      ipAllowList: str(fd, "ipAllowList") ?? "",
      password: str(fd, "password") ?? "",
      removePassword: bool(fd, "removePassword"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Viewer settings saved." };
  });
}

export async function createViewerTokenAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const { token } = await createViewerToken(ctx, { email: str(fd, "email") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Token created. Add it to machine URLs as ?token=…", secret: token };
  });
}

export async function revokeViewerTokenAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await revokeViewerToken(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Token revoked." };
  });
}

/** "View as audience": a one-hour viewer session for this audience in this browser, then the public site. */
export async function previewAudienceAction(fd: FormData): Promise<void> {
  const { ctx } = await requireUser();
  const page = await getPage(ctx.db);
  const settings = await loadViewerSettings(ctx.db, page.id);
  const audienceId = str(fd, "audienceId") ?? "";
  const value = signViewerSession(
    { subject: { kind: "preview", audienceId }, epoch: settings.sessionEpoch, exp: Date.now() + PREVIEW_SESSION_MS },
    env().HERALD_SECRET,
  );
  (await cookies()).set(VIEWER_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: PREVIEW_SESSION_MS / 1000,
    secure: env().HERALD_URL?.startsWith("https://") ?? false,
  });
  redirect("/");
}

export async function updateViewerOidcAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const issuer = str(fd, "oidcIssuer")?.trim() ?? "";
    await updateViewerOidc(ctx, {
      issuer,
      clientId: str(fd, "oidcClientId") ?? "",
      clientSecret: str(fd, "oidcClientSecret") ?? "",
    });
    refreshAfterWrite();
    return { ok: true, message: issuer ? "Single sign-on for viewers saved." : "Single sign-on for viewers is off." };
  });
}
