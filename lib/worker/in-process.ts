import { emailStartupWarning } from "../email/from-env";
import { env } from "../env";
import { getDb, systemClock } from "../runtime";
import { workDepsFromEnv } from "./from-env";
import { registerWorkerLoop, startWorkerLoop } from "./loop";

/** Started from instrumentation.ts under `npm start` (DESIGN.md §5); HERALD_WORKER=off leaves it to a separate worker or /api/cron. */
export function startInProcessWorker(): void {
  const warning = emailStartupWarning();
  if (warning) console.warn(warning);
  if (env().HERALD_WORKER === "off") return;
  const db = getDb();
  const deps = workDepsFromEnv(db);
  registerWorkerLoop(startWorkerLoop({ db, now: systemClock }, deps, env().HERALD_WORKER_INTERVAL_MS));
  console.log(`[herald] background worker started (${deps.mailer.name} transport)`);
}
