// Feed entries (RSS and Atom): published updates and published postmortems.
import { and, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus, IncidentKind } from "@/db/constants";
import { incident, incidentUpdate } from "@/db/schema";
import { markdownToText, renderMarkdown } from "../markdown/render";
import { loadPublicPage, type PublicPage } from "./page";
import { ANONYMOUS, publishedUpdate, scopeFor, visibleIncidentOn, type Viewer } from "./visibility";

/** One published update of a published incident or maintenance, as a feed entry. */
export interface FeedEntry {
  /** The published update this entry is; null for an incident's published postmortem (one entry per incident). */
  updateId: string | null;
  incidentId: string;
  kind: IncidentKind;
  incidentName: string;
  status: AnyIncidentStatus;
  /** The entry's date: the update's display time, so an edit of wording never moves it. */
  at: Date;
  /** Sanitized HTML of the update's markdown. */
  html: string;
  text: string;
}

export const FEED_LIMIT = 100;

/**
 * The most recent published updates and published postmortems, newest first
 * (display time, then posting order; a postmortem is dated at its publication
 * and goes before an update of the same instant).
 */
export async function loadFeedEntries(
  db: Tx,
  limit = FEED_LIMIT,
  viewer: Viewer = ANONYMOUS,
): Promise<{ page: PublicPage; entries: FeedEntry[] }> {
  const p = await loadPublicPage(db);
  const visible = visibleIncidentOn(await scopeFor(db, p.id, viewer));
  const newestFirst = [desc(incidentUpdate.displayAt), desc(incidentUpdate.seq), desc(incidentUpdate.id)];
  // Walked from the newest update back until enough are public. SQLite, without statistics, would rather read every
  // incident's updates of all of history and sort them.
  const latest = await db
    .select({ id: sql<string>`${incidentUpdate.id}` })
    .from(sql`${incidentUpdate} indexed by incident_update_display_order`)
    .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
    .where(and(visible, publishedUpdate))
    .orderBy(...newestFirst)
    .limit(limit);
  const rows = latest.length
    ? await db
        .select({ u: incidentUpdate, kind: incident.kind, name: incident.name })
        .from(incidentUpdate)
        .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
        .where(
          inArray(
            incidentUpdate.id,
            latest.map((r) => r.id),
          ),
        )
        .orderBy(...newestFirst)
    : [];
  const postmortems = await db
    .select()
    .from(incident)
    .where(and(visible, isNotNull(incident.postmortemPublishedAt), isNotNull(incident.postmortemBody)))
    .orderBy(desc(incident.postmortemPublishedAt), desc(incident.id))
    .limit(limit);
  const entries: FeedEntry[] = [
    ...postmortems.map((i) => ({
      updateId: null,
      incidentId: i.id,
      kind: i.kind,
      incidentName: i.name,
      status: "postmortem" as const,
      at: i.postmortemPublishedAt!,
      html: renderMarkdown(i.postmortemBody!),
      text: markdownToText(i.postmortemBody!),
    })),
    ...rows.map(({ u, kind, name }) => ({
      updateId: u.id,
      incidentId: u.incidentId,
      kind,
      incidentName: name,
      status: u.status,
      at: u.displayAt,
      html: renderMarkdown(u.body),
      text: markdownToText(u.body),
    })),
  ];
  // Array.prototype.sort is stable: each list keeps its own order, postmortems first on a tie.
  entries.sort((a, b) => b.at.getTime() - a.at.getTime());
  return { page: p, entries: entries.slice(0, limit) };
}
