// What the public may see: the one definition of "public" for incidents,
// updates and components. Every public reader (pages, API v2, feeds, badges,
// uptime, metrics, notifications) filters through these predicates.
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { component, componentGroup, incident, incidentUpdate, type Component, type ComponentGroup } from "@/db/schema";

/** A scheduled update (publish_at set) is not public until the scheduler publishes it and clears publish_at. */
export const publishedUpdate = isNull(incidentUpdate.publishAt);

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
  C extends Pick<Component, "hidden" | "groupId">,
  G extends Pick<ComponentGroup, "id" | "hidden">,
>(components: readonly C[], groups: readonly G[]): { components: C[]; groups: G[] } {
  const shownGroups = groups.filter((g) => !g.hidden);
  const shownIds = new Set(shownGroups.map((g) => g.id));
  return {
    components: components.filter((c) => !c.hidden && (c.groupId === null || shownIds.has(c.groupId))),
    groups: shownGroups,
  };
}

/** The page's public components and groups (publicOnly over the live rows), in page order. */
export async function publicComponents(
  db: Tx,
  pageId: string,
): Promise<{ rows: Component[]; groups: ComponentGroup[] }> {
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
  const shown = publicOnly(rows, groups);
  return { rows: shown.components, groups: shown.groups };
}
