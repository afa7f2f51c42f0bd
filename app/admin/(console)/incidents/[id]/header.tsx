import Link from "next/link";
import { NextUpdateDue } from "@/components/admin/next-update";
import { ImpactBadge, IncidentStatusBadge, PriorityBadge } from "@/components/admin/badges";
import { formatDateTime, formatLasted } from "@/components/admin/time";
import { linkClass, PageHeader } from "@/components/admin/ui";
import { priorityOf, type CommsIncident } from "@/lib/incidents/practice";
import type { ConsoleIncidentDetail } from "@/lib/incidents/queries";

/** Name, badges, times, when the next update is due, and links. */
export function IncidentHeader({
  incident,
  tz,
  due,
  now,
}: {
  incident: ConsoleIncidentDetail;
  tz: string;
  due: CommsIncident | undefined;
  now: Date;
}) {
  return (
    <PageHeader
      title={incident.name}
      description={
        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            <IncidentStatusBadge status={incident.status} />
            <ImpactBadge impact={incident.impact} overridden={!!incident.impactOverride} />
            <PriorityBadge priority={priorityOf(incident.impact, incident.urgency)} />
            {incident.backfilled && <span className="text-xs text-zinc-500">Backfilled</span>}
            {!incident.publishedAt && !incident.publishAt && (
              <span className="text-xs font-medium text-amber-800 dark:text-amber-200">Draft: not public</span>
            )}
            {!incident.publishedAt && incident.publishAt && (
              <span className="text-xs font-medium text-amber-800 dark:text-amber-200">
                Scheduled: public from {formatDateTime(incident.publishAt, tz)}
              </span>
            )}
          </div>
          <dl className="flex flex-wrap gap-x-6 gap-y-1">
            <div>
              <dt className="inline text-zinc-500">Started </dt>
              <dd className="inline">{formatDateTime(incident.startedAt, tz)}</dd>
            </div>
            {incident.resolvedAt && (
              <>
                <div>
                  <dt className="inline text-zinc-500">Resolved </dt>
                  <dd className="inline">{formatDateTime(incident.resolvedAt, tz)}</dd>
                </div>
                {formatLasted(incident.startedAt, incident.resolvedAt) && (
                  <div>
                    <dt className="inline text-zinc-500">Duration </dt>
                    <dd className="inline">{formatLasted(incident.startedAt, incident.resolvedAt)}</dd>
                  </div>
                )}
              </>
            )}
          </dl>
          {due && (
            <p>
              <NextUpdateDue comms={due} timeZone={tz} now={now} />
            </p>
          )}
          <div className="flex gap-4">
            <Link href="/admin" className={linkClass}>
              ← All incidents
            </Link>
            <a href={`/incidents/${incident.id}`} className={linkClass}>
              Public page ↗
            </a>
          </div>
        </div>
      }
    />
  );
}
