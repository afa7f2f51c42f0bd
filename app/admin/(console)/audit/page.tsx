import Link from "next/link";
import { requireUser } from "@/app/_server/auth";
import { formatDateTime } from "@/components/admin/time";
import { Card, EmptyState, PageHeader, secondaryButtonLinkClass } from "@/components/admin/ui";
import { listAuditLog } from "@/lib/audit";
import { getPage } from "@/lib/page/page";

export const metadata = { title: "Audit log · Herald" };

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <div>
      <div className="text-xs font-medium text-zinc-500">{label}</div>
      <pre className="mt-1 max-h-80 overflow-auto rounded bg-zinc-100 p-2 font-mono text-xs dark:bg-zinc-800">{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { ctx } = await requireUser();
  const page = await getPage(ctx.db);
  const wanted = Number((await searchParams).page ?? 1);
  const log = await listAuditLog(ctx.db, page.id, { page: Number.isFinite(wanted) ? wanted : 1 });
  const tz = page.timeZone;

  return (
    <>
      <PageHeader title="Audit log" description={`Every change, newest first. ${log.total} entries.`} />
      <Card className="overflow-x-auto">
        {log.entries.length ? (
          <table className="w-full text-sm">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
                <th className="py-2 pr-3 font-medium">When</th>
                <th className="py-2 pr-3 font-medium">Who</th>
                <th className="py-2 pr-3 font-medium">Action</th>
                <th className="py-2 pr-3 font-medium">Entity</th>
                <th className="py-2 font-medium">Changes</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 align-top dark:divide-zinc-800">
              {log.entries.map((e) => (
                <tr key={e.id} data-testid="audit-entry">
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(e.at, tz)}</td>
                  <td className="py-2 pr-3">
                    <div>{e.actorLabel}</div>
                    <div className="text-xs text-zinc-500">{e.actorType.replace("_", " ")}</div>
                  </td>
                  <td className="py-2 pr-3 font-mono text-xs">{e.action}</td>
                  <td className="py-2 pr-3">
                    <div>{e.entityType.replaceAll("_", " ")}</div>
                    {e.entityId && <div className="font-mono text-xs text-zinc-500">{e.entityId}</div>}
                  </td>
                  <td className="py-2">
                    {e.before !== null || e.after !== null ? (
                      <details>
                        <summary className="cursor-pointer text-blue-700 dark:text-blue-400">Before / after</summary>
                        <div className="mt-2 grid gap-2 md:grid-cols-2">
                          <Json label="Before" value={e.before} />
                          <Json label="After" value={e.after} />
                        </div>
                      </details>
                    ) : (
                      <span className="text-zinc-400">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState>Nothing recorded yet.</EmptyState>
        )}
      </Card>
      {log.pageCount > 1 && (
        <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between text-sm">
          {log.page > 1 ? (
            <Link href={`/admin/audit?page=${log.page - 1}`} className={secondaryButtonLinkClass}>
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          <span className="text-zinc-600 dark:text-zinc-400">
            Page {log.page} of {log.pageCount}
          </span>
          {log.page < log.pageCount ? (
            <Link href={`/admin/audit?page=${log.page + 1}`} className={secondaryButtonLinkClass}>
              Older →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </>
  );
}
