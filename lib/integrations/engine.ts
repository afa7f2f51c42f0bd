// The alert engine: what firing and resolved alerts do to components.
//
// Each alert's last word is kept per component it maps to (integration_alert).
// A component driven by alerts wants the worst status among the alerts firing
// on it, or operational when none fire. A change it wants waits out the
// integration's hold (automation_component.wanted/due_at) and is applied by
// runDueWork (applyDueAutomation) if it is still wanted then, so an alert
// that flaps inside the hold changes nothing. While a published incident is
// open on the component (or a maintenance is underway), automation leaves it
// alone: a person is in charge (Statuspage ignores automated changes then).
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "@/db/constants";
import {
  automationComponent,
  component,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  integration,
  integrationAlert,
  integrationRule,
  type Component,
  type Integration,
  type IntegrationRule,
} from "@/db/schema";
import { audit } from "../audit";
import { applyComponentStatuses, notifyComponentChanges } from "../components/status-changes";
import type { Actor, Ctx, PublicCtx } from "../context";
import { newId } from "../ids";
import { refreshIncidentCaches, writeUpdate } from "../incidents/timeline";
import { publishUnpublishedIncident } from "../incidents/scheduled";
import { serialized } from "../jobs/serialize";
import { bumpContentVersion } from "../page/page";
import { publishedIncidentOn, publishedUpdate } from "../public/visibility";
import { maintenanceUnderway, openStatus } from "../status/conditions";
import { worstComponentStatus } from "../status/rules";
import type { InboundAlert, InboundPayload } from "./payload";

/** The acting party of an integration's changes: audit rows name it. */
export function integrationActor(i: Pick<Integration, "id" | "name">): Actor {
  return { type: "system", id: i.id, label: `integration: ${i.name}`, role: "editor" };
}

/** Whether every label the rule names has that exact value on the alert. */
export function ruleMatches(
  match: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const entries = Object.entries(match);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

interface Target {
  componentId: string;
  status: ComponentStatus;
  ruleId: string | null;
  alertKey?: string;
}

async function liveComponents(tx: Tx, pageId: string, ids: string[]): Promise<Component[]> {
  if (!ids.length) return [];
  return tx
    .select()
    .from(component)
    .where(and(eq(component.pageId, pageId), inArray(component.id, ids), isNull(component.deletedAt)));
}

/**
 * The components an alert drives: every matching rule's. A generic payload
 * that no rule matches may name a component directly, by id or by name.
 */
async function targetsOf(
  tx: Tx,
  pageId: string,
  rules: readonly IntegrationRule[],
  alert: InboundAlert,
): Promise<Target[]> {
  const matched = rules.filter((r) => ruleMatches(r.match, alert.labels));
  if (matched.length) {
    const live = new Set(
      (
        await liveComponents(
          tx,
          pageId,
          matched.map((r) => r.componentId),
        )
      ).map((c) => c.id),
    );
    return matched
      .filter((r) => live.has(r.componentId))
      .map((r) => ({ componentId: r.componentId, status: alert.status ?? r.status, ruleId: r.id }));
  }
  const named = alert.labels.component;
  if (alert.key.startsWith("g:") && named) {
    const c = await tx
      .select({ id: component.id })
      .from(component)
      .where(
        and(
          eq(component.pageId, pageId),
          isNull(component.deletedAt),
          or(eq(component.id, named), sql`lower(${component.name}) = lower(${named})`),
        ),
      )
      .orderBy(asc(component.position))
      .get();
    // One key per directly named component, however it was named (id or name).
    if (c) return [{ componentId: c.id, status: alert.status ?? "major_outage", ruleId: null, alertKey: "g:direct" }];
  }
  return [];
}

/** A person is in charge of the component: an open published incident names it, or a maintenance on it is underway. */
export async function personInCharge(tx: Tx, pageId: string, componentId: string): Promise<boolean> {
  const row = await tx
    .select({ id: incident.id })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
    .where(
      and(
        publishedIncidentOn(pageId),
        publishedUpdate,
        eq(incidentUpdateComponent.componentId, componentId),
        or(and(eq(incident.kind, "incident"), openStatus), maintenanceUnderway),
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}

/** The worst firing alert on the component, across live integrations; none = it wants operational. */
async function worstFiring(tx: Tx, componentId: string) {
  const rows = await tx
    .select({
      status: integrationAlert.status,
      ruleId: integrationAlert.ruleId,
      summary: integrationAlert.summary,
      integrationId: integrationAlert.integrationId,
    })
    .from(integrationAlert)
    .innerJoin(integration, eq(integration.id, integrationAlert.integrationId))
    .where(
      and(
        eq(integrationAlert.componentId, componentId),
        eq(integrationAlert.firing, true),
        isNull(integration.deletedAt),
      ),
    )
    .orderBy(desc(integrationAlert.updatedAt));
  const wanted = worstComponentStatus(rows.map((r) => r.status));
  return { wanted, cause: rows.find((r) => r.status === wanted) ?? null };
}

const label = (s: ComponentStatus) => COMPONENT_STATUS_LABELS[s].toLowerCase();

/**
 * Records the alerts and settles each component they touch. Returns one line
 * per effect for the integration's event log. Runs in the caller's transaction.
 */
export async function processAlerts(tx: Tx, ctx: Ctx, integ: Integration, payload: InboundPayload): Promise<string[]> {
  const now = ctx.now();
  const rules = await tx
    .select()
    .from(integrationRule)
    .where(eq(integrationRule.integrationId, integ.id))
    .orderBy(asc(integrationRule.position));
  const out: string[] = [];
  const touched = new Set<string>();
  for (const alert of payload.alerts) {
    const targets = await targetsOf(tx, integ.pageId, rules, alert);
    if (!targets.length) {
      out.push(`“${alert.summary}” (${alert.firing ? "firing" : "resolved"}): no rule matches its labels`);
      continue;
    }
    for (const t of targets) {
      const row = { status: t.status, firing: alert.firing, summary: alert.summary, ruleId: t.ruleId, updatedAt: now };
      await tx
        .insert(integrationAlert)
        .values({ integrationId: integ.id, alertKey: t.alertKey ?? alert.key, componentId: t.componentId, ...row })
        .onConflictDoUpdate({
          target: [integrationAlert.integrationId, integrationAlert.alertKey, integrationAlert.componentId],
          set: row,
        });
      touched.add(t.componentId);
    }
  }
  for (const c of await liveComponents(tx, integ.pageId, [...touched])) out.push(await settle(tx, ctx, integ, c, now));
  // Resolved alerts matter only until their next word; a week on they are forgotten.
  await tx
    .delete(integrationAlert)
    .where(
      and(
        eq(integrationAlert.integrationId, integ.id),
        eq(integrationAlert.firing, false),
        lt(integrationAlert.updatedAt, new Date(now.getTime() - 7 * 86_400_000)),
      ),
    );
  return out;
}

async function settle(tx: Tx, ctx: Ctx, integ: Integration, c: Component, now: Date): Promise<string> {
  const { wanted, cause } = await worstFiring(tx, c.id);
  const state = await tx.query.automationComponent.findFirst({ where: eq(automationComponent.componentId, c.id) });
  if (wanted === c.status) {
    if (state?.wanted)
      await tx
        .update(automationComponent)
        .set({ wanted: null, dueAt: null, updatedAt: now })
        .where(eq(automationComponent.componentId, c.id));
    return `${c.name}: stays ${label(c.status)}${state?.wanted ? " (the held change is dropped)" : ""}`;
  }
  const pending = { integrationId: integ.id, ruleId: cause?.ruleId ?? null, summary: cause?.summary ?? null };
  if (integ.holdSeconds === 0) {
    await tx
      .insert(automationComponent)
      .values({ componentId: c.id, pageId: integ.pageId, ...pending, updatedAt: now })
      .onConflictDoUpdate({ target: automationComponent.componentId, set: { ...pending, updatedAt: now } });
    return applyWanted(tx, ctx, c, wanted, now);
  }
  // A held change keeps its due time while it goes the same way (worse stays worse, better stays better).
  const sameWay = state?.wanted && state.dueAt && (state.wanted === "operational") === (wanted === "operational");
  const dueAt = sameWay ? state.dueAt! : new Date(now.getTime() + integ.holdSeconds * 1000);
  const set = { wanted, dueAt, ...pending, updatedAt: now };
  await tx
    .insert(automationComponent)
    .values({ componentId: c.id, pageId: integ.pageId, ...set })
    .onConflictDoUpdate({ target: automationComponent.componentId, set });
  return `${c.name} → ${label(wanted)} after the hold, at ${dueAt.toISOString()} if still wanted`;
}

/**
 * Applies what the alerts want now to one component: the status change
 * (source "automation", audited, content version bumped) and, for a firing
 * rule that asks for one, the episode's incident — a draft, or a published
 * incident that notifies only if the rule says so.
 */
async function applyWanted(tx: Tx, ctx: Ctx, c: Component, wanted: ComponentStatus, now: Date): Promise<string> {
  const state = (await tx.query.automationComponent.findFirst({ where: eq(automationComponent.componentId, c.id) }))!;
  const clear = { wanted: null, dueAt: null, updatedAt: now };
  if (await personInCharge(tx, c.pageId, c.id)) {
    await tx.update(automationComponent).set(clear).where(eq(automationComponent.componentId, c.id));
    return `${c.name}: left at ${label(c.status)}: an open incident or maintenance is in charge of it`;
  }
  const before = c.status;
  const origin = { pageId: c.pageId, at: now, source: "automation" as const };
  const loaded = new Map([[c.id, c]]);
  const applied = await applyComponentStatuses(tx, loaded, new Map([[c.id, wanted]]), origin);
  if (await ruleSaysNotify(tx, state.integrationId, c.id, state.ruleId))
    await notifyComponentChanges(tx, loaded, applied, origin);
  if (!c.hidden) await bumpContentVersion(tx, c.pageId, now);
  await audit(tx, ctx, {
    pageId: c.pageId,
    action: "component.automation_status",
    entityType: "component",
    entityId: c.id,
    before: { status: before },
    after: { status: wanted, alert: state.summary },
  });
  let line = `${c.name}: ${label(before)} → ${label(wanted)}`;
  let incidentId = state.incidentId;
  if (wanted === "operational") {
    // The episode is over: the next firing may open a new incident.
    incidentId = null;
  } else {
    const rule = state.ruleId
      ? await tx.query.integrationRule.findFirst({ where: eq(integrationRule.id, state.ruleId) })
      : undefined;
    if (rule && rule.incidentMode !== "none" && !(incidentId && (await stillOpen(tx, incidentId)))) {
      incidentId = await openIncident(tx, ctx, c, wanted, rule, state.summary ?? `${c.name}: ${label(wanted)}`, now);
      line +=
        rule.incidentMode === "draft"
          ? `; draft incident ${incidentId} opened for a person to publish`
          : `; incident ${incidentId} published${rule.notify ? " (subscribers notified)" : ""}`;
    }
  }
  await tx
    .update(automationComponent)
    .set({ ...clear, incidentId })
    .where(eq(automationComponent.componentId, c.id));
  return line;
}

/**
 * Whether an automated change tells the subscribers who chose component status
 * changes: when the rule behind it says notify; a recovery (no rule fires any
 * more) when any of the integration's rules for the component says notify.
 */
async function ruleSaysNotify(
  tx: Tx,
  integrationId: string | null,
  componentId: string,
  ruleId: string | null,
): Promise<boolean> {
  if (!integrationId) return false;
  const row = await tx
    .select({ id: integrationRule.id })
    .from(integrationRule)
    .where(
      and(
        eq(integrationRule.integrationId, integrationId),
        eq(integrationRule.componentId, componentId),
        eq(integrationRule.notify, true),
        ruleId ? eq(integrationRule.id, ruleId) : undefined,
      ),
    )
    .get();
  return row !== undefined;
}

async function stillOpen(tx: Tx, incidentId: string): Promise<boolean> {
  const row = await tx
    .select({ id: incident.id })
    .from(incident)
    .where(and(eq(incident.id, incidentId), openStatus))
    .get();
  return row !== undefined;
}

async function openIncident(
  tx: Tx,
  ctx: Ctx,
  c: Component,
  status: ComponentStatus,
  rule: IntegrationRule,
  summary: string,
  now: Date,
): Promise<string> {
  const id = newId();
  await tx.insert(incident).values({
    id,
    pageId: c.pageId,
    kind: "incident",
    name: summary.slice(0, 255),
    status: "investigating",
    startedAt: now,
    // A draft: unpublished, with no publish time (lib/incidents/drafts.ts).
    publishedAt: null,
    publishAt: null,
    createdAt: now,
    updatedAt: now,
  });
  await writeUpdate(tx, ctx, {
    pageId: c.pageId,
    incidentId: id,
    status: "investigating",
    body: `We are investigating: ${summary}`,
    displayAt: now,
    notify: rule.incidentMode === "publish" && rule.notify,
    components: { [c.id]: status },
    mentioned: [],
    // The status is already set (source automation); the incident records it.
    touchCurrentState: false,
  });
  await refreshIncidentCaches(tx, id, now);
  await audit(tx, ctx, {
    pageId: c.pageId,
    action: "incident.create_draft",
    entityType: "incident",
    entityId: id,
    after: { name: summary, componentId: c.id, status, ruleId: rule.id },
  });
  if (rule.incidentMode === "publish") await publishUnpublishedIncident(tx, ctx, id, "incident.publish_automation");
  return id;
}

/**
 * runDueWork step: applies held changes whose hold is over, if the alerts
 * still want them then. The conditional UPDATE on due_at is the claim, so two
 * workers never apply one change twice. Returns how many were settled.
 */
export async function applyDueAutomation(sctx: PublicCtx): Promise<number> {
  return serialized(sctx.db, "automation", async () => {
    const now = sctx.now();
    const due = await sctx.db
      .select({
        componentId: automationComponent.componentId,
        dueAt: automationComponent.dueAt,
        integrationId: automationComponent.integrationId,
      })
      .from(automationComponent)
      .where(and(isNotNull(automationComponent.dueAt), lte(automationComponent.dueAt, now)))
      .limit(50);
    let done = 0;
    for (const d of due) {
      const applied = await sctx.db.transaction(async (tx) => {
        const claim = await tx
          .update(automationComponent)
          .set({ dueAt: null, updatedAt: now })
          .where(and(eq(automationComponent.componentId, d.componentId), eq(automationComponent.dueAt, d.dueAt!)));
        if (claim.rowsAffected !== 1) return false;
        const c = await tx.query.component.findFirst({
          where: and(eq(component.id, d.componentId), isNull(component.deletedAt)),
        });
        const integ = d.integrationId
          ? await tx.query.integration.findFirst({ where: eq(integration.id, d.integrationId) })
          : undefined;
        if (!c || !integ) return true;
        const ctx: Ctx = { db: sctx.db, now: sctx.now, actor: integrationActor(integ) };
        const { wanted } = await worstFiring(tx, c.id);
        if (wanted !== c.status) await applyWanted(tx, ctx, c, wanted, now);
        else
          await tx
            .update(automationComponent)
            .set({ wanted: null, updatedAt: now })
            .where(eq(automationComponent.componentId, c.id));
        return true;
      });
      if (applied) done++;
    }
    return done;
  });
}
