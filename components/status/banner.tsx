import type { OverallStatus } from "@/lib/status/rules";
import { INDICATOR_STATUS, StatusIcon } from "./status-icon";

const BG: Record<OverallStatus["indicator"], string> = {
  none: "bg-operational",
  minor: "bg-degraded",
  major: "bg-partial",
  critical: "bg-major",
  maintenance: "bg-maintenance",
};

export function Banner({ overall }: { overall: OverallStatus }) {
  return (
    <section
      aria-label="Overall status"
      className={`flex items-center gap-3 rounded-xl px-5 py-4 text-white shadow-sm ${BG[overall.indicator]}`}
    >
      <span className="rounded-full bg-white p-0.5">
        <StatusIcon status={INDICATOR_STATUS[overall.indicator]} />
      </span>
      <p className="text-lg font-semibold" data-testid="overall-status">
        {overall.description}
      </p>
    </section>
  );
}
