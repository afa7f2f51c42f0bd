// The maintenance calendar's model (/maintenance.ics): upcoming and recent
// published maintenance, public data only. Built on the API v2 syndication
// loader so the selection, the published filter and the hidden-component rule
// are the ones every public surface uses.
import { inArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus } from "@/db/constants";
import { incident } from "@/db/schema";
import { markdownToText } from "../markdown/render";
import type { PublicPage } from "./page";
import { loadSyndication } from "./syndication";
import { ANONYMOUS, type Viewer } from "./visibility";

export interface CalendarEvent {
  id: string;
  name: string;
  status: AnyIncidentStatus;
  start: Date;
  end: Date;
  /** Raised on every change of the maintenance (incident.revision): the iCalendar SEQUENCE. */
  sequence: number;
  cancelled: boolean;
  createdAt: Date;
  /** The last change: DTSTAMP and LAST-MODIFIED, so the bytes depend on the content only. */
  updatedAt: Date;
  /** The newest public update as plain text. */
  text: string;
  /** Names of the public components the maintenance names. */
  components: string[];
}

/**
 * The 50 maintenances with the latest windows (Statuspage's list limit):
 * every upcoming one first, then the most recent past ones. Chosen by count,
 * not by a clock, so the calendar is a pure function of the content version.
 */
export async function loadMaintenanceCalendar(
  db: Tx,
  viewer: Viewer = ANONYMOUS,
): Promise<{ page: PublicPage; events: CalendarEvent[] }> {
  const { page, maintenances } = await loadSyndication(db, { incidents: "none", maintenances: "recent" }, viewer);
  const ids = maintenances.map((m) => m.id);
  const extra = ids.length
    ? await db
        .select({ id: incident.id, revision: incident.revision, cancelledAt: incident.cancelledAt })
        .from(incident)
        .where(inArray(incident.id, ids))
    : [];
  const byId = new Map(extra.map((r) => [r.id, r]));
  const events = maintenances.map((m): CalendarEvent => {
    const row = byId.get(m.id)!;
    const newest = m.updates[0];
    return {
      id: m.id,
      name: m.name,
      status: m.status,
      // Every maintenance has a window; startedAt is its start (lib/maintenance createMaintenance).
      start: m.scheduledFor ?? m.startedAt,
      end: m.scheduledUntil ?? m.scheduledFor ?? m.startedAt,
      sequence: row.revision,
      cancelled: row.cancelledAt !== null,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      text: newest ? markdownToText(newest.body) : "",
      components: m.components.map((c) => c.name),
    };
  });
  const { updatedAt: _, ...publicPage } = page;
  return { page: publicPage, events };
}
