// The status page: banner, open incidents and maintenances, components.
import { and } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import { incident, type Component } from "@/db/schema";
import { openNewestFirst, openStatus } from "../status/conditions";
import { overallStatus, worstComponentStatus, type OverallStatus } from "../status/rules";
import { uptimeFor, type UptimeDto } from "../uptime/load";
import { latestUpdates, summaryOf, toUpdate, type PublicIncidentSummary } from "./incident";
import { loadPublicPageRow, publicPageOf, type PublicPage } from "./page";
import { ANONYMOUS, publicComponents, scopeFor, visibleIncidentOn, withScopedImpact, type Viewer } from "./visibility";

export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
}

export interface PublicGroup {
  id: string;
  name: string;
  description: string | null;
  /** The worst status among its visible members. */
  status: ComponentStatus;
  components: PublicComponent[];
}

export interface StatusPageData {
  page: PublicPage;
  overall: OverallStatus;
  /** Unresolved incidents and maintenances in progress, newest first. */
  active: PublicIncidentSummary[];
  /** Maintenances announced but not started, soonest first. */
  upcoming: PublicIncidentSummary[];
  ungrouped: PublicComponent[];
  groups: PublicGroup[];
  /** The uptime bars as of `uptimeAt`, when asked for (lib/uptime/load.ts). */
  uptime: UptimeDto | null;
}

/**
 * The status page as `viewer` sees it: banner and lists computed from what they may see only. With `uptimeAt`, the
 * uptime bars too, from the same page row and components (read once).
 */
export async function loadStatusPage(
  db: Tx,
  viewer: Viewer = ANONYMOUS,
  opts: { uptimeAt?: Date } = {},
): Promise<StatusPageData> {
  const row = await loadPublicPageRow(db);
  const p = publicPageOf(row);
  const scope = await scopeFor(db, p.id, viewer);
  const { rows, groups } = await publicComponents(db, p.id, scope);
  const open = await withScopedImpact(
    db,
    scope,
    await db
      .select()
      .from(incident)
      .where(and(visibleIncidentOn(scope), openStatus))
      .orderBy(openNewestFirst),
  );
  const newest = await latestUpdates(
    db,
    open.map((i) => i.id),
  );
  const summaries = open.map((i) => summaryOf(i, newest.has(i.id) ? toUpdate(newest.get(i.id)!) : null));
  const active = summaries.filter((i) => i.status !== "scheduled");
  const upcoming = summaries
    .filter((i) => i.status === "scheduled")
    .sort((a, b) => (a.scheduledFor?.getTime() ?? 0) - (b.scheduledFor?.getTime() ?? 0));

  // Components that only show when degraded still count toward the banner.
  const shown = rows.filter((c) => !c.onlyShowIfDegraded || c.status !== "operational");
  const dto = (c: Component): PublicComponent => ({
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
  });
  const publicGroups: PublicGroup[] = [];
  for (const g of groups) {
    const members = rows.filter((c) => c.groupId === g.id);
    const visible = shown.filter((c) => c.groupId === g.id);
    if (!visible.length) continue;
    publicGroups.push({
      id: g.id,
      name: g.name,
      description: g.description,
      status: worstComponentStatus(members.map((c) => c.status)),
      components: visible.map(dto),
    });
  }
  return {
    page: p,
    overall: overallStatus({ components: rows, openIncidents: open }),
    active,
    upcoming,
    ungrouped: shown.filter((c) => c.groupId === null).map(dto),
    groups: publicGroups,
    uptime: opts.uptimeAt ? await uptimeFor(db, { page: row, scope, components: rows, groups }, opts.uptimeAt) : null,
  };
}
