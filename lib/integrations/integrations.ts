// Integrations as staff manage them: create (the URL's token is shown once),
// settings, rules, delete, and what the console shows.
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES, INTEGRATION_INCIDENT_MODES } from "@/db/constants";
import {
  component,
  integration,
  integrationAlert,
  integrationEvent,
  integrationRule,
  type Integration,
  type IntegrationEvent,
  type IntegrationRule,
} from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { Id, newId, newToken, sha256 } from "../ids";
import { getPage } from "../page/page";
import { loadComponentsOrThrow } from "../components/status-changes";

const Name = z.string().trim().min(1, "Name is required").max(100, "At most 100 characters");
/** Up to an hour of hold; 0 applies changes at once. */
const HoldSeconds = z
  .number({ error: "Enter a number of seconds" })
  .int("Whole seconds")
  .min(0, "At least 0")
  .max(3600, "At most 3600 (an hour)");
const PerMinute = z
  .number({ error: "Enter a number" })
  .int("A whole number")
  .min(1, "At least 1")
  .max(6000, "At most 6000");

export const CreateIntegrationInput = z.strictObject({
  name: Name,
  holdSeconds: HoldSeconds.default(120),
  perMinute: PerMinute.default(60),
});
export type CreateIntegrationInput = z.input<typeof CreateIntegrationInput>;

export const UpdateIntegrationInput = z.strictObject({
  id: Id,
  name: Name.optional(),
  holdSeconds: HoldSeconds.optional(),
  perMinute: PerMinute.optional(),
});
export type UpdateIntegrationInput = z.input<typeof UpdateIntegrationInput>;

const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/, "Label names are letters, digits and _");
export const AddRuleInput = z
  .strictObject({
    integrationId: Id,
    match: z
      .record(LabelName, z.string().max(1000))
      .refine((m) => Object.keys(m).length >= 1, "Name at least one label to match")
      .refine((m) => Object.keys(m).length <= 20, "At most 20 labels"),
    componentId: Id,
    status: z.enum(COMPONENT_STATUSES, { error: "Pick a status" }),
    incidentMode: z.enum(INTEGRATION_INCIDENT_MODES).default("none"),
    notify: z.boolean().default(false),
  })
  // notify: the subscribers who chose component status changes hear of each change the rule makes (and of its
  // recovery); with incidentMode "publish", the published incident notifies too.
  .refine((r) => r.status !== "operational", {
    message: "A firing alert sets a status other than operational",
    path: ["status"],
  });
export type AddRuleInput = z.input<typeof AddRuleInput>;

/** The path an integration is reached at; the token is only known at creation. */
export const integrationPath = (id: string, token: string) => `/api/integrations/${id}/${token}`;

export function integrationDto(i: Integration) {
  return {
    id: i.id,
    name: i.name,
    holdSeconds: i.holdSeconds,
    perMinute: i.perMinute,
    lastEventAt: i.lastEventAt,
    createdAt: i.createdAt,
  };
}

export function ruleDto(r: IntegrationRule) {
  return {
    id: r.id,
    match: r.match,
    componentId: r.componentId,
    status: r.status,
    incidentMode: r.incidentMode,
    notify: r.notify,
  };
}

export async function getIntegrationOrThrow(tx: Tx, pageId: string, id: string): Promise<Integration> {
  const row = await tx.query.integration.findFirst({
    where: and(eq(integration.id, id), eq(integration.pageId, pageId), isNull(integration.deletedAt)),
  });
  if (!row) throw new NotFoundError("Integration");
  return row;
}

/** Creates an integration; the returned token is the only time it exists outside the sender's config. */
export async function createIntegration(
  ctx: Ctx,
  input: CreateIntegrationInput,
): Promise<{ integration: Integration; token: string; path: string }> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(CreateIntegrationInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const id = newId();
    const token = newToken();
    await tx.insert(integration).values({
      id,
      pageId: p.id,
      name: data.name,
      tokenHash: sha256(token),
      holdSeconds: data.holdSeconds,
      perMinute: data.perMinute,
      createdAt: now,
      updatedAt: now,
    });
    const row = await getIntegrationOrThrow(tx, p.id, id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "integration.create",
      entityType: "integration",
      entityId: id,
      after: integrationDto(row),
    });
    return { integration: row, token, path: integrationPath(id, token) };
  });
}

/** A new token (the old URL stops working at once), shown once like at creation. */
export async function rotateIntegrationToken(
  ctx: Ctx,
  input: { id: string },
): Promise<{ token: string; path: string }> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIntegrationOrThrow(tx, p.id, id);
    const token = newToken();
    await tx
      .update(integration)
      .set({ tokenHash: sha256(token), updatedAt: ctx.now() })
      .where(eq(integration.id, id));
    await audit(tx, ctx, { pageId: p.id, action: "integration.rotate_token", entityType: "integration", entityId: id });
    return { token, path: integrationPath(id, token) };
  });
}

export async function updateIntegration(ctx: Ctx, input: UpdateIntegrationInput): Promise<Integration> {
  requireRole(ctx.actor, "admin");
  const { id, ...fields } = parseInput(UpdateIntegrationInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIntegrationOrThrow(tx, p.id, id);
    await tx
      .update(integration)
      .set({ ...fields, updatedAt: ctx.now() })
      .where(eq(integration.id, id));
    const after = await getIntegrationOrThrow(tx, p.id, id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "integration.update",
      entityType: "integration",
      entityId: id,
      before: integrationDto(before),
      after: integrationDto(after),
    });
    return after;
  });
}

/** Soft delete: its URL stops working and its firing alerts stop counting (the engine joins live integrations). */
export async function deleteIntegration(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIntegrationOrThrow(tx, p.id, id);
    const now = ctx.now();
    await tx.update(integration).set({ deletedAt: now, updatedAt: now }).where(eq(integration.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "integration.delete",
      entityType: "integration",
      entityId: id,
      before: integrationDto(before),
    });
  });
}

export async function addIntegrationRule(ctx: Ctx, input: AddRuleInput): Promise<IntegrationRule> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(AddRuleInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIntegrationOrThrow(tx, p.id, data.integrationId);
    await loadComponentsOrThrow(tx, p.id, [data.componentId], "componentId");
    const last = await tx
      .select({ position: integrationRule.position })
      .from(integrationRule)
      .where(eq(integrationRule.integrationId, data.integrationId))
      .orderBy(desc(integrationRule.position))
      .get();
    const id = newId();
    await tx
      .insert(integrationRule)
      .values({ id, ...data, position: (last?.position ?? -1) + 1, createdAt: ctx.now() });
    const row = (await tx.query.integrationRule.findFirst({ where: eq(integrationRule.id, id) }))!;
    await audit(tx, ctx, {
      pageId: p.id,
      action: "integration.add_rule",
      entityType: "integration",
      entityId: data.integrationId,
      after: ruleDto(row),
    });
    return row;
  });
}

export async function deleteIntegrationRule(ctx: Ctx, input: { integrationId: string; ruleId: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(z.strictObject({ integrationId: Id, ruleId: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIntegrationOrThrow(tx, p.id, data.integrationId);
    const rule = await tx.query.integrationRule.findFirst({
      where: and(eq(integrationRule.id, data.ruleId), eq(integrationRule.integrationId, data.integrationId)),
    });
    if (!rule) throw new NotFoundError("Rule");
    await tx.delete(integrationRule).where(eq(integrationRule.id, rule.id));
    // Its alerts would otherwise stay "firing" forever: a later resolve matches no rule and never reaches them.
    await tx.delete(integrationAlert).where(eq(integrationAlert.ruleId, rule.id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "integration.delete_rule",
      entityType: "integration",
      entityId: data.integrationId,
      before: ruleDto(rule),
    });
  });
}

/** Rule text as typed in the console: `key=value` pairs separated by commas or new lines. */
export function parseMatchText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const item = part.trim();
    if (!item) continue;
    const eqAt = item.indexOf("=");
    if (eqAt <= 0)
      throw new ValidationError(`“${item.slice(0, 50)}” is not label=value`, {
        match: ["Write label=value pairs, e.g. alertname=ApiDown, service=api"],
      });
    out[item.slice(0, eqAt).trim()] = item
      .slice(eqAt + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export interface IntegrationView {
  integration: ReturnType<typeof integrationDto>;
  rules: (ReturnType<typeof ruleDto> & { componentName: string })[];
  events: Pick<IntegrationEvent, "id" | "at" | "format" | "alerts" | "outcome" | "test">[];
}

export async function listIntegrations(db: Tx, pageId: string): Promise<IntegrationView[]> {
  const rows = await db
    .select()
    .from(integration)
    .where(and(eq(integration.pageId, pageId), isNull(integration.deletedAt)))
    .orderBy(asc(integration.createdAt));
  const out: IntegrationView[] = [];
  for (const i of rows) {
    const rules = await db
      .select({ rule: integrationRule, componentName: component.name })
      .from(integrationRule)
      .innerJoin(component, eq(component.id, integrationRule.componentId))
      .where(eq(integrationRule.integrationId, i.id))
      .orderBy(asc(integrationRule.position));
    const events = await db
      .select({
        id: integrationEvent.id,
        at: integrationEvent.at,
        format: integrationEvent.format,
        alerts: integrationEvent.alerts,
        outcome: integrationEvent.outcome,
        test: integrationEvent.test,
      })
      .from(integrationEvent)
      .where(eq(integrationEvent.integrationId, i.id))
      .orderBy(desc(integrationEvent.at))
      .limit(10);
    out.push({
      integration: integrationDto(i),
      rules: rules.map((r) => ({ ...ruleDto(r.rule), componentName: r.componentName })),
      events,
    });
  }
  return out;
}
