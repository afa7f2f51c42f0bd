import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { ComponentStatusBadge, ImpactBadge, IncidentStatusBadge, PriorityBadge } from "@/components/admin/badges";
import { formatDateTime, formatLasted } from "@/components/admin/time";
import { NextUpdateDue } from "@/components/admin/next-update";
import { buttonLinkClass, Card, EmptyState, linkClass, PageHeader } from "@/components/admin/ui";
import { loadCommsView, type CommsIncident } from "@/lib/incidents/practice";
import { listConsoleIncidents, listDegradedComponents, type ConsoleIncidentSummary } from "@/lib/incidents/queries";

export const metadata = { title: "Incidents · Herald" };

/** The comms lead's line for an open incident: priority, owner, and when the next public update is due. */
function CommsLine({ comms, timeZone, now }: { comms: CommsIncident; timeZone: string; now: Date }) {
  return (
    <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <PriorityBadge priority={comms.priority} />
      <span className="text-zinc-600 dark:text-zinc-400">
        {comms.owner ? `Owner: ${comms.owner.name}` : "No owner"}
      </span>
      <NextUpdateDue comms={comms} timeZone={timeZone} now={now} />
    </div>
  );
}

function IncidentRow({
  incident,
  timeZone,
  comms,
  now,
}: {
  incident: ConsoleIncidentSummary;
  timeZone: string;
  comms?: CommsIncident;
  now: Date;
}) {
  return (
    <li
      className={
        "flex flex-col gap-2 px-5 py-4 sm:flex-row sm:items-start sm:justify-between " +
        (comms?.overdue ? "border-l-4 border-red-600 bg-red-50/60 dark:bg-red-950/30" : "")
      }
      data-testid="incident-row"
    >
      <div className="min-w-0">
        <Link
          href={`/admin/incidents/${incident.id}`}
          className="font-medium text-zinc-900 hover:text-blue-700 hover:underline dark:text-zinc-100"
        >
          {incident.name}
        </Link>
        <div className="mt-1.5 flex flex-wrap items-center gap-2">
          <IncidentStatusBadge status={incident.status} />
          <ImpactBadge impact={incident.impact} overridden={!!incident.impactOverride} />
          {incident.backfilled && <span className="text-xs text-zinc-500">Backfilled</span>}
        </div>
        {incident.components.length > 0 && (
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            <span className="sr-only">Affected components: </span>
            {incident.components.map((c) => c.name).join(", ")}
          </p>
        )}
        {comms && <CommsLine comms={comms} timeZone={timeZone} now={now} />}
      </div>
      <div className="shrink-0 text-sm text-zinc-600 sm:text-right dark:text-zinc-400">
        {incident.resolvedAt ? (
          <>
            <div>Resolved {formatDateTime(incident.resolvedAt, timeZone)}</div>
            {formatLasted(incident.startedAt, incident.resolvedAt) && (
              <div className="text-xs text-zinc-500">
                Lasted {formatLasted(incident.startedAt, incident.resolvedAt)}
              </div>
            )}
          </>
        ) : (
          <>
            <div>Last update {formatDateTime(incident.lastUpdateAt, timeZone)}</div>
            <div className="text-xs text-zinc-500">Started {formatDateTime(incident.startedAt, timeZone)}</div>
          </>
        )}
      </div>
    </li>
  );
}

export default async function ConsoleHome({
  searchParams,
}: {
  searchParams: Promise<{ denied?: string; deleted?: string }>;
}) {
  const { ctx, page, canEdit } = await requireConsolePage();
  const params = await searchParams;
  const now = new Date();
  const { open: openByStart, resolved } = await listConsoleIncidents(ctx.db, page.id);
  // Open incidents in the comms lead's order: overdue first, then soonest due.
  const comms = await loadCommsView(ctx.db, page.id, now);
  const rank = new Map(comms.map((c, i) => [c.id, i]));
  const commsById = new Map(comms.map((c) => [c.id, c]));
  const open = [...openByStart].sort((a, b) => (rank.get(a.id) ?? comms.length) - (rank.get(b.id) ?? comms.length));
  const overdue = comms.filter((c) => c.overdue).length;
  const degraded = await listDegradedComponents(ctx.db, page.id);

  return (
    <>
      <PageHeader
        title="Incidents"
        description={`Times are shown in ${page.timeZone}.`}
        actions={
          canEdit && (
            <Link href="/admin/incidents/new" className={buttonLinkClass}>
              New incident
            </Link>
          )
        }
      />
      {params.denied && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          Your role does not allow that page.
        </p>
      )}
      {params.deleted && (
        <p
          role="status"
          className="mb-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200"
        >
          Incident deleted.
        </p>
      )}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <section
            aria-labelledby="open-heading"
            className="rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
          >
            <h2
              id="open-heading"
              className="border-b border-zinc-200 px-5 py-3 text-base font-semibold dark:border-zinc-800"
            >
              Open incidents <span className="ml-1 text-sm font-normal text-zinc-500">{open.length}</span>
              {overdue > 0 && (
                <span className="ml-2 rounded-full bg-red-600 px-2 py-0.5 text-xs font-medium text-white">
                  {overdue} overdue
                </span>
              )}
            </h2>
            {open.length ? (
              <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {open.map((i) => (
                  <IncidentRow key={i.id} incident={i} timeZone={page.timeZone} comms={commsById.get(i.id)} now={now} />
                ))}
              </ul>
            ) : (
              <div className="p-5">
                <EmptyState>No open incidents. All quiet.</EmptyState>
              </div>
            )}
          </section>
          <section
            aria-labelledby="resolved-heading"
            className="rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
          >
            <h2
              id="resolved-heading"
              className="border-b border-zinc-200 px-5 py-3 text-base font-semibold dark:border-zinc-800"
            >
              Recently resolved
            </h2>
            {resolved.length ? (
              <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {resolved.map((i) => (
                  <IncidentRow key={i.id} incident={i} timeZone={page.timeZone} now={now} />
                ))}
              </ul>
            ) : (
              <div className="p-5">
                <EmptyState>Nothing resolved yet.</EmptyState>
              </div>
            )}
          </section>
        </div>
        <Card title="Components not operational">
          {degraded.length ? (
            <ul className="space-y-2" aria-label="Components not operational">
              {degraded.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-3 text-sm">
                  <span className="min-w-0 truncate">
                    {c.name}
                    {c.hidden && <span className="ml-1 text-xs text-zinc-500">(hidden)</span>}
                  </span>
                  <ComponentStatusBadge status={c.status} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="flex items-center gap-2 text-sm text-green-800 dark:text-green-300">
              <span aria-hidden className="size-2 rounded-full bg-operational" />
              Every component is operational.
            </p>
          )}
          <p className="mt-4 text-sm">
            <Link href="/admin/components" className={linkClass}>
              Manage components →
            </Link>
          </p>
        </Card>
      </div>
    </>
  );
}
