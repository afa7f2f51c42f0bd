import { isDomainError } from "@/lib/errors";
import { receiveAlerts } from "@/lib/integrations/receive";
import { RateLimitedError } from "@/lib/limits/rate-limited";
import { getDb, systemClock } from "@/lib/runtime";
import { wakeWorker } from "@/lib/worker/wake";

// Inbound monitor alerts (lib/integrations): Alertmanager, Grafana or generic
// JSON. The edge caps the body while reading it (lib/edge/body.ts); the secret
// is the last path segment, checked in constant time against its hash.
export const dynamic = "force-dynamic";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

export async function POST(request: Request, route: { params: Promise<{ id: string; token: string }> }) {
  const { id, token } = await route.params;
  try {
    const result = await receiveAlerts({ db: getDb(), now: systemClock }, { id, token, body: await request.text() });
    // A held change is applied by the worker when its hold is over; an applied one may have outbox work.
    wakeWorker();
    return json(200, { ok: true, format: result.format, outcome: result.outcome });
  } catch (err) {
    if (err instanceof RateLimitedError)
      return json(429, { error: err.message }, { "retry-after": String(err.retryAfterSeconds) });
    if (isDomainError(err)) return json(err.status, { error: err.message });
    console.error("[herald] integration request failed", err);
    return json(500, { error: "Something went wrong. The error was logged." });
  }
}
