// Pure rules: no database, no clock. Everything the public page says about
// "how bad is it" comes from these functions.
import {
  CLOSED_STATUSES,
  MAINTENANCE_UNDERWAY_STATUSES,
  type AnyIncidentStatus,
  type ComponentStatus,
  type Impact,
  type IncidentKind,
} from "@/db/constants";

const COMPONENT_SEVERITY: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = "operational";
  for (const s of statuses) if (COMPONENT_SEVERITY[s] > COMPONENT_SEVERITY[worst]) worst = s;
  return worst;
}

const IMPACT_RANK: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };

export function worstImpact(impacts: Iterable<Impact>): Impact {
  let worst: Impact = "none";
  for (const i of impacts) if (IMPACT_RANK[i] > IMPACT_RANK[worst]) worst = i;
  return worst;
}

/** An incident's impact from the statuses its updates gave the affected components. */
export function impactFromComponentStatuses(statuses: Iterable<ComponentStatus>): Impact {
  switch (worstComponentStatus(statuses)) {
    case "major_outage":
      return "critical";
    case "partial_outage":
      return "major";
    case "degraded_performance":
      return "minor";
    default:
      return "none";
  }
}

export interface UpdateForRules {
  status: AnyIncidentStatus;
  displayAt: Date;
  seq: number;
}

/** Newest first: by display time, then by posting order for updates shown at the same moment. */
export function compareUpdatesNewestFirst(
  a: Pick<UpdateForRules, "displayAt" | "seq">,
  b: Pick<UpdateForRules, "displayAt" | "seq">,
): number {
  return b.displayAt.getTime() - a.displayAt.getTime() || b.seq - a.seq;
}

export interface IncidentTimeline {
  status: AnyIncidentStatus;
  identifiedAt: Date | null;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
}

/**
 * The incident's status and milestone times, derived from its updates. The
 * status is the newest update's; a milestone is the first time it was reached,
 * and resolvedAt only holds while the incident is resolved.
 */
export function timelineFromUpdates(updates: readonly UpdateForRules[]): IncidentTimeline {
  if (updates.length === 0) throw new Error("An incident always has at least one update");
  const sorted = [...updates].sort(compareUpdatesNewestFirst);
  const oldestFirst = [...sorted].reverse();
  const firstAt = (statuses: AnyIncidentStatus[]) =>
    oldestFirst.find((u) => statuses.includes(u.status))?.displayAt ?? null;
  const status = sorted[0].status;
  const closed = isClosedStatus(status);
  return {
    status,
    identifiedAt: firstAt(["identified"]),
    monitoringAt: firstAt(["monitoring", "verifying"]),
    resolvedAt: closed ? (sorted.find((u) => u.status === status)?.displayAt ?? sorted[0].displayAt) : null,
  };
}

export function isClosedStatus(status: AnyIncidentStatus): boolean {
  return (CLOSED_STATUSES as readonly AnyIncidentStatus[]).includes(status);
}

export function isMaintenanceUnderway(status: AnyIncidentStatus): boolean {
  return (MAINTENANCE_UNDERWAY_STATUSES as readonly AnyIncidentStatus[]).includes(status);
}

export type Indicator = Impact | "maintenance";

export interface OverallStatus {
  indicator: Indicator;
  description: string;
}

const DESCRIPTIONS: Record<Indicator, string> = {
  none: "All Systems Operational",
  minor: "Partially Degraded Service",
  major: "Partial System Outage",
  critical: "Major Service Outage",
  maintenance: "Service Under Maintenance",
};

export interface OverallInput {
  /** Public components only: the caller leaves out hidden and deleted ones. */
  components: readonly { status: ComponentStatus }[];
  /** Published, unresolved incidents and maintenances. */
  openIncidents: readonly { kind: IncidentKind; status: AnyIncidentStatus; impact: Impact }[];
}

/**
 * The page banner. Worst of the public components and the impact of open
 * incidents; an in-progress maintenance shows only when nothing is worse.
 * Resolved incidents never count, so resolving always restores green.
 */
export function overallStatus({ components, openIncidents }: OverallInput): OverallStatus {
  const incidentImpacts = openIncidents
    .filter((i) => i.kind === "incident" && !isClosedStatus(i.status))
    .map((i) => i.impact);
  const impact = worstImpact([impactFromComponentStatuses(components.map((c) => c.status)), ...incidentImpacts]);
  if (impact !== "none") return { indicator: impact, description: DESCRIPTIONS[impact] };
  const maintenance =
    components.some((c) => c.status === "under_maintenance") ||
    openIncidents.some((i) => i.kind === "maintenance" && isMaintenanceUnderway(i.status));
  const indicator: Indicator = maintenance ? "maintenance" : "none";
  return { indicator, description: DESCRIPTIONS[indicator] };
}
