// Statuspage API v2 (REFERENCE.md): pure functions from the public loader DTOs
// (lib/public/syndication.ts: loadSyndication) to the exact JSON existing clients
// parse. Field order, nulls and enums follow Statuspage's responses.
import type { SyndicatedComponent, SyndicatedIncident, SyndicatedUpdate, SyndicationData } from "../public/syndication";

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * ISO-8601 with the page zone's offset, as Statuspage writes it:
 * "2026-03-01T13:05:00.000+01:00" ("Z" never appears, "+00:00" for UTC).
 */
export function isoWithOffset(at: Date, timeZone: string): string {
  let f = offsetFormatters.get(timeZone);
  if (!f)
    offsetFormatters.set(timeZone, (f = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })));
  const name = f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name);
  const sign = m?.[1] === "-" ? -1 : 1;
  const minutes = m?.[1] ? sign * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  const local = new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 23);
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${local}${minutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface V2Context {
  data: SyndicationData;
  /** The public base URL (lib/public/page.ts: publicBaseUrl). */
  baseUrl: string;
}

function time(ctx: V2Context, at: Date): string;
function time(ctx: V2Context, at: Date | null): string | null;
function time(ctx: V2Context, at: Date | null): string | null {
  return at ? isoWithOffset(at, ctx.data.page.timeZone) : null;
}

/** `updated_at` here is the page's; a served document carries its own (v2-stamp.ts). */
export function v2Page(ctx: V2Context) {
  const p = ctx.data.page;
  return { id: p.id, name: p.name, url: ctx.baseUrl, time_zone: p.timeZone, updated_at: time(ctx, p.updatedAt) };
}

export function v2Component(ctx: V2Context, c: SyndicatedComponent) {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: time(ctx, c.createdAt),
    updated_at: time(ctx, c.updatedAt),
    position: c.position,
    description: c.description,
    showcase: c.showcase,
    start_date: c.startDate,
    group_id: c.groupId,
    page_id: ctx.data.page.id,
    group: c.memberIds !== null,
    only_show_if_degraded: c.onlyShowIfDegraded,
    ...(c.memberIds !== null ? { components: c.memberIds } : {}),
  };
}

function v2Update(ctx: V2Context, incidentId: string, u: SyndicatedUpdate) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: incidentId,
    created_at: time(ctx, u.createdAt),
    updated_at: time(ctx, u.updatedAt),
    display_at: time(ctx, u.displayAt),
    affected_components: u.affected.length
      ? u.affected.map((a) => ({ code: a.id, name: a.name, old_status: a.oldStatus, new_status: a.newStatus }))
      : null,
    deliver_notifications: u.deliverNotifications,
    custom_tweet: null,
    tweet_id: null,
  };
}

export function v2Incident(ctx: V2Context, i: SyndicatedIncident) {
  const maintenance = i.kind === "maintenance";
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: time(ctx, i.createdAt),
    updated_at: time(ctx, i.updatedAt),
    monitoring_at: time(ctx, i.monitoringAt),
    resolved_at: time(ctx, i.resolvedAt),
    impact: maintenance ? "maintenance" : i.impact,
    shortlink: `${ctx.baseUrl}/incidents/${i.id}`,
    started_at: time(ctx, i.startedAt),
    page_id: ctx.data.page.id,
    incident_updates: i.updates.map((u) => v2Update(ctx, i.id, u)),
    components: i.components.map((c) => v2Component(ctx, c)),
    ...(maintenance ? { scheduled_for: time(ctx, i.scheduledFor), scheduled_until: time(ctx, i.scheduledUntil) } : {}),
  };
}

export const v2Status = (ctx: V2Context) => ({ page: v2Page(ctx), status: ctx.data.overall });

export const v2Components = (ctx: V2Context) => ({
  page: v2Page(ctx),
  components: ctx.data.components.map((c) => v2Component(ctx, c)),
});

export const v2Incidents = (ctx: V2Context) => ({
  page: v2Page(ctx),
  incidents: ctx.data.incidents.map((i) => v2Incident(ctx, i)),
});

export const v2Maintenances = (ctx: V2Context) => ({
  page: v2Page(ctx),
  scheduled_maintenances: ctx.data.maintenances.map((i) => v2Incident(ctx, i)),
});

/** summary.json: the status, every component, unresolved incidents, upcoming and in-progress maintenances. */
export const v2Summary = (ctx: V2Context) => ({
  page: v2Page(ctx),
  components: ctx.data.components.map((c) => v2Component(ctx, c)),
  incidents: ctx.data.incidents.map((i) => v2Incident(ctx, i)),
  scheduled_maintenances: ctx.data.maintenances.map((i) => v2Incident(ctx, i)),
  status: ctx.data.overall,
});
