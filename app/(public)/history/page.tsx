import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { renderViewer } from "@/app/_server/viewer";
import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import { impactText } from "@/components/status/incident-card";
import { Time } from "@/components/status/time";
import { formatMonth } from "@/lib/time/format";
import { loadHistory } from "@/lib/public/history";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Incident history" };

type Props = { searchParams: Promise<{ page?: string | string[] }> };

/** `?page=` must be a plain positive number; anything else is a 404, never an error. */
function pageNumber(raw: string | string[] | undefined): number | null {
  if (raw === undefined) return 1;
  return typeof raw === "string" && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}

export default async function HistoryPage({ searchParams }: Props) {
  const n = pageNumber((await searchParams).page);
  const viewer = await renderViewer();
  const history = n === null || !viewer ? null : await loadHistory(getDb(), n, viewer);
  if (!history) notFound();
  const { page, months, pageNumber: current, pageCount } = history;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">Incident history</h1>
      {months.length === 0 && <p className="text-zinc-600 dark:text-zinc-400">No incidents reported yet.</p>}
      {months.map((m) => (
        <section key={m.key} aria-labelledby={`m-${m.key}`}>
          <h2
            id={`m-${m.key}`}
            className="mb-3 border-b border-zinc-200 pb-2 text-lg font-semibold dark:border-zinc-800"
          >
            {formatMonth(m.key)}
          </h2>
          <ul className="space-y-4">
            {m.incidents.map((i) => (
              <li key={i.id}>
                <a href={`/incidents/${i.id}`} className="font-medium text-blue-700 hover:underline dark:text-blue-400">
                  {i.name}
                </a>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  {impactText(i)} · {INCIDENT_STATUS_LABELS[i.status]} ·{" "}
                  <Time at={i.startedAt} timeZone={page.timeZone} />
                  {i.resolvedAt && (
                    <>
                      {" "}
                      – <Time at={i.resolvedAt} timeZone={page.timeZone} />
                    </>
                  )}
                </p>
                {i.summary && <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{i.summary}</p>}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {pageCount > 1 && (
        <nav
          aria-label="History pages"
          className="flex items-center justify-between border-t border-zinc-200 pt-4 text-sm dark:border-zinc-800"
        >
          {current > 1 ? (
            <a
              href={current === 2 ? "/history" : `/history?page=${current - 1}`}
              rel="prev"
              className="font-medium text-blue-700 hover:underline dark:text-blue-400"
            >
              ← Newer
            </a>
          ) : (
            <span />
          )}
          <span className="text-zinc-500 dark:text-zinc-400">
            Page {current} of {pageCount}
          </span>
          {current < pageCount ? (
            <a
              href={`/history?page=${current + 1}`}
              rel="next"
              className="font-medium text-blue-700 hover:underline dark:text-blue-400"
            >
              Older →
            </a>
          ) : (
            <span />
          )}
        </nav>
      )}
    </div>
  );
}
