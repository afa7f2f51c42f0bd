import type { Db } from "@/db/client";
import { emailStartupWarning } from "../email/from-env";
import { env } from "../env";
import { getDb, systemClock } from "../runtime";
import { workDepsFromEnv } from "./from-env";
import { startWorkerLoop } from "./loop";
import { registerWorkerLoop } from "./wake";

/**
 * Started from instrumentation.ts under `npm start` (DESIGN.md §5); HERALD_WORKER=off leaves it to a separate worker
 * or
 * /api/cron.
 * Never throws: with the database unreachable at start it waits for it, since an
 * error here would fail Next's instrumentation hook and every request after it.
 */
export function startInProcessWorker(): void {
  const warning = emailStartupWarning();
  if (warning) console.warn(warning);
  if (env().HERALD_WORKER === "off") return;
  let waiting = false;
  const start = () => {
    let db: Db;
    try {
      db = getDb();
    } catch (err) {
      if (!waiting) console.error(`[herald] background worker waiting for the database: ${String(err)}`);
      waiting = true;
      setTimeout(start, env().HERALD_WORKER_INTERVAL_MS).unref();
      return;
    }
    const deps = workDepsFromEnv(db);
    registerWorkerLoop(startWorkerLoop({ db, now: systemClock }, deps, env().HERALD_WORKER_INTERVAL_MS));
    console.log(`[herald] background worker started (${deps.mailer.name} transport)`);
  };
  start();
}
