import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import { impactText, type PublicIncidentSummary } from "@/lib/public/incident";
import { Markdown } from "./markdown";
import { Time } from "./time";

const IMPACT_BORDER: Record<PublicIncidentSummary["impact"], string> = {
  none: "border-l-zinc-400",
  minor: "border-l-degraded",
  major: "border-l-partial",
  critical: "border-l-major",
};

/** An open incident on the front page: its newest update in full, and a link to the timeline. */
export function IncidentCard({ incident: i, timeZone }: { incident: PublicIncidentSummary; timeZone: string }) {
  const u = i.latestUpdate;
  return (
    <article
      className={
        "rounded-xl border-y border-r border-l-4 border-y-zinc-200 border-r-zinc-200 bg-white p-4 shadow-sm " +
        "dark:border-y-zinc-800 dark:border-r-zinc-800 dark:bg-zinc-900 " +
        (i.kind === "maintenance" ? "border-l-maintenance" : IMPACT_BORDER[i.impact])
      }
    >
      <h3 className="text-base font-semibold">
        <a href={`/incidents/${i.id}`} className="hover:underline">
          {i.name}
        </a>
      </h3>
      <p className="mt-0.5 text-xs font-medium tracking-wide text-zinc-600 uppercase dark:text-zinc-400">
        {impactText(i)} · {INCIDENT_STATUS_LABELS[i.status]}
      </p>
      {i.kind === "maintenance" && i.scheduledFor && (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Scheduled <Time at={i.scheduledFor} timeZone={timeZone} />
          {i.scheduledUntil && (
            <>
              {" "}
              – <Time at={i.scheduledUntil} timeZone={timeZone} />
            </>
          )}
        </p>
      )}
      {u && (
        <div className="mt-3 text-sm">
          <p>
            <strong>{INCIDENT_STATUS_LABELS[u.status]}</strong>
            <span className="text-zinc-500 dark:text-zinc-400">
              {" "}
              · <Time at={u.displayAt} timeZone={timeZone} />
            </span>
          </p>
          <Markdown html={u.html} className="mt-1" />
        </div>
      )}
      <p className="mt-3 text-sm">
        <a href={`/incidents/${i.id}`} className="font-medium text-blue-700 hover:underline dark:text-blue-400">
          View incident timeline →
        </a>
      </p>
    </article>
  );
}
