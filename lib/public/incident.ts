// A public incident or maintenance: its summary DTO (shared by the status
// page and history) and its page with the full public timeline.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  IMPACT_LABELS,
  type AnyIncidentStatus,
  type ComponentStatus,
  type Impact,
  type IncidentKind,
} from "@/db/constants";
import {
  audienceNote,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  type Component,
  type Incident,
} from "@/db/schema";
import { isId } from "../ids";
import { renderMarkdown } from "../markdown/render";
import { compareUpdatesNewestFirst } from "../status/rules";
import { loadPublicPage } from "./page";
import {
  ANONYMOUS,
  publicComponents,
  publishedUpdate,
  scopeFor,
  visibleIncidentOn,
  withScopedImpact,
  type Scope,
  type Viewer,
} from "./visibility";

export interface PublicUpdate {
  id: string;
  status: AnyIncidentStatus;
  displayAt: Date;
  /** Sanitized HTML from the update's markdown. */
  html: string;
}

export interface PublicIncidentSummary {
  id: string;
  kind: IncidentKind;
  name: string;
  status: AnyIncidentStatus;
  impact: Impact;
  startedAt: Date;
  resolvedAt: Date | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  latestUpdate: PublicUpdate | null;
}

/** "Maintenance", "No impact", "Minor impact"… (history, incident pages, cards and OG images). */
export function impactText(i: Pick<PublicIncidentSummary, "kind" | "impact">): string {
  if (i.kind === "maintenance") return "Maintenance";
  return i.impact === "none" ? "No impact" : `${IMPACT_LABELS[i.impact]} impact`;
}

/**
 * An incident's page names the components it affected, and shows their state now only while it is open: a closed
 * incident's page stays as it was written (Statuspage's "This incident affected"), so a component's change of state
 * leaves years of old pages, their snapshots and their mirrored copies untouched.
 */
export const showsComponentStateNow = (i: { resolvedAt: Date | null }) => i.resolvedAt === null;

export interface AffectedComponent {
  id: string;
  name: string;
  status: ComponentStatus;
}

/** An update on the incident page, with the internal notes its viewer's audiences may read (sanitized HTML). */
export interface DetailUpdate extends PublicUpdate {
  notes: { id: string; html: string }[];
}

export interface IncidentDetail extends PublicIncidentSummary {
  updates: DetailUpdate[];
  affected: AffectedComponent[];
  postmortemHtml: string | null;
  postmortemPublishedAt: Date | null;
}

export function toUpdate(u: typeof incidentUpdate.$inferSelect): PublicUpdate {
  return { id: u.id, status: u.status, displayAt: u.displayAt, html: renderMarkdown(u.body) };
}

/** The columns every public view of an incident or maintenance shows. */
export function publicIncidentFields(i: Incident): Omit<PublicIncidentSummary, "latestUpdate"> {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    status: i.status,
    impact: i.impact,
    startedAt: i.startedAt,
    resolvedAt: i.resolvedAt,
    scheduledFor: i.scheduledFor,
    scheduledUntil: i.scheduledUntil,
  };
}

export function summaryOf(i: Incident, latest: PublicUpdate | null): PublicIncidentSummary {
  return { ...publicIncidentFields(i), latestUpdate: latest };
}

/** Newest update of each incident, in one query. */
export async function latestUpdates(
  db: Tx,
  incidentIds: string[],
): Promise<Map<string, typeof incidentUpdate.$inferSelect>> {
  if (!incidentIds.length) return new Map();
  const rows = await db
    .select()
    .from(incidentUpdate)
    .where(and(inArray(incidentUpdate.incidentId, incidentIds), publishedUpdate));
  const newest = new Map<string, typeof incidentUpdate.$inferSelect>();
  for (const u of rows) {
    const cur = newest.get(u.incidentId);
    if (!cur || compareUpdatesNewestFirst(u, cur) < 0) newest.set(u.incidentId, u);
  }
  return newest;
}

/** Internal notes on these updates that the scope's viewer may read, by update id. */
export async function visibleNotes(
  db: Tx,
  scope: Scope,
  updateIds: string[],
): Promise<Map<string, { id: string; html: string }[]>> {
  const byUpdate = new Map<string, { id: string; html: string }[]>();
  if (!scope.shownNotes.size || !updateIds.length) return byUpdate;
  const rows = await db
    .select()
    .from(audienceNote)
    .where(inArray(audienceNote.updateId, updateIds))
    .orderBy(asc(audienceNote.createdAt));
  for (const n of rows) {
    if (!scope.shownNotes.has(n.id)) continue;
    let list = byUpdate.get(n.updateId);
    if (!list) byUpdate.set(n.updateId, (list = []));
    list.push({ id: n.id, html: renderMarkdown(n.body) });
  }
  return byUpdate;
}

/**
 * A published incident or maintenance with its full timeline as `viewer`
 * sees it; null when it is unknown or not visible to them.
 */
export async function loadIncident(db: Tx, id: string, viewer: Viewer = ANONYMOUS): Promise<IncidentDetail | null> {
  if (!isId(id)) return null;
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  const found = await db
    .select()
    .from(incident)
    .where(and(visibleIncidentOn(scope), eq(incident.id, id)))
    .get();
  if (!found) return null;
  const [row] = await withScopedImpact(db, scope, [found]);
  const published = (
    await db
      .select()
      .from(incidentUpdate)
      .where(and(eq(incidentUpdate.incidentId, id), publishedUpdate))
  ).sort(compareUpdatesNewestFirst);
  const notes = await visibleNotes(
    db,
    scope,
    published.map((u) => u.id),
  );
  const updates = published.map((u) => ({ ...toUpdate(u), notes: notes.get(u.id) ?? [] }));
  const { rows } = await publicComponents(db, p.id, scope);
  const visible = new Map(rows.map((c) => [c.id, c]));
  const named = await db
    .selectDistinct({ id: incidentUpdateComponent.componentId })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .where(and(eq(incidentUpdate.incidentId, id), publishedUpdate));
  const affected = named
    .map((n) => visible.get(n.id))
    .filter((c): c is Component => c !== undefined)
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
    .map((c) => ({ id: c.id, name: c.name, status: c.status }));
  const postmortemPublished = row.postmortemPublishedAt !== null && row.postmortemBody !== null;
  return {
    ...summaryOf(row, updates[0] ?? null),
    updates,
    affected,
    postmortemHtml: postmortemPublished ? renderMarkdown(row.postmortemBody!) : null,
    postmortemPublishedAt: postmortemPublished ? row.postmortemPublishedAt : null,
  };
}
