// `npm run worker`: drains the outbox (and later other background work) in its
// own process. `--once` runs everything due and exits (for cron-style hosts).
// Several workers may run against one database: leases keep them apart.
import { emailStartupWarning } from "@/lib/email/from-env";
import { env } from "@/lib/env";
import { systemClock } from "@/lib/runtime";
import { registerWorkerLoop, startWorkerLoop } from "@/lib/worker/loop";
import { workDepsFromEnv } from "@/lib/worker/from-env";
import { runDueWork } from "@/lib/worker/run";
import { bootstrap } from "./bootstrap";

const db = await bootstrap();
const warning = emailStartupWarning();
if (warning) console.warn(warning);
const deps = workDepsFromEnv(db);
const ctx = { db, now: systemClock };

if (process.argv.includes("--once")) {
  const report = await runDueWork(ctx, deps, { budgetMs: 10 * 60_000 });
  console.log(`[herald] worker pass done: ${JSON.stringify(report.done)}${report.more ? " (more due)" : ""}`);
  process.exit(0);
}

const loop = startWorkerLoop(ctx, deps, env().HERALD_WORKER_INTERVAL_MS);
// wakeWorker() (a mirror push due between ticks) reaches this loop.
registerWorkerLoop(loop);
console.log(`[herald] worker running (${deps.mailer.name} transport)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void loop.stop().then(() => process.exit(0));
  });
}
