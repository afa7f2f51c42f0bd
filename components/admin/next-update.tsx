import type { CommsIncident } from "@/lib/incidents/practice";
import { formatDuration, formatTime } from "./time";

/**
 * When an open incident's next public update is due (lib/incidents/practice
 * decides it and whether it is overdue), as the incident list shows it.
 */
export function NextUpdateDue({ comms, timeZone, now }: { comms: CommsIncident; timeZone: string; now: Date }) {
  if (!comms.published)
    return (
      <span className="text-amber-800 dark:text-amber-200" data-testid="next-update">
        {comms.draft ? "Draft, not public yet" : "Scheduled, not public yet"}
      </span>
    );
  if (comms.overdue)
    return (
      <span
        className="rounded-md bg-red-600 px-2 py-0.5 font-medium text-white"
        data-testid="next-update"
        data-overdue="true"
      >
        Update overdue by {formatDuration(comms.overdueMinutes * 60_000)}
      </span>
    );
  return (
    <span className="text-zinc-600 dark:text-zinc-400" data-testid="next-update">
      Next update due{" "}
      <time dateTime={comms.nextUpdateDue.toISOString()}>{formatTime(comms.nextUpdateDue, timeZone)}</time> (in{" "}
      {formatDuration(comms.nextUpdateDue.getTime() - now.getTime())})
    </span>
  );
}
