// Reads a Statuspage page into an ImportBundle: the public v2 JSON of a page
// (`--url`), or the management API v1 (`--api-key` and `--page-id`), which also
// has subscribers, templates, postmortems and maintenance settings.
import { z } from "zod";
import {
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type ComponentStatus,
  type IncidentStatus,
  type SubscriberState,
} from "@/db/constants";
import { ValidationError } from "../../errors";
import type {
  BundleComponent,
  BundleGroup,
  BundleIncident,
  BundleSubscriber,
  BundleTemplate,
  ImportBundle,
} from "../bundle";
import { isTimeZone } from "../../time/zone";
import { foreignIdMapper } from "../foreign-ids";
import type { JsonReader } from "../http";
import {
  SpComponent,
  SpGroup,
  SpIncident,
  SpPage,
  SpSubscriber,
  SpTemplate,
  V2Components,
  V2Incidents,
  V2Maintenances,
} from "./shapes";

export const STATUSPAGE_API = "https://api.statuspage.io/v1";
/** Statuspage's largest page size for lists. */
const PER_PAGE = 100;
/** A runaway paginator (a server that never ends its list) stops here. */
const MAX_PAGES = 500;

function parseAt<S extends z.ZodType>(schema: S, data: unknown, url: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ValidationError(
    `${url.split("?")[0]} is not in Statuspage's format: ${issue.path.join(".") || "body"}: ${issue.message}`,
  );
}

/** The page's address as typed (`https://status.example.com`, with or without a path to its JSON). */
export function statuspageBaseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new ValidationError("The page address must be a URL such as https://status.example.com", {
      url: ["Not a URL"],
    });
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw new ValidationError("The page address must be an http(s) URL", { url: ["Not http(s)"] });
  if (u.username || u.password)
    throw new ValidationError("The page address must not carry credentials", { url: ["Credentials in URL"] });
  const path = u.pathname.replace(/\/api\/v2(\/.*)?$/, "").replace(/\/+$/, "");
  return `${u.origin}${path}`;
}

export async function readStatuspageV2(http: JsonReader, pageUrl: string): Promise<ImportBundle> {
  const base = statuspageBaseUrl(pageUrl);
  const at = (p: string) => `${base}/api/v2/${p}`;
  const components = parseAt(V2Components, await http.get(at("components.json")), at("components.json"));
  const incidents = parseAt(V2Incidents, await http.get(at("incidents.json")), at("incidents.json"));
  const maintenances = parseAt(
    V2Maintenances,
    await http.get(at("scheduled-maintenances.json")),
    at("scheduled-maintenances.json"),
  );
  const groups: SpGroup[] = components.components
    .filter((c) => c.group)
    .map((g) => ({ ...g, components: g.components ?? [] }));
  return toBundle("statuspage-v2", {
    page: components.page,
    groups,
    components: components.components.filter((c) => !c.group),
    incidents: [...incidents.incidents, ...maintenances.scheduled_maintenances],
    subscribers: [],
    templates: [],
  });
}

export interface V1Options {
  apiKey: string;
  pageId: string;
  /** Default https://api.statuspage.io/v1 (tests point it at a replay server). */
  apiUrl?: string;
}

export async function readStatuspageV1(http: JsonReader, opts: V1Options): Promise<ImportBundle> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.pageId))
    throw new ValidationError("The page id is the short code in Statuspage's page URL", {
      pageId: ["Malformed page id"],
    });
  if (!opts.apiKey.trim() || /[\r\n]/.test(opts.apiKey))
    throw new ValidationError("The API key is missing or malformed", { apiKey: ["Malformed API key"] });
  const root = `${statuspageBaseUrl(opts.apiUrl ?? STATUSPAGE_API)}/pages/${opts.pageId}`;
  const headers = { authorization: `OAuth ${opts.apiKey.trim()}` };
  const one = async <S extends z.ZodType>(schema: S, path: string) =>
    parseAt(schema, await http.get(`${root}${path}`, headers), `${root}${path}`);
  /** Pages through a list until a short page; `first` is 1 for most lists, 0 for subscribers. */
  const all = async <S extends z.ZodType>(schema: S, path: string, query: (page: number) => string, first = 1) => {
    const rows: z.output<S>[] = [];
    for (let n = first; n < first + MAX_PAGES; n++) {
      const url = `${root}${path}?${query(n)}`;
      const batch = parseAt(z.array(schema), await http.get(url, headers), url);
      rows.push(...batch);
      if (batch.length < PER_PAGE) return rows;
    }
    throw new ValidationError(`${root}${path} did not end after ${MAX_PAGES} pages`);
  };
  const perPage = (n: number) => `page=${n}&per_page=${PER_PAGE}`;
  const page = await one(SpPage, "");
  const components = await all(SpComponent, "/components", perPage);
  const groups = await all(SpGroup, "/component-groups", perPage);
  const incidents = await all(SpIncident, "/incidents", (n) => `page=${n}&limit=${PER_PAGE}`);
  const subscribers: { row: SpSubscriber; state: SubscriberState }[] = [];
  for (const state of ["active", "unconfirmed", "quarantined"] as const) {
    const rows = await all(SpSubscriber, "/subscribers", (n) => `state=${state}&page=${n}&limit=${PER_PAGE}`, 0);
    subscribers.push(...rows.map((row) => ({ row, state })));
  }
  const gone = await all(SpSubscriber, "/subscribers/unsubscribed", perPage);
  subscribers.push(...gone.map((row) => ({ row, state: "unsubscribed" as const })));
  const templates = await all(SpTemplate, "/incident_templates", perPage);
  return toBundle("statuspage-v1", {
    page,
    groups,
    components: components.filter((c) => !c.group),
    incidents,
    subscribers,
    templates,
  });
}

interface Parts {
  page: z.output<typeof SpPage>;
  groups: SpGroup[];
  components: SpComponent[];
  incidents: SpIncident[];
  subscribers: { row: SpSubscriber; state: SubscriberState }[];
  templates: SpTemplate[];
}

const isIncidentStatus = (s: string | null | undefined): s is IncidentStatus =>
  (INCIDENT_STATUSES as readonly string[]).includes(s ?? "");

function toBundle(source: ImportBundle["source"], parts: Parts): ImportBundle {
  const ids = foreignIdMapper();
  const notes: string[] = [];
  const timeZone = parts.page.time_zone && isTimeZone(parts.page.time_zone) ? parts.page.time_zone : null;
  if (parts.page.time_zone && !timeZone)
    notes.push(`time zone "${parts.page.time_zone}" is not an IANA zone; the page keeps its own`);

  const groups: BundleGroup[] = parts.groups.map((g) => ({
    id: ids.map("group", g.id),
    name: g.name,
    description: g.description,
    position: g.position,
    createdAt: g.created_at,
    updatedAt: g.updated_at,
  }));
  const groupIds = new Set(groups.map((g) => g.id));
  // Membership comes from the child's group_id, or from the group's list (v1 groups).
  const memberOf = new Map<string, string>();
  for (const g of parts.groups)
    for (const c of g.components ?? []) memberOf.set(ids.map("component", c), ids.map("group", g.id));
  const components: BundleComponent[] = parts.components.map((c) => {
    const id = ids.map("component", c.id);
    const groupId = c.group_id ? ids.map("group", c.group_id) : (memberOf.get(id) ?? null);
    return {
      id,
      groupId: groupId && groupIds.has(groupId) ? groupId : null,
      name: c.name,
      description: c.description,
      position: c.position,
      status: c.status,
      showcase: c.showcase,
      startDate: c.start_date && /^\d{4}-\d{2}-\d{2}$/.test(c.start_date) ? c.start_date : null,
      onlyShowIfDegraded: c.only_show_if_degraded,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    };
  });
  const componentIds = new Set(components.map((c) => c.id));

  const incidents: BundleIncident[] = [];
  const seen = new Set<string>();
  let droppedAffected = 0;
  for (const i of parts.incidents) {
    const id = ids.map("incident", i.id);
    // incidents.json and scheduled-maintenances.json overlap on Statuspage.
    if (seen.has(id)) continue;
    seen.add(id);
    if (!i.incident_updates.length) {
      notes.push(`incident ${i.id} ("${i.name}") has no updates and is left out`);
      continue;
    }
    const maintenance =
      i.impact === "maintenance" ||
      i.scheduled_for !== null ||
      (MAINTENANCE_STATUSES as readonly string[]).includes(i.status);
    const updates = i.incident_updates.map((u) => {
      const affected = (u.affected_components ?? []).map((a) => ({
        componentId: ids.map("component", a.code),
        oldStatus: a.old_status,
        newStatus: a.new_status,
      }));
      const known = affected.filter((a) => componentIds.has(a.componentId));
      droppedAffected += affected.length - known.length;
      return {
        id: ids.map("update", u.id),
        status: u.status,
        body: u.body,
        displayAt: u.display_at ?? u.created_at,
        createdAt: u.created_at,
        updatedAt: u.updated_at,
        deliverNotifications: u.deliver_notifications,
        affected: known,
      };
    });
    const override = i.impact_override && i.impact_override !== "maintenance" ? i.impact_override : null;
    incidents.push({
      id,
      kind: maintenance ? "maintenance" : "incident",
      name: i.name.slice(0, 255),
      impact: i.impact,
      impactOverride: override,
      createdAt: i.created_at,
      updatedAt: i.updated_at,
      startedAt: i.started_at ?? i.scheduled_for ?? i.created_at,
      maintenance:
        maintenance && i.scheduled_for && i.scheduled_until
          ? {
              scheduledFor: i.scheduled_for,
              scheduledUntil: i.scheduled_until,
              remindPrior: i.scheduled_remind_prior,
              remindedAt: i.scheduled_reminded_at,
              autoInProgress: i.scheduled_auto_in_progress,
              autoCompleted: i.scheduled_auto_completed,
              autoTransitionToMaintenanceState: i.auto_transition_to_maintenance_state,
              autoTransitionToOperationalState: i.auto_transition_to_operational_state,
              autoTransitionDeliverNotificationsAtStart: i.auto_transition_deliver_notifications_at_start,
              autoTransitionDeliverNotificationsAtEnd: i.auto_transition_deliver_notifications_at_end,
            }
          : null,
      postmortem: i.postmortem_body ? { body: i.postmortem_body, publishedAt: i.postmortem_published_at } : null,
      updates,
    });
  }
  if (droppedAffected) {
    const what = droppedAffected === 1 ? "entry names a component" : "entries name components";
    notes.push(`${droppedAffected} affected-component ${what} the page no longer has; left out`);
  }

  const subscribers: BundleSubscriber[] = [];
  const otherModes = new Map<string, number>();
  for (const { row, state } of parts.subscribers) {
    const mode = row.mode ?? "email";
    if (mode !== "email" || !row.email) {
      otherModes.set(mode, (otherModes.get(mode) ?? 0) + 1);
      continue;
    }
    subscribers.push({
      id: ids.map("subscriber", row.id),
      email: row.email.trim().toLowerCase(),
      state,
      componentIds: (row.components ?? []).map((c) => ids.map("component", c)).filter((c) => componentIds.has(c)),
      createdAt: row.created_at,
      quarantinedAt: state === "quarantined" ? (row.quarantined_at ?? row.created_at) : null,
    });
  }
  for (const [mode, n] of otherModes)
    notes.push(`${n} ${mode} subscriber${n === 1 ? "" : "s"} left out (Herald imports email subscribers)`);

  const templates: BundleTemplate[] = [];
  for (const t of parts.templates) {
    if (t.update_status && !isIncidentStatus(t.update_status)) {
      notes.push(
        `template "${t.name}" is for status ${t.update_status}; ` +
          "Herald's templates are for incident statuses, so it is left out",
      );
      continue;
    }
    const comps: Record<string, ComponentStatus> = {};
    for (const c of t.components ?? []) {
      const id = ids.map("component", c.id);
      if (componentIds.has(id)) comps[id] = c.status ?? "operational";
    }
    templates.push({
      id: ids.map("template", t.id),
      name: t.name,
      title: t.title,
      body: t.body,
      status: isIncidentStatus(t.update_status) ? t.update_status : "investigating",
      components: comps,
      notify: t.should_send_notifications,
    });
  }
  notes.push(...ids.notes());
  return {
    source,
    page: { name: parts.page.name, timeZone },
    groups,
    components,
    incidents,
    subscribers,
    templates,
    notes,
  };
}
