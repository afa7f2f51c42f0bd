// `npm run worker`: drains the outbox (and later other background work) in its
// own process. `--once` runs everything due and exits (for cron-style hosts).
// Several workers may run against one database: leases keep them apart.
import { setFlagsFromString } from "node:v8";

// A worker's live heap is small (~40 MB: the modules, a few batches) and it makes garbage fast (each email batch is
// ~1.5 MB of request body, each webhook a request). V8 lets the old generation grow to 4x what survived the last full
// collection before collecting again, which is where the worker's peak RSS went (364 MB, bench/fanout.ts); at 1.5x
// the peak is ~100 MB lower for a few more full collections (each ~30 ms). A heuristic, not a cap: a larger live heap
// still gets the room it needs. Set before the application's modules load, so start-up's garbage counts too.
setFlagsFromString("--heap-growing-percent=50");

const { emailStartupWarning } = await import("@/lib/email/from-env");
const { env } = await import("@/lib/env");
const { systemClock } = await import("@/lib/runtime");
const { startWorkerLoop } = await import("@/lib/worker/loop");
const { registerWorkerLoop } = await import("@/lib/worker/wake");
const { workDepsFromEnv } = await import("@/lib/worker/from-env");
const { runDueWork } = await import("@/lib/worker/run");
const { bootstrap } = await import("./bootstrap");

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
