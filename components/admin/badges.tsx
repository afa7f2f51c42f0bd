import {
  COMPONENT_STATUS_LABELS,
  IMPACT_LABELS,
  INCIDENT_STATUS_LABELS,
  type AnyIncidentStatus,
  type ComponentStatus,
  type Impact,
  type Priority,
} from "@/db/constants";

const pill =
  "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

const COMPONENT_STYLES: Record<ComponentStatus, { pill: string; dot: string }> = {
  operational: {
    pill: "bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-950 dark:text-green-200",
    dot: "bg-operational",
  },
  degraded_performance: {
    pill: "bg-yellow-50 text-yellow-800 ring-yellow-600/30 dark:bg-yellow-950 dark:text-yellow-200",
    dot: "bg-degraded",
  },
  partial_outage: {
    pill: "bg-orange-50 text-orange-800 ring-orange-600/30 dark:bg-orange-950 dark:text-orange-200",
    dot: "bg-partial",
  },
  major_outage: { pill: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-200", dot: "bg-major" },
  under_maintenance: {
    pill: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
    dot: "bg-maintenance",
  },
};

export function ComponentStatusBadge({ status }: { status: ComponentStatus }) {
  const s = COMPONENT_STYLES[status];
  return (
    <span className={`${pill} ${s.pill}`} data-status={status}>
      <span aria-hidden className={`size-2 rounded-full ${s.dot}`} />
      {COMPONENT_STATUS_LABELS[status]}
    </span>
  );
}

const INCIDENT_STYLES: Record<AnyIncidentStatus, string> = {
  investigating: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-200",
  identified: "bg-orange-50 text-orange-800 ring-orange-600/30 dark:bg-orange-950 dark:text-orange-200",
  monitoring: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
  resolved: "bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-950 dark:text-green-200",
  postmortem: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-200",
  scheduled: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
  in_progress: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
  verifying: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-950 dark:text-blue-200",
  completed: "bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-950 dark:text-green-200",
};

export function IncidentStatusBadge({ status }: { status: AnyIncidentStatus }) {
  return (
    <span className={`${pill} ${INCIDENT_STYLES[status]}`} data-status={status}>
      {INCIDENT_STATUS_LABELS[status]}
    </span>
  );
}

const IMPACT_STYLES: Record<Impact, string> = {
  none: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-200",
  minor: "bg-yellow-50 text-yellow-800 ring-yellow-600/30 dark:bg-yellow-950 dark:text-yellow-200",
  major: "bg-orange-50 text-orange-800 ring-orange-600/30 dark:bg-orange-950 dark:text-orange-200",
  critical: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-200",
};

export function ImpactBadge({ impact, overridden = false }: { impact: Impact; overridden?: boolean }) {
  return (
    <span
      className={`${pill} ${IMPACT_STYLES[impact]}`}
      title={overridden ? "Set by hand" : "Computed from the affected components"}
    >
      {IMPACT_LABELS[impact]} impact{overridden ? " (set)" : ""}
    </span>
  );
}

const PRIORITY_STYLES: Record<Priority, string> = {
  P1: "bg-red-600 text-white ring-red-700",
  P2: "bg-orange-100 text-orange-900 ring-orange-600/30 dark:bg-orange-950 dark:text-orange-200",
  P3: "bg-yellow-50 text-yellow-800 ring-yellow-600/30 dark:bg-yellow-950 dark:text-yellow-200",
  P4: "bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-200",
};

/** Console-only: priority from impact × urgency (lib/incidents/practice.ts). */
export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span
      className={`${pill} ${PRIORITY_STYLES[priority]} font-semibold`}
      title="Priority (impact × urgency), shown only in the console"
      data-testid="priority"
    >
      {priority}
    </span>
  );
}
