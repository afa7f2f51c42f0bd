import { notFound } from "next/navigation";
import { renderViewer } from "@/app/_server/viewer";
import { Banner } from "@/components/status/banner";
import { ComponentList } from "@/components/status/component-list";
import { IncidentCard } from "@/components/status/incident-card";
import { loadStatusPage } from "@/lib/public/status-page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export default async function StatusPage() {
  const db = getDb();
  const viewer = await renderViewer();
  if (!viewer) notFound();
  // The day rolling over bumps the content version (lib/uptime/rollover.ts), so a snapshot never shows yesterday's
  // bars.
  const { page, overall, active, upcoming, ungrouped, groups, uptime } = await loadStatusPage(db, viewer, {
    uptimeAt: new Date(),
  });
  // A maintenance window in progress is not an incident: it gets its own heading.
  const incidents = active.filter((i) => i.kind !== "maintenance");
  const maintenance = active.filter((i) => i.kind === "maintenance");
  return (
    <div className="space-y-10">
      <h1 className="sr-only">{page.name} status</h1>
      <Banner overall={overall} />
      {incidents.length > 0 && (
        <section aria-labelledby="active-heading" className="space-y-3">
          <h2 id="active-heading" className="text-lg font-semibold">
            Active incidents
          </h2>
          {incidents.map((i) => (
            <IncidentCard key={i.id} incident={i} timeZone={page.timeZone} />
          ))}
        </section>
      )}
      {maintenance.length > 0 && (
        <section aria-labelledby="maintenance-heading" className="space-y-3">
          <h2 id="maintenance-heading" className="text-lg font-semibold">
            Maintenance in progress
          </h2>
          {maintenance.map((i) => (
            <IncidentCard key={i.id} incident={i} timeZone={page.timeZone} />
          ))}
        </section>
      )}
      {upcoming.length > 0 && (
        <section aria-labelledby="upcoming-heading" className="space-y-3">
          <h2 id="upcoming-heading" className="text-lg font-semibold">
            Scheduled maintenance
          </h2>
          {upcoming.map((i) => (
            <IncidentCard key={i.id} incident={i} timeZone={page.timeZone} />
          ))}
        </section>
      )}
      <ComponentList ungrouped={ungrouped} groups={groups} uptime={uptime} />
      <p>
        <a href="/history" className="font-medium text-blue-700 hover:underline dark:text-blue-400">
          View incident history →
        </a>
      </p>
    </div>
  );
}
