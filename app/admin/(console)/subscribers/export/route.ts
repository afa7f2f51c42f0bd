import { getSessionUser } from "@/app/_server/auth";
import { isDomainError } from "@/lib/errors";
import { getDb, systemClock } from "@/lib/runtime";
import { exportSubscribersCsv } from "@/lib/subscribers/admin";

export async function GET() {
  const user = await getSessionUser();
  if (!user) return new Response("Authentication required", { status: 401 });
  try {
    const csv = await exportSubscribersCsv({
      db: getDb(),
      now: systemClock,
      actor: { type: "user", id: user.id, label: user.email, role: user.role },
    });
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="subscribers.csv"',
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (isDomainError(err)) return new Response(err.message, { status: err.status });
    throw err;
  }
}
