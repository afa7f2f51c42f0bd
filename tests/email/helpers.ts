import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { subscriber, subscriberComponent } from "@/db/schema";
import { createOutboxMailer } from "@/lib/email/outbox";
import { createResendMailer } from "@/lib/email/resend";
import type { Mailer } from "@/lib/email/types";
import { newId } from "@/lib/ids";
import { issueToken } from "@/lib/subscribers/tokens";
import { createHostLimiter } from "@/lib/worker/host-limiter";
import { createPacer } from "@/lib/worker/pacer";
import type { WorkDeps } from "@/lib/worker/run";

export const SECRET = "test-secret-test-secret-test-secret-0123";

export function deps(mailer: Mailer, over: Partial<WorkDeps> = {}): WorkDeps {
  return {
    mailer,
    pacer: createPacer(1000),
    secret: SECRET,
    baseUrl: "https://status.example.com",
    defaultFrom: "Acme Status <status@example.com>",
    workerId: `w-${newId(4)}`,
    leaseMs: 5000,
    maxAttempts: 4,
    batchSize: 100,
    concurrency: 2,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    log: () => {},
    channels: {
      policy: { allowHttp: true, allowPrivate: true },
      hosts: createHostLimiter(4),
      // Generous: on a loaded machine a local answer can take a second.
      timeoutMs: 2000,
      leaseMs: 5000,
      maxAttempts: 4,
      disableAfter: 3,
      batchSize: 100,
      backoffBaseMs: 20,
      backoffMaxMs: 200,
    },
    ...over,
  };
}

export const resendMailer = (url: string, timeoutMs = 1000) =>
  createResendMailer({ apiKey: "re_test_key", baseUrl: url, timeoutMs });
export const outboxMailer = (db: Db) => createOutboxMailer(db);

/** Active subscribers inserted directly (fast, for volume tests). Returns their ids. */
export async function addActive(
  db: Db,
  pageId: string,
  n: number,
  opts: { prefix?: string; componentIds?: string[]; state?: "active" | "unsubscribed" | "quarantined" } = {},
): Promise<string[]> {
  const ids: string[] = [];
  const now = new Date();
  const rows: (typeof subscriber.$inferInsert)[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    ids.push(id);
    // One token pair for all: encryption per row is the slow part, and tests here only need working links.
    const manage = i === 0 || n < 200 ? issueToken(SECRET) : null;
    rows.push({
      id,
      pageId,
      email: `${opts.prefix ?? "user"}${i}@example.com`,
      state: opts.state ?? ("active" as const),
      manageTokenHash: manage?.hash ?? `h-${id}`,
      manageTokenEnc: manage?.enc ?? rows[0]?.manageTokenEnc ?? null,
      confirmedAt: now,
      createdAt: now,
      updatedAt: now,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(subscriber).values(rows.slice(i, i + 500));
  if (opts.componentIds?.length)
    for (let i = 0; i < ids.length; i += 500)
      await db
        .insert(subscriberComponent)
        .values(
          ids
            .slice(i, i + 500)
            .flatMap((subscriberId) => opts.componentIds!.map((componentId) => ({ subscriberId, componentId }))),
        );
  return ids;
}

export async function deliveryCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.all<{ status: string; n: number }>(
    sql`select status, count(*) as n from delivery group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
