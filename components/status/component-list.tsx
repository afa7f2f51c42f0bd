import { COMPONENT_STATUS_LABELS } from "@/db/constants";
import type { PublicComponent, PublicGroup } from "@/lib/public/status-page";
import type { UptimeDto } from "@/lib/uptime/load";
import { STATUS_TEXT, StatusIcon } from "./status-icon";
import { UptimeBars } from "./uptime-bars";

function StatusLabel({ status }: { status: PublicComponent["status"] }) {
  return (
    <span className={`flex shrink-0 items-center gap-1.5 text-sm font-medium ${STATUS_TEXT[status]}`}>
      <StatusIcon status={status} className="size-4" />
      {COMPONENT_STATUS_LABELS[status]}
    </span>
  );
}

type Bars = Map<string, Pick<UptimeDto["groups"][number], "days" | "uptimePercent">>;

function Row({ c, bars }: { c: PublicComponent; bars: Bars }) {
  const b = bars.get(c.id);
  return (
    <li className="px-4 py-3">
      <div className="flex items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="font-medium">{c.name}</p>
          {c.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{c.description}</p>}
        </div>
        <StatusLabel status={c.status} />
      </div>
      {b && <UptimeBars name={c.name} days={b.days} uptimePercent={b.uptimePercent} />}
    </li>
  );
}

const LIST = "divide-y divide-zinc-200 dark:divide-zinc-800";
const GROUP_LIST = "border-t border-zinc-200 bg-zinc-50/60 pl-6 dark:border-zinc-800 dark:bg-zinc-950/40";

/** Components and collapsible groups; with `uptime`, bars under showcased components and every group. */
export function ComponentList({
  ungrouped,
  groups,
  uptime,
}: {
  ungrouped: PublicComponent[];
  groups: PublicGroup[];
  uptime?: UptimeDto | null;
}) {
  if (!ungrouped.length && !groups.length) return null;
  const bars: Bars = new Map(
    [...(uptime?.components.filter((c) => c.showcase) ?? []), ...(uptime?.groups ?? [])].map((b) => [b.id, b]),
  );
  return (
    <section aria-labelledby="components-heading">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-x-4">
        <h2 id="components-heading" className="text-lg font-semibold">
          Components
        </h2>
        {uptime && (
          <details className="max-w-full text-sm text-zinc-600 dark:text-zinc-400">
            <summary className="cursor-pointer">How uptime is calculated</summary>
            <p className="mt-2 mb-3 max-w-prose">{uptime.formula}</p>
          </details>
        )}
      </div>
      <ul
        className={
          `overflow-hidden rounded-xl border border-zinc-200 bg-white ` +
          `dark:border-zinc-800 dark:bg-zinc-900 ${LIST}`
        }
      >
        {ungrouped.map((c) => (
          <Row key={c.id} c={c} bars={bars} />
        ))}
        {groups.map((g) => (
          <li key={g.id}>
            {/* Collapsed unless something in the group is wrong, so trouble is visible at a glance. */}
            <details open={g.status !== "operational"} className="group">
              <summary
                className={
                  "flex cursor-pointer list-none items-center justify-between " +
                  "gap-4 px-4 py-3 hover:bg-zinc-50 dark:hover:bg-zinc-800/50 " +
                  "[&::-webkit-details-marker]:hidden"
                }
              >
                <span className="flex min-w-0 items-center gap-2">
                  <svg
                    viewBox="0 0 20 20"
                    aria-hidden="true"
                    className="size-4 shrink-0 text-zinc-500 transition-transform group-open:rotate-90"
                  >
                    <path d="M7 5l5 5-5 5" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" />
                  </svg>
                  <span className="font-medium">{g.name}</span>
                  <span className="hidden text-sm text-zinc-500 sm:inline dark:text-zinc-400">
                    {g.components.length} {g.components.length === 1 ? "component" : "components"}
                  </span>
                </span>
                <StatusLabel status={g.status} />
              </summary>
              {g.description && (
                <p className="px-4 pb-2 pl-10 text-sm text-zinc-600 dark:text-zinc-400">{g.description}</p>
              )}
              <ul className={`${GROUP_LIST} ${LIST}`}>
                {g.components.map((c) => (
                  <Row key={c.id} c={c} bars={bars} />
                ))}
              </ul>
            </details>
            {/* After the members, not in <summary>: a summary's text is its accessible name. */}
            {bars.has(g.id) && (
              <div className="px-4 pb-3">
                {/* Visible, so the group's row does not read as one more component's. */}
                <p className="pt-2 text-xs font-medium text-zinc-600 dark:text-zinc-400">
                  {g.name}: all components combined
                </p>
                <UptimeBars
                  name={`${g.name} (all components)`}
                  days={bars.get(g.id)!.days}
                  uptimePercent={bars.get(g.id)!.uptimePercent}
                  incidentNames={false}
                />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
