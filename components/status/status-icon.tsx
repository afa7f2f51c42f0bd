import type { ComponentStatus } from "@/db/constants";
import type { Indicator } from "@/lib/status/rules";

// Each status has its own shape as well as its own colour, and every use sits
// next to a text label: colour is never the only signal.

export const STATUS_TEXT: Record<ComponentStatus, string> = {
  operational: "text-operational dark:text-green-400",
  degraded_performance: "text-degraded dark:text-yellow-400",
  partial_outage: "text-partial dark:text-orange-400",
  major_outage: "text-major dark:text-red-400",
  under_maintenance: "text-maintenance dark:text-blue-400",
};

const PATHS: Record<ComponentStatus, string> = {
  operational: "M5 10.5l3.2 3L15 7",
  degraded_performance: "M6 10h8",
  partial_outage: "M10 5.5v5.5M10 14v.5",
  major_outage: "M6.5 6.5l7 7M13.5 6.5l-7 7",
  under_maintenance: "M7 7l6 6M13 7l-6 6",
};

export function StatusIcon({ status, className = "" }: { status: ComponentStatus; className?: string }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" className={`size-5 shrink-0 ${STATUS_TEXT[status]} ${className}`}>
      {status === "under_maintenance" ? (
        <rect x="2" y="2" width="16" height="16" rx="4" fill="currentColor" />
      ) : (
        <circle cx="10" cy="10" r="9" fill="currentColor" />
      )}
      <path
        d={PATHS[status]}
        stroke="#fff"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
        fill="none"
      />
    </svg>
  );
}

/** The component status that looks like an overall indicator. */
export const INDICATOR_STATUS: Record<Indicator, ComponentStatus> = {
  none: "operational",
  minor: "degraded_performance",
  major: "partial_outage",
  critical: "major_outage",
  maintenance: "under_maintenance",
};
