import { env } from "@/lib/env";
import { constantTimeEqual, sha256 } from "@/lib/ids";
import { getDb, systemClock } from "@/lib/runtime";
import { workDepsFromEnv } from "@/lib/worker/from-env";
import { runDueWork } from "@/lib/worker/run";

export const dynamic = "force-dynamic";

/**
 * For serverless hosts: a scheduler calls this every minute with
 * `Authorization: Bearer $HERALD_CRON_SECRET`. No secret configured → 403
 * (the endpoint is off); no credentials → 401; wrong secret → 403.
 */
async function handle(req: Request) {
  const secret = env().HERALD_CRON_SECRET;
  if (!secret) return Response.json({ error: "Cron is not enabled (set HERALD_CRON_SECRET)" }, { status: 403 });
  const given = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
  if (!given)
    return Response.json(
      { error: "Authentication required" },
      { status: 401, headers: { "www-authenticate": "Bearer" } },
    );
  // Hash both sides first so the comparison's length check leaks nothing.
  if (!constantTimeEqual(sha256(given), sha256(secret))) return Response.json({ error: "Forbidden" }, { status: 403 });
  const db = getDb();
  try {
    const report = await runDueWork({ db, now: systemClock }, workDepsFromEnv(db), { budgetMs: 25_000 });
    return Response.json({ ok: true, done: report.done, more: report.more });
  } catch (err) {
    console.error("[herald] cron run failed", err);
    return Response.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}

export const GET = handle;
export const POST = handle;
