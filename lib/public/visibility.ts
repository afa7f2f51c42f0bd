// What the public may see: the one definition of "public" for incidents,
// updates and components. Every public reader (pages, API v2, feeds, badges,
// uptime, metrics, notifications) filters through these predicates.
import { and, asc, eq, inArray, isNotNull, isNull, notInArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  audience,
  audienceRestriction,
  component,
  componentGroup,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  type Component,
  type ComponentGroup,
  type Incident,
} from "@/db/schema";
import { impactFromComponentStatuses } from "../status/rules";

/**
 * Who reads a public surface: anonymous (no audiences), or a signed-in viewer
 * with the ids of their audiences, sorted. Every public loader takes one; the
 * default is anonymous, so a caller that forgets shows less, never more.
 */
export interface Viewer {
  audiences: readonly string[];
}

export const ANONYMOUS: Viewer = { audiences: [] };

/**
 * What one viewer may not see, read once per load before anything is
 * computed: restricted components, groups and incidents outside the viewer's
 * audiences are hidden; internal notes are shown only when one of their
 * audiences is the viewer's (a note with no audience reaches nobody).
 */
export interface Scope {
  pageId: string;
  viewer: Viewer;
  hiddenComponents: ReadonlySet<string>;
  hiddenGroups: ReadonlySet<string>;
  hiddenIncidents: ReadonlySet<string>;
  shownNotes: ReadonlySet<string>;
}

export async function scopeFor(db: Tx, pageId: string, viewer: Viewer = ANONYMOUS): Promise<Scope> {
  const rows = await db
    .select({
      type: audienceRestriction.entityType,
      id: audienceRestriction.entityId,
      audienceId: audienceRestriction.audienceId,
    })
    .from(audienceRestriction)
    .innerJoin(audience, eq(audience.id, audienceRestriction.audienceId))
    .where(eq(audience.pageId, pageId));
  const mine = new Set(viewer.audiences);
  const seen = new Map<string, boolean>();
  for (const r of rows) {
    const k = `${r.type}:${r.id}`;
    seen.set(k, (seen.get(k) ?? false) || mine.has(r.audienceId));
  }
  const hidden = {
    component: new Set<string>(),
    group: new Set<string>(),
    incident: new Set<string>(),
    note: new Set<string>(),
  };
  const shownNotes = new Set<string>();
  for (const [k, allowed] of seen) {
    const [type, id] = k.split(":") as [keyof typeof hidden, string];
    if (type === "note") {
      if (allowed) shownNotes.add(id);
    } else if (!allowed) hidden[type].add(id);
  }
  return {
    pageId,
    viewer,
    hiddenComponents: hidden.component,
    hiddenGroups: hidden.group,
    hiddenIncidents: hidden.incident,
    shownNotes,
  };
}

/** The published incidents and maintenances this scope's viewer may see. */
export const visibleIncidentOn = (scope: Scope) =>
  and(
    publishedIncidentOn(scope.pageId),
    scope.hiddenIncidents.size ? notInArray(incident.id, [...scope.hiddenIncidents]) : undefined,
  );

/** A scheduled update (publish_at set) is not public until the scheduler publishes it and clears publish_at. */
export const publishedUpdate = isNull(incidentUpdate.publishAt);
/** The same rule for an update in hand. */
export const isPublishedUpdate = (u: { publishAt: Date | null }) => u.publishAt === null;

/** An incident or maintenance is public once published (a scheduled incident is not until its publish time). */
export const publishedIncident = isNotNull(incident.publishedAt);

/** The page's published incidents and maintenances. */
export const publishedIncidentOn = (pageId: string) => and(eq(incident.pageId, pageId), publishedIncident);

/**
 * The hidden-component rule: a component is public when it is not hidden and
 * its group (if any) is not hidden. A hidden group hides its members. The
 * caller has already left out deleted components.
 */
export function publicOnly<
  C extends Pick<Component, "id" | "hidden" | "groupId">,
  G extends Pick<ComponentGroup, "id" | "hidden">,
>(
  components: readonly C[],
  groups: readonly G[],
  scope?: Pick<Scope, "hiddenComponents" | "hiddenGroups">,
): { components: C[]; groups: G[] } {
  // A group restricted to other audiences hides its members, like a hidden group.
  const shownGroups = groups.filter((g) => !g.hidden && !scope?.hiddenGroups.has(g.id));
  const shownIds = new Set(shownGroups.map((g) => g.id));
  return {
    components: components.filter(
      (c) => !c.hidden && !scope?.hiddenComponents.has(c.id) && (c.groupId === null || shownIds.has(c.groupId)),
    ),
    groups: shownGroups,
  };
}

/**
 * The page's components and groups this scope's viewer may see (publicOnly
 * over the live rows), in page order. Without a scope: what anonymous readers see.
 */
export async function publicComponents(
  db: Tx,
  pageId: string,
  scope?: Scope,
): Promise<{ rows: Component[]; groups: ComponentGroup[] }> {
  scope ??= await scopeFor(db, pageId);
  const groups = await db
    .select()
    .from(componentGroup)
    .where(eq(componentGroup.pageId, pageId))
    .orderBy(asc(componentGroup.position), asc(componentGroup.createdAt));
  const rows = await db
    .select()
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)))
    .orderBy(asc(component.position), asc(component.createdAt));
  const shown = publicOnly(rows, groups, scope);
  return { rows: shown.components, groups: shown.groups };
}

/**
 * Incidents with their impact as this scope's viewer may know it (DESIGN.md §10: filter before computing):
 * from the statuses their published updates gave the components the viewer may see, so an outage of a
 * restricted or hidden component never colours a public incident, the banner, badges or the v2 `impact`
 * for anyone else. A staff override stands as it is. `incident.impact` stays the console's cache (it counts
 * every component not hidden) and is never shown on a public surface.
 */
export async function withScopedImpact<T extends Pick<Incident, "id" | "impact" | "impactOverride">>(
  db: Tx,
  scope: Scope,
  rows: readonly T[],
): Promise<T[]> {
  const ids = rows.filter((r) => r.impactOverride === null).map((r) => r.id);
  if (!ids.length) return [...rows];
  const touched = await db
    .select({
      incidentId: incidentUpdate.incidentId,
      status: incidentUpdateComponent.newStatus,
      componentId: component.id,
      hidden: component.hidden,
      groupId: component.groupId,
      groupHidden: componentGroup.hidden,
    })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .leftJoin(componentGroup, eq(componentGroup.id, component.groupId))
    .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate));
  const statuses = new Map<string, Component["status"][]>();
  for (const t of touched) {
    // The publicOnly rule, on rows that may be deleted since (the impact is the worst the incident ever was).
    if (t.hidden || t.groupHidden || scope.hiddenComponents.has(t.componentId)) continue;
    if (t.groupId !== null && scope.hiddenGroups.has(t.groupId)) continue;
    let list = statuses.get(t.incidentId);
    if (!list) statuses.set(t.incidentId, (list = []));
    list.push(t.status);
  }
  return rows.map((r) =>
    r.impactOverride === null ? { ...r, impact: impactFromComponentStatuses(statuses.get(r.id) ?? []) } : r,
  );
}
