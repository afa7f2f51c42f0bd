// What every channel says about one notification, loaded once per notification
// (lib/channels/render.ts) from public data only: published updates, visible
// components. Each adapter (webhook.ts, slack.ts, teams.ts, discord.ts) turns
// it into its own body.
import { and, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  type ComponentStatus,
  type Impact,
  INCIDENT_STATUS_LABELS,
  type IncidentKind,
  type NotificationKind,
} from "@/db/constants";
import {
  component,
  componentGroup,
  componentStatusChange,
  incident,
  incidentUpdate,
  type Notification,
  page,
} from "@/db/schema";
import { loadSyndication } from "../public/syndication";
import { publicBaseUrl } from "../public/page";
import { ANONYMOUS, publishedUpdate, scopeFor, withScopedImpact } from "../public/visibility";
import { type IncidentV1, incidentsV1 } from "../statuspage/v1";
import type { OverallStatus } from "../status/rules";

export interface ChannelEventData {
  kind: Exclude<NotificationKind, "subscription_confirmation" | "component_updated">;
  pageId: string;
  pageName: string;
  /** The public site's root, no trailing slash. */
  root: string;
  overall: OverallStatus;
  incidentKind: IncidentKind;
  /** The Statuspage incident object, published updates only (newest first), visible components only. */
  incident: IncidentV1;
  url: string;
  /** "Investigating", "Reminder", "Postmortem", "Completed", … */
  label: string;
  /** The markdown this notification is about: the update's body, the announcement (reminder) or the postmortem. */
  body: string;
  impact: Impact;
  affected: { name: string; status: string }[];
  /** When it happened (the notification's time): also meta.generated_at, so retries carry the same bytes. */
  at: Date;
}

export async function loadChannelEvent(db: Tx, n: Notification, baseUrl: string): Promise<ChannelEventData> {
  const kind = n.kind;
  if (kind === "subscription_confirmation") throw new Error(`notification ${n.id}: confirmations are email only`);
  if (kind === "component_updated") throw new Error(`notification ${n.id}: a component change is loadComponentEvent's`);
  const p = await db.query.page.findFirst({ where: eq(page.id, n.pageId) });
  if (!p) throw new Error(`notification ${n.id}: page ${n.pageId} not found`);
  const row = n.incidentId ? await db.query.incident.findFirst({ where: eq(incident.id, n.incidentId) }) : undefined;
  if (!row) throw new Error(`notification ${n.id}: incident ${n.incidentId ?? "(none)"} not found`);
  // A target reads what anyone may: the impact of the public components only (a restricted event never comes here).
  const [inc] = await withScopedImpact(db, await scopeFor(db, p.id, ANONYMOUS), [row]);
  const root = publicBaseUrl(p, baseUrl);
  const [full] = await incidentsV1(db, p, [inc]);
  const published = new Set(
    (
      await db
        .select({ id: incidentUpdate.id })
        .from(incidentUpdate)
        .where(and(eq(incidentUpdate.incidentId, inc.id), publishedUpdate))
    ).map((u) => u.id),
  );
  const { components: visible, overall } = await loadSyndication(db, { incidents: "none", maintenances: "none" });
  const visibleIds = new Set(visible.map((c) => c.id));
  const updates = full.incident_updates
    .filter((u) => published.has(u.id))
    .map((u) => ({ ...u, affected_components: u.affected_components?.filter((a) => visibleIds.has(a.code)) ?? null }));
  const v1: IncidentV1 = {
    ...full,
    shortlink: `${root}/incidents/${inc.id}`,
    incident_updates: updates,
    components: full.components.filter((c) => visibleIds.has(c.id)),
  };

  const update = n.incidentUpdateId ? updates.find((u) => u.id === n.incidentUpdateId) : undefined;
  // The incident as of this notification, even when it is rendered after later
  // updates were published: updates up to its own (newest first), its status.
  if (update) {
    v1.incident_updates = updates.slice(updates.indexOf(update));
    v1.status = update.status;
  } else v1.incident_updates = updates.filter((u) => new Date(u.created_at ?? 0) <= n.createdAt);
  let label = INCIDENT_STATUS_LABELS[update ? update.status : inc.status];
  let body = update?.body ?? "";
  if (kind === "maintenance_reminder") {
    label = "Reminder";
    body = updates.at(-1)?.body ?? "";
  } else if (kind === "postmortem_published") {
    label = "Postmortem";
    body = inc.postmortemBody ?? "";
  }
  // The components this update names, or every one the incident touched.
  const affected = (update?.affected_components ?? updates.flatMap((u) => u.affected_components ?? []))
    .reduce(
      (m, a) => m.set(a.code, { name: a.name, status: a.new_status }),
      new Map<string, { name: string; status: string }>(),
    )
    .values();
  return {
    kind,
    pageId: p.id,
    pageName: p.name,
    root,
    overall,
    incidentKind: inc.kind,
    incident: v1,
    url: `${root}/incidents/${inc.id}`,
    label,
    body,
    impact: inc.impact,
    affected: [...affected],
    at: n.createdAt,
  };
}

/** A component status change (component_updated), in Statuspage's webhook terms (REFERENCE.md). */
export interface ComponentEventData {
  kind: "component_updated";
  pageId: string;
  pageName: string;
  root: string;
  overall: OverallStatus;
  component_update: {
    id: string;
    component_id: string;
    old_status: ComponentStatus | null;
    new_status: ComponentStatus;
    created_at: string;
    component_type: "Component";
  };
  /** The component as of this change (status = new_status), with Statuspage's webhook fields. */
  component: {
    id: string;
    name: string;
    status: ComponentStatus;
    created_at: string;
    updated_at: string;
    position: number;
    description: string | null;
    showcase: boolean;
    page_id: string;
    group_id: string | null;
  };
  /** The group's name when the component is in one ("Europe" for "Europe › API"). */
  groupName: string | null;
  url: string;
  at: Date;
}

export async function loadComponentEvent(db: Tx, n: Notification, baseUrl: string): Promise<ComponentEventData> {
  const p = await db.query.page.findFirst({ where: eq(page.id, n.pageId) });
  if (!p) throw new Error(`notification ${n.id}: page ${n.pageId} not found`);
  const change = n.componentStatusChangeId
    ? await db.query.componentStatusChange.findFirst({
        where: eq(componentStatusChange.id, n.componentStatusChangeId),
      })
    : undefined;
  if (!change)
    throw new Error(`notification ${n.id}: status change ${n.componentStatusChangeId ?? "(none)"} not found`);
  const c = await db.query.component.findFirst({ where: eq(component.id, change.componentId) });
  if (!c) throw new Error(`notification ${n.id}: component ${change.componentId} not found`);
  const group = c.groupId
    ? await db.query.componentGroup.findFirst({ where: eq(componentGroup.id, c.groupId) })
    : undefined;
  const root = publicBaseUrl(p, baseUrl);
  const { overall } = await loadSyndication(db, { incidents: "none", maintenances: "none" });
  return {
    kind: "component_updated",
    pageId: p.id,
    pageName: p.name,
    root,
    overall,
    component_update: {
      id: change.id,
      component_id: c.id,
      old_status: change.oldStatus,
      new_status: change.newStatus,
      created_at: change.at.toISOString(),
      component_type: "Component",
    },
    component: {
      id: c.id,
      name: c.name,
      status: change.newStatus,
      created_at: c.createdAt.toISOString(),
      updated_at: change.at.toISOString(),
      position: c.position,
      description: c.description,
      showcase: c.showcase,
      page_id: p.id,
      group_id: c.groupId,
    },
    groupName: group?.name ?? null,
    url: root,
    at: n.createdAt,
  };
}
