// The one module the public site reads through (pages now; feeds, badges and
// OG images later). Every loader returns plain DTOs holding public data only:
// hidden or deleted components, components of hidden groups and unpublished
// incidents never leave this file, and the overall status is computed from
// the same filtered sets.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus, ComponentStatus, Impact, IncidentKind } from "@/db/constants";
import { component, componentGroup, incident, incidentUpdate, incidentUpdateComponent, page, type Component, type Incident } from "@/db/schema";
import { markdownToText, renderMarkdown } from "../markdown/render";
import type { PathIndex } from "../snapshots/routes";
import { compareUpdatesNewestFirst, isClosedStatus, overallStatus, worstComponentStatus, type OverallStatus } from "../status/rules";

export interface PublicPage {
  id: string;
  name: string;
  url: string | null;
  timeZone: string;
  supportUrl: string | null;
  logoUrl: string | null;
  brandColor: string;
}

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

export interface StatusPageData {
  page: PublicPage;
  overall: OverallStatus;
  /** Unresolved incidents and maintenances in progress, newest first. */
  active: PublicIncidentSummary[];
  /** Maintenances announced but not started, soonest first. */
  upcoming: PublicIncidentSummary[];
  ungrouped: PublicComponent[];
  groups: PublicGroup[];
}

export interface AffectedComponent {
  id: string;
  name: string;
  status: ComponentStatus;
}

export interface IncidentDetail extends PublicIncidentSummary {
  updates: PublicUpdate[];
  affected: AffectedComponent[];
  postmortemHtml: string | null;
  postmortemPublishedAt: Date | null;
}

export interface HistoryIncident {
  id: string;
  kind: IncidentKind;
  name: string;
  status: AnyIncidentStatus;
  impact: Impact;
  startedAt: Date;
  resolvedAt: Date | null;
  /** Plain-text excerpt of the newest update. */
  summary: string;
}

export interface HistoryMonth {
  /** "YYYY-MM" in the page's time zone. */
  key: string;
  incidents: HistoryIncident[];
}

export interface HistoryData {
  page: PublicPage;
  pageNumber: number;
  pageCount: number;
  months: HistoryMonth[];
}

export const HISTORY_PAGE_SIZE = 50;
const SUMMARY_LENGTH = 240;

/** The newest content version; the snapshot server keys every public response to it. */
export async function readContentVersion(db: Tx): Promise<number> {
  const row = await db.select({ v: page.contentVersion }).from(page).orderBy(asc(page.createdAt)).limit(1).get();
  if (!row) throw new Error("No page exists yet");
  return row.v;
}

export async function loadPublicPage(db: Tx): Promise<PublicPage> {
  const p = await db.query.page.findFirst({ orderBy: asc(page.createdAt) });
  if (!p) throw new Error("No page exists yet");
  return { id: p.id, name: p.name, url: p.url, timeZone: p.timeZone, supportUrl: p.supportUrl, logoUrl: p.logoUrl, brandColor: p.brandColor };
}

/** Live components whose own flag and group are public. */
async function visibleComponents(db: Tx, pageId: string): Promise<{ rows: Component[]; groups: (typeof componentGroup.$inferSelect)[] }> {
  const groups = await db
    .select()
    .from(componentGroup)
    .where(and(eq(componentGroup.pageId, pageId), eq(componentGroup.hidden, false)))
    .orderBy(asc(componentGroup.position), asc(componentGroup.createdAt));
  const visibleGroupIds = new Set(groups.map((g) => g.id));
  const rows = await db
    .select()
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt), eq(component.hidden, false)))
    .orderBy(asc(component.position), asc(component.createdAt));
  return { rows: rows.filter((c) => c.groupId === null || visibleGroupIds.has(c.groupId)), groups };
}

const publishedOn = (pageId: string) => and(eq(incident.pageId, pageId), isNotNull(incident.publishedAt));
// A scheduled update (publish_at set) is not public until the scheduler clears it.
const publishedUpdate = isNull(incidentUpdate.publishAt);

function toUpdate(u: typeof incidentUpdate.$inferSelect): PublicUpdate {
  return { id: u.id, status: u.status, displayAt: u.displayAt, html: renderMarkdown(u.body) };
}

function summaryOf(i: Incident, latest: PublicUpdate | null): PublicIncidentSummary {
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
    latestUpdate: latest,
  };
}

/** Newest update of each incident, in one query. */
async function latestUpdates(db: Tx, incidentIds: string[]): Promise<Map<string, typeof incidentUpdate.$inferSelect>> {
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

export async function loadStatusPage(db: Tx): Promise<StatusPageData> {
  const p = await loadPublicPage(db);
  const { rows, groups } = await visibleComponents(db, p.id);
  const open = await db
    .select()
    .from(incident)
    .where(and(publishedOn(p.id), sql`${incident.status} not in ('resolved', 'postmortem', 'completed')`))
    .orderBy(desc(incident.startedAt));
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
  const dto = (c: Component): PublicComponent => ({ id: c.id, name: c.name, description: c.description, status: c.status });
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
    overall: overallStatus({ components: rows, openIncidents: open.filter((i) => !isClosedStatus(i.status)) }),
    active,
    upcoming,
    ungrouped: shown.filter((c) => c.groupId === null).map(dto),
    groups: publicGroups,
  };
}

/** A published incident or maintenance with its full timeline; null when it is unknown or not public. */
export async function loadIncident(db: Tx, id: string): Promise<IncidentDetail | null> {
  if (!/^[0-9a-z]{1,32}$/.test(id)) return null;
  const p = await loadPublicPage(db);
  const row = await db
    .select()
    .from(incident)
    .where(and(publishedOn(p.id), eq(incident.id, id)))
    .get();
  if (!row) return null;
  const updates = (await db.select().from(incidentUpdate).where(and(eq(incidentUpdate.incidentId, id), publishedUpdate))).sort(compareUpdatesNewestFirst).map(toUpdate);
  const { rows } = await visibleComponents(db, p.id);
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

/** "YYYY-MM" of a moment in a time zone. */
export function monthKey(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(at);
  const y = parts.find((x) => x.type === "year")!.value;
  const m = parts.find((x) => x.type === "month")!.value;
  return `${y}-${m}`;
}

/**
 * One page of published incidents, newest first, grouped by month. Returns
 * null for a page number past the end (page 1 always exists, even when empty).
 */
export async function loadHistory(db: Tx, pageNumber: number): Promise<HistoryData | null> {
  if (!Number.isSafeInteger(pageNumber) || pageNumber < 1) return null;
  const p = await loadPublicPage(db);
  const total = (await db.select({ n: count() }).from(incident).where(publishedOn(p.id)).get())?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  if (pageNumber > pageCount) return null;
  const rows = await db
    .select()
    .from(incident)
    .where(publishedOn(p.id))
    .orderBy(desc(incident.startedAt), desc(incident.id))
    .limit(HISTORY_PAGE_SIZE)
    .offset((pageNumber - 1) * HISTORY_PAGE_SIZE);
  const newest = await latestUpdates(
    db,
    rows.map((r) => r.id),
  );
  const months: HistoryMonth[] = [];
  for (const r of rows) {
    const key = monthKey(r.startedAt, p.timeZone);
    let month = months.at(-1);
    if (month?.key !== key) months.push((month = { key, incidents: [] }));
    const text = markdownToText(newest.get(r.id)?.body ?? "");
    month.incidents.push({
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.status,
      impact: r.impact,
      startedAt: r.startedAt,
      resolvedAt: r.resolvedAt,
      summary: text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1).trimEnd()}…` : text,
    });
  }
  return { page: p, pageNumber, pageCount, months };
}

// ---------------------------------------------------------------- syndication (API v2, feeds, badges, OG images)

/** The page's public base URL: its own setting, else the install's HERALD_URL. No trailing slash. */
export function publicBaseUrl(p: Pick<PublicPage, "url">, fallback: string | undefined): string {
  return (p.url || fallback || "http://localhost:3000").replace(/\/+$/, "");
}

/** A component or group row as Statuspage's API v2 lists it. */
export interface SyndicatedComponent {
  id: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  /** 1-based, in display order: ungrouped components, then each group followed by its members. */
  position: number;
  showcase: boolean;
  startDate: string | null;
  groupId: string | null;
  onlyShowIfDegraded: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Member ids on a group row; null on a component row. */
  memberIds: string[] | null;
}

export interface SyndicatedAffected {
  id: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface SyndicatedUpdate {
  id: string;
  status: AnyIncidentStatus;
  /** The markdown source as written (public text; API clients render it themselves). */
  body: string;
  displayAt: Date;
  createdAt: Date;
  updatedAt: Date;
  deliverNotifications: boolean;
  /** Public components this update changed or named. */
  affected: SyndicatedAffected[];
}

export interface SyndicatedIncident {
  id: string;
  kind: IncidentKind;
  name: string;
  status: AnyIncidentStatus;
  impact: Impact;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  /** Newest first. */
  updates: SyndicatedUpdate[];
  /** Public components named by any update, as full rows. */
  components: SyndicatedComponent[];
}

export type IncidentSelection = "none" | "recent" | "unresolved";
export type MaintenanceSelection = "none" | "recent" | "upcoming" | "active" | "open";

export interface SyndicationData {
  page: PublicPage & { updatedAt: Date };
  overall: OverallStatus;
  components: SyndicatedComponent[];
  incidents: SyndicatedIncident[];
  maintenances: SyndicatedIncident[];
}

/** Statuspage's limit on list endpoints. */
export const SYNDICATION_LIST_LIMIT = 50;

const OPEN_INCIDENT = sql`${incident.status} in ('investigating', 'identified', 'monitoring')`;
const MAINTENANCE_WHERE: Record<Exclude<MaintenanceSelection, "none" | "recent">, ReturnType<typeof sql>> = {
  upcoming: sql`${incident.status} = 'scheduled'`,
  active: sql`${incident.status} in ('in_progress', 'verifying')`,
  open: sql`${incident.status} in ('scheduled', 'in_progress', 'verifying')`,
};

/**
 * Everything one API v2 endpoint needs, public data only: components of
 * visible groups that are not hidden or deleted, published incidents and
 * maintenances, and affected components filtered to the same visible set.
 */
export async function loadSyndication(db: Tx, select: { incidents: IncidentSelection; maintenances: MaintenanceSelection }): Promise<SyndicationData> {
  const p = await db.query.page.findFirst({ orderBy: asc(page.createdAt) });
  if (!p) throw new Error("No page exists yet");
  const { rows, groups } = await visibleComponents(db, p.id);

  const components: SyndicatedComponent[] = [];
  const row = (c: Component): SyndicatedComponent => ({
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    position: components.length + 1,
    showcase: c.showcase,
    startDate: c.startDate,
    groupId: c.groupId,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    memberIds: null,
  });
  for (const c of rows.filter((c) => c.groupId === null)) components.push(row(c));
  for (const g of groups) {
    const members = rows.filter((c) => c.groupId === g.id);
    if (!members.length) continue;
    components.push({
      id: g.id,
      name: g.name,
      description: g.description,
      status: worstComponentStatus(members.map((c) => c.status)),
      position: components.length + 1,
      showcase: false,
      startDate: null,
      groupId: null,
      onlyShowIfDegraded: false,
      createdAt: g.createdAt,
      updatedAt: g.updatedAt,
      memberIds: members.map((c) => c.id),
    });
    for (const c of members) components.push(row(c));
  }
  const byId = new Map(components.filter((c) => c.memberIds === null).map((c) => [c.id, c]));

  const open = await db
    .select({ kind: incident.kind, status: incident.status, impact: incident.impact })
    .from(incident)
    .where(and(publishedOn(p.id), sql`${incident.status} not in ('resolved', 'postmortem', 'completed')`));

  const incidents =
    select.incidents === "none"
      ? []
      : await db
          .select()
          .from(incident)
          .where(and(publishedOn(p.id), eq(incident.kind, "incident"), select.incidents === "unresolved" ? OPEN_INCIDENT : undefined))
          .orderBy(desc(incident.startedAt), desc(incident.id))
          .limit(select.incidents === "recent" ? SYNDICATION_LIST_LIMIT : -1);
  const maintenances =
    select.maintenances === "none"
      ? []
      : await db
          .select()
          .from(incident)
          .where(and(publishedOn(p.id), eq(incident.kind, "maintenance"), select.maintenances === "recent" ? undefined : MAINTENANCE_WHERE[select.maintenances]))
          .orderBy(...(select.maintenances === "recent" ? [desc(incident.scheduledFor), desc(incident.id)] : [asc(incident.scheduledFor), asc(incident.id)]))
          .limit(select.maintenances === "recent" ? SYNDICATION_LIST_LIMIT : -1);

  const all = [...incidents, ...maintenances];
  const ids = all.map((i) => i.id);
  const updates = ids.length ? await db.select().from(incidentUpdate).where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate)) : [];
  const updateIds = updates.map((u) => u.id);
  const touched = updateIds.length ? await db.select().from(incidentUpdateComponent).where(inArray(incidentUpdateComponent.incidentUpdateId, updateIds)) : [];
  const affectedByUpdate = new Map<string, SyndicatedAffected[]>();
  for (const t of touched) {
    const c = byId.get(t.componentId);
    if (!c) continue;
    let list = affectedByUpdate.get(t.incidentUpdateId);
    if (!list) affectedByUpdate.set(t.incidentUpdateId, (list = []));
    list.push({ id: c.id, name: c.name, oldStatus: t.oldStatus, newStatus: t.newStatus });
  }
  const updatesByIncident = new Map<string, (typeof updates)[number][]>();
  for (const u of updates) {
    let list = updatesByIncident.get(u.incidentId);
    if (!list) updatesByIncident.set(u.incidentId, (list = []));
    list.push(u);
  }
  const toSyndicated = (i: Incident): SyndicatedIncident => {
    const own = (updatesByIncident.get(i.id) ?? []).sort(compareUpdatesNewestFirst).map(
      (u): SyndicatedUpdate => ({
        id: u.id,
        status: u.status,
        body: u.body,
        displayAt: u.displayAt,
        createdAt: u.createdAt,
        updatedAt: u.updatedAt,
        deliverNotifications: u.deliverNotifications,
        affected: (affectedByUpdate.get(u.id) ?? []).sort((a, b) => byId.get(a.id)!.position - byId.get(b.id)!.position),
      }),
    );
    const named = new Set(own.flatMap((u) => u.affected.map((a) => a.id)));
    return {
      id: i.id,
      kind: i.kind,
      name: i.name,
      status: i.status,
      impact: i.impact,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      startedAt: i.startedAt,
      monitoringAt: i.monitoringAt,
      resolvedAt: i.resolvedAt,
      scheduledFor: i.scheduledFor,
      scheduledUntil: i.scheduledUntil,
      updates: own,
      components: components.filter((c) => named.has(c.id) && c.memberIds === null),
    };
  };

  return {
    page: { id: p.id, name: p.name, url: p.url, timeZone: p.timeZone, supportUrl: p.supportUrl, logoUrl: p.logoUrl, brandColor: p.brandColor, updatedAt: p.updatedAt },
    overall: overallStatus({ components: rows, openIncidents: open }),
    components,
    incidents: incidents.map(toSyndicated),
    maintenances: maintenances.map(toSyndicated),
  };
}

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
export async function loadFeedEntries(db: Tx, limit = FEED_LIMIT): Promise<{ page: PublicPage; entries: FeedEntry[] }> {
  const p = await loadPublicPage(db);
  const rows = await db
    .select({ u: incidentUpdate, kind: incident.kind, name: incident.name })
    .from(incidentUpdate)
    .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
    .where(and(publishedOn(p.id), publishedUpdate))
    .orderBy(desc(incidentUpdate.displayAt), desc(incidentUpdate.seq), desc(incidentUpdate.id))
    .limit(limit);
  const postmortems = await db
    .select()
    .from(incident)
    .where(and(publishedOn(p.id), isNotNull(incident.postmortemPublishedAt), isNotNull(incident.postmortemBody)))
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

/** A public component (not hidden, not deleted, not in a hidden group) for its badge; null otherwise. */
export async function loadPublicComponent(db: Tx, id: string): Promise<(PublicComponent & { pageName: string }) | null> {
  if (!/^[0-9a-z]{1,32}$/.test(id)) return null;
  const p = await loadPublicPage(db);
  const { rows } = await visibleComponents(db, p.id);
  const c = rows.find((r) => r.id === id);
  return c ? { id: c.id, name: c.name, description: c.description, status: c.status, pageName: p.name } : null;
}

/** The page's name and banner, for badges, OG images and the embed widget. */
export async function loadOverall(db: Tx): Promise<{ page: PublicPage; overall: OverallStatus }> {
  const p = await loadPublicPage(db);
  const { rows } = await visibleComponents(db, p.id);
  const open = await db
    .select({ kind: incident.kind, status: incident.status, impact: incident.impact })
    .from(incident)
    .where(and(publishedOn(p.id), sql`${incident.status} not in ('resolved', 'postmortem', 'completed')`));
  return { page: p, overall: overallStatus({ components: rows, openIncidents: open }) };
}

/** Which public paths can exist now (lib/snapshots/routes.ts existsIn): the snapshot server renders nothing else. */
export async function loadPublicIndex(db: Tx): Promise<PathIndex> {
  const p = await loadPublicPage(db);
  const incidents = new Set((await db.select({ id: incident.id }).from(incident).where(publishedOn(p.id))).map((r) => r.id));
  const { rows } = await visibleComponents(db, p.id);
  return { incidents, components: new Set(rows.map((c) => c.id)), historyPages: Math.max(1, Math.ceil(incidents.size / HISTORY_PAGE_SIZE)) };
}
