import { hostname } from "node:os";
import type { Db } from "@/db/client";
import { mailerFromEnv } from "../email/from-env";
import { env } from "../env";
import { newId } from "../ids";
import { mirrorDepsFromEnv } from "../mirror/from-env";
import { netPolicyFromEnv } from "../net/fetch";
import { createHostLimiter } from "./host-limiter";
import { wakeWorker } from "./wake";
import { createPacer } from "./pacer";
import type { WorkDeps } from "./run";

/** The worker's dependencies as configured by the environment (lib/env.ts). */
export function workDepsFromEnv(db: Db): WorkDeps {
  const e = env();
  const workerId = `${hostname()}:${process.pid}:${newId(6)}`;
  return {
    mirror: mirrorDepsFromEnv(workerId, (ms) => setTimeout(wakeWorker, ms).unref()),
    mailer: mailerFromEnv(db),
    pacer: createPacer(e.HERALD_EMAIL_RATE),
    secret: e.HERALD_SECRET,
    baseUrl: e.HERALD_URL ?? `http://localhost:${e.PORT}`,
    defaultFrom: e.HERALD_EMAIL_FROM ?? "Status updates <status@localhost>",
    workerId,
    leaseMs: e.HERALD_EMAIL_LEASE_MS,
    maxAttempts: e.HERALD_EMAIL_MAX_ATTEMPTS,
    batchSize: 100,
    concurrency: e.HERALD_EMAIL_CONCURRENCY,
    backoffBaseMs: e.HERALD_EMAIL_BACKOFF_MS,
    backoffMaxMs: 10 * 60_000,
    log: (msg) => console.error(msg),
    channels: {
      policy: netPolicyFromEnv(),
      hosts: createHostLimiter(e.HERALD_CHANNEL_HOST_CONCURRENCY),
      timeoutMs: e.HERALD_CHANNEL_TIMEOUT_MS,
      // Each lane holds at most perHost rows per host: one round of timeouts, with room to spare.
      leaseMs: Math.max(e.HERALD_CHANNEL_LEASE_MS, 2 * e.HERALD_CHANNEL_TIMEOUT_MS),
      maxAttempts: e.HERALD_CHANNEL_MAX_ATTEMPTS,
      disableAfter: e.HERALD_CHANNEL_DISABLE_AFTER,
      batchSize: 100,
      backoffBaseMs: e.HERALD_CHANNEL_BACKOFF_MS,
      backoffMaxMs: e.HERALD_CHANNEL_BACKOFF_MAX_MS,
    },
  };
}
