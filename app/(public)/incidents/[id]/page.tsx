import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { COMPONENT_STATUS_LABELS, INCIDENT_STATUS_LABELS } from "@/db/constants";
import { renderViewer } from "@/app/_server/viewer";
import { FollowForm } from "@/components/status/follow-form";
import { Markdown } from "@/components/status/markdown";
import { STATUS_TEXT, StatusIcon } from "@/components/status/status-icon";
import { Time } from "@/components/status/time";
import { formatDateTime, formatLasted } from "@/lib/time/format";
import { env } from "@/lib/env";
import { impactText, loadIncident, showsComponentStateNow } from "@/lib/public/incident";
import { loadPublicPage, publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const db = getDb();
  const viewer = await renderViewer();
  const incident = viewer && (await loadIncident(db, (await params).id, viewer));
  if (!incident) return { title: "Not found" };
  const page = await loadPublicPage(db);
  const image = {
    url: `${publicBaseUrl(page, env().HERALD_URL)}/incidents/${incident.id}/og.png`,
    width: 1200,
    height: 630,
  };
  // The status now, in the text a link preview shows beside the card (which does not draw it).
  const latest = incident.updates[0];
  const description =
    `${INCIDENT_STATUS_LABELS[incident.status]} · ${impactText(incident)}` +
    (latest ? ` · latest update ${formatDateTime(latest.displayAt, page.timeZone)}` : "");
  return {
    title: incident.name,
    description,
    openGraph: { type: "article", title: incident.name, description, images: [image] },
    twitter: { card: "summary_large_image", images: [image.url] },
  };
}

export default async function IncidentPage({ params }: Props) {
  const db = getDb();
  const viewer = await renderViewer();
  const incident = viewer && (await loadIncident(db, (await params).id, viewer));
  if (!incident) notFound();
  const { timeZone } = await loadPublicPage(db);
  const closed = incident.resolvedAt !== null;
  // None for a backfilled incident: it is recorded at one moment.
  const lasted = formatLasted(incident.startedAt, incident.resolvedAt);
  return (
    <article className="space-y-8">
      <header className="space-y-2">
        <p className="text-sm">
          <a href="/" className="text-blue-700 hover:underline dark:text-blue-400">
            ← Current status
          </a>
        </p>
        <h1 className="text-2xl font-bold tracking-tight text-balance">{incident.name}</h1>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="rounded-full bg-zinc-200 px-2.5 py-0.5 font-medium dark:bg-zinc-800">
            {INCIDENT_STATUS_LABELS[incident.status]}
          </span>
          <span className="rounded-full border border-zinc-300 px-2.5 py-0.5 dark:border-zinc-700">
            {impactText(incident)}
          </span>
        </p>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {incident.kind === "maintenance" && incident.scheduledFor ? (
            <>
              Scheduled <Time at={incident.scheduledFor} timeZone={timeZone} />
              {incident.scheduledUntil && (
                <>
                  {" "}
                  – <Time at={incident.scheduledUntil} timeZone={timeZone} />
                </>
              )}
            </>
          ) : (
            <>
              Started <Time at={incident.startedAt} timeZone={timeZone} />
            </>
          )}
          {closed && (
            <>
              {" · "}
              {incident.kind === "maintenance" ? "Completed" : "Resolved"}{" "}
              <Time at={incident.resolvedAt!} timeZone={timeZone} />
              {lasted && (
                <>
                  {" · "}
                  <span data-testid="duration">{`Lasted ${lasted}`}</span>
                </>
              )}
            </>
          )}
        </p>
      </header>

      {!closed && <FollowForm incidentId={incident.id} />}

      {incident.affected.length > 0 && (
        <section
          aria-labelledby="affected-heading"
          className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h2
            id="affected-heading"
            className="text-sm font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400"
          >
            Affected components
          </h2>
          <ul className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {incident.affected.map((c) => (
              <li key={c.id} className="flex items-center gap-1.5 text-sm">
                {showsComponentStateNow(incident) ? (
                  <>
                    <StatusIcon status={c.status} className="size-4" />
                    <span className="font-medium">{c.name}</span>
                    <span className={STATUS_TEXT[c.status]}>({COMPONENT_STATUS_LABELS[c.status]} now)</span>
                  </>
                ) : (
                  <span className="font-medium">{c.name}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {incident.postmortemHtml && (
        <section
          aria-labelledby="postmortem-heading"
          className="rounded-xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h2 id="postmortem-heading" className="text-lg font-semibold">
            Postmortem
          </h2>
          {incident.postmortemPublishedAt && (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">
              Published <Time at={incident.postmortemPublishedAt} timeZone={timeZone} />
            </p>
          )}
          <Markdown html={incident.postmortemHtml} className="mt-3" />
        </section>
      )}

      <section aria-labelledby="updates-heading">
        <h2 id="updates-heading" className="mb-4 text-lg font-semibold">
          Updates
        </h2>
        <ol className="relative space-y-6 border-l-2 border-zinc-200 pl-6 dark:border-zinc-800">
          {incident.updates.map((u) => (
            <li key={u.id} className="relative">
              <span
                aria-hidden="true"
                className={
                  "absolute top-1.5 -left-[31px] size-3 rounded-full border-2 border-zinc-50 dark:border-zinc-950 " +
                  (u.status === "resolved" || u.status === "completed" ? "bg-operational" : "bg-zinc-400")
                }
              />
              <h3 className="font-semibold">{INCIDENT_STATUS_LABELS[u.status]}</h3>
              <p className="text-sm text-zinc-500 dark:text-zinc-400">
                <Time at={u.displayAt} timeZone={timeZone} />
              </p>
              <Markdown html={u.html} className="mt-2" />
              {u.notes.map((note) => (
                <aside
                  key={note.id}
                  data-testid="audience-note"
                  className={
                    "mt-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 " +
                    "dark:bg-amber-950"
                  }
                >
                  <p className="font-semibold">Note for your organisation</p>
                  <Markdown html={note.html} className="mt-1" />
                </aside>
              ))}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
