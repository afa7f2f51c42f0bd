import { hostname } from "node:os";
import type { Db } from "@/db/client";
import { mailerFromEnv } from "../email/from-env";
import { env } from "../env";
import { newId } from "../ids";
import { createPacer } from "./pacer";
import type { WorkDeps } from "./run";

/** The worker's dependencies as configured by the environment (lib/env.ts). */
export function workDepsFromEnv(db: Db): WorkDeps {
  const e = env();
  return {
    mailer: mailerFromEnv(db),
    pacer: createPacer(e.HERALD_EMAIL_RATE),
    secret: e.HERALD_SECRET,
    baseUrl: e.HERALD_URL ?? `http://localhost:${e.PORT}`,
    defaultFrom: e.HERALD_EMAIL_FROM ?? "Status updates <status@localhost>",
    workerId: `${hostname()}:${process.pid}:${newId(6)}`,
    leaseMs: e.HERALD_EMAIL_LEASE_MS,
    maxAttempts: e.HERALD_EMAIL_MAX_ATTEMPTS,
    batchSize: 100,
    concurrency: e.HERALD_EMAIL_CONCURRENCY,
    backoffBaseMs: e.HERALD_EMAIL_BACKOFF_MS,
    backoffMaxMs: 10 * 60_000,
    log: (msg) => console.error(msg),
  };
}
