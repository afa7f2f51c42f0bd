"use server";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { requireUser } from "@/app/_server/auth";
import type { ComponentStatus, IntegrationIncidentMode } from "@/db/constants";
import { env } from "@/lib/env";
import {
  addIntegrationRule,
  createIntegration,
  deleteIntegration,
  deleteIntegrationRule,
  parseMatchText,
  rotateIntegrationToken,
  updateIntegration,
} from "@/lib/integrations/integrations";
import { sendTestAlert } from "@/lib/integrations/receive";
import { getPage } from "@/lib/page/page";
import { publicBaseUrl } from "@/lib/public/page";
import { refreshAfterWrite } from "../form-data";

/** Whole numbers from the form; anything else is left for the use case's validation to name. */
const int = (fd: FormData, key: string) => {
  const v = str(fd, key)?.trim();
  return v ? Number(v) : undefined;
};

async function fullUrl(path: string, db: Parameters<typeof getPage>[0]) {
  return `${publicBaseUrl(await getPage(db), env().HERALD_URL)}${path}`;
}

export async function createIntegrationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const { integration, path } = await createIntegration(ctx, {
      name: str(fd, "name") ?? "",
      holdSeconds: int(fd, "holdSeconds"),
      perMinute: int(fd, "perMinute"),
    });
    refreshAfterWrite();
    return {
      ok: true,
      message:
        `Integration “${integration.name}” created. Its URL is its secret: paste it into your monitor's ` +
        `webhook settings now.`,
      secret: await fullUrl(path, ctx.db),
      secretLabel: "integration URL",
    };
  });
}

export async function rotateIntegrationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const { path } = await rotateIntegrationToken(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
    return {
      ok: true,
      message: "New URL made; the old one no longer works.",
      secret: await fullUrl(path, ctx.db),
      secretLabel: "integration URL",
    };
  });
}

export async function updateIntegrationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await updateIntegration(ctx, {
      id: str(fd, "id") ?? "",
      name: str(fd, "name"),
      holdSeconds: int(fd, "holdSeconds"),
      perMinute: int(fd, "perMinute"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Saved." };
  });
}

export async function deleteIntegrationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await deleteIntegration(ctx, { id: str(fd, "id") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Integration deleted." };
  });
}

export async function addRuleAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await addIntegrationRule(ctx, {
      integrationId: str(fd, "integrationId") ?? "",
      match: parseMatchText(str(fd, "match") ?? ""),
      componentId: str(fd, "componentId") ?? "",
      // Checked against the allowed lists by the use case.
      status: (str(fd, "status") ?? "") as ComponentStatus,
      incidentMode: (str(fd, "incidentMode") ?? "none") as IntegrationIncidentMode,
      notify: bool(fd, "notify"),
    });
    refreshAfterWrite();
    return { ok: true, message: "Rule added." };
  });
}

export async function deleteRuleAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await deleteIntegrationRule(ctx, {
      integrationId: str(fd, "integrationId") ?? "",
      ruleId: str(fd, "ruleId") ?? "",
    });
    refreshAfterWrite();
  });
}

export async function testAlertAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const lines = await sendTestAlert(ctx, {
      id: str(fd, "id") ?? "",
      labels: parseMatchText(str(fd, "labels") ?? ""),
      firing: str(fd, "state") !== "resolved",
    });
    refreshAfterWrite();
    return { ok: true, message: lines.join(" · ") || "No rule matched and nothing would change." };
  });
}
