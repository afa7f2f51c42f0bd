import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { renderViewer } from "@/app/_server/viewer";
import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import { Time } from "@/components/status/time";
import { formatMonth } from "@/lib/time/format";
import { loadHistory } from "@/lib/public/history";
import { impactText } from "@/lib/public/incident";
import { historyHref, historyWhich, quarterMonths } from "@/lib/public/history-keys";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Incident history" };

type Param = string | string[] | undefined;
type Props = { searchParams: Promise<{ quarter?: Param; page?: Param }> };

/** One value or none: a repeated parameter names no page. */
const one = (raw: Param): string | null | false => (raw === undefined ? null : typeof raw === "string" ? raw : false);

/** "October – December 2026" */
function quarterLabel(quarter: string): string {
  const [last, , first] = quarterMonths(quarter);
  return `${formatMonth(first).split(" ")[0]} – ${formatMonth(last)}`;
}

export default async function HistoryPage({ searchParams }: Props) {
  const params = await searchParams;
  const [quarter, pageParam] = [one(params.quarter), one(params.page)];
  // A malformed or repeated parameter is a 404, never an error.
  const which = quarter === false || pageParam === false ? null : historyWhich(quarter, pageParam);
  const viewer = await renderViewer();
  const history = which === null || !viewer ? null : await loadHistory(getDb(), which, viewer);
  if (!history) notFound();
  const { page, months, range, newer, older } = history;
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Incident history</h1>
        {history.quarter && <p className="mt-1 text-zinc-600 dark:text-zinc-400">{quarterLabel(history.quarter)}</p>}
      </div>
      {!history.quarter && <p className="text-zinc-600 dark:text-zinc-400">No incidents reported yet.</p>}
      {months.map((m) => (
        <section key={m.key} aria-labelledby={`m-${m.key}`}>
          <h2
            id={`m-${m.key}`}
            className="mb-3 border-b border-zinc-200 pb-2 text-lg font-semibold dark:border-zinc-800"
          >
            {formatMonth(m.key)}
          </h2>
          {m.incidents.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No incidents reported this month.</p>
          ) : (
            <ul className="space-y-4">
              {m.incidents.map((i) => (
                <li key={i.id}>
                  <a
                    href={`/incidents/${i.id}`}
                    className="font-medium text-blue-700 hover:underline dark:text-blue-400"
                  >
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
          )}
        </section>
      ))}
      {range && (newer || older) && (
        <nav
          aria-label="History pages"
          className="flex items-center justify-between border-t border-zinc-200 pt-4 text-sm dark:border-zinc-800"
        >
          {newer ? (
            <a
              href={historyHref(newer, range)}
              rel="prev"
              className="font-medium text-blue-700 hover:underline dark:text-blue-400"
            >
              ← {quarterLabel(newer)}
            </a>
          ) : (
            <span />
          )}
          {older ? (
            <a
              href={historyHref(older, range)}
              rel="next"
              className="font-medium text-blue-700 hover:underline dark:text-blue-400"
            >
              {quarterLabel(older)} →
            </a>
          ) : (
            <span />
          )}
        </nav>
      )}
    </div>
  );
}
