// The page's banner and a component's status, for badges, OG images and the
// embed widget.
import { and } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import { isId } from "../../ids";
import { openStatus } from "../../status/conditions";
import { overallStatus, type OverallStatus } from "../../status/rules";
import { loadPublicPage, type PublicPage } from "../page";
import type { PublicComponent } from "../status-page";
import {
  ANONYMOUS,
  publicComponents,
  scopeFor,
  visibleIncidentOn,
  withScopedImpact,
  type Scope,
  type Viewer,
} from "../visibility";

/** The banner from the scope's visible components and its visible published open incidents and maintenances. */
export async function overallOf(
  db: Tx,
  scope: Scope,
  components: readonly { status: PublicComponent["status"] }[],
): Promise<OverallStatus> {
  const open = await withScopedImpact(
    db,
    scope,
    await db
      .select({
        id: incident.id,
        kind: incident.kind,
        status: incident.status,
        impact: incident.impact,
        impactOverride: incident.impactOverride,
      })
      .from(incident)
      .where(and(visibleIncidentOn(scope), openStatus)),
  );
  return overallStatus({ components, openIncidents: open });
}

/** A public component (not hidden, not deleted, not in a hidden group) for its badge; null otherwise. */
export async function loadPublicComponent(
  db: Tx,
  id: string,
  viewer: Viewer = ANONYMOUS,
): Promise<(PublicComponent & { pageName: string }) | null> {
  if (!isId(id)) return null;
  const p = await loadPublicPage(db);
  const { rows } = await publicComponents(db, p.id, await scopeFor(db, p.id, viewer));
  const c = rows.find((r) => r.id === id);
  return c ? { id: c.id, name: c.name, description: c.description, status: c.status, pageName: p.name } : null;
}

/** The page's name and banner, for badges, OG images and the embed widget. */
export async function loadOverall(
  db: Tx,
  viewer: Viewer = ANONYMOUS,
): Promise<{ page: PublicPage; overall: OverallStatus }> {
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  const { rows } = await publicComponents(db, p.id, scope);
  return { page: p, overall: await overallOf(db, scope, rows) };
}
