import { getSessionUser } from "@/app/_server/auth";
import { computeMetrics, metricsCsv } from "@/lib/metrics/metrics";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The metrics page as CSV. Console data: a signed-in team member only. */
export async function GET(): Promise<Response> {
  if (!(await getSessionUser())) return new Response("Authentication required", { status: 401 });
  const db = getDb();
  const page = await getPage(db);
  const now = new Date();
  const csv = metricsCsv(await computeMetrics(db, page.id, now));
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="herald-metrics-${now.toISOString().slice(0, 10)}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
