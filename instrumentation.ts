// Next calls register() once per server process. The background worker runs
// here under `npm start`; never during `next build` (which also loads this
// file) and only in the Node.js runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { startInProcessWorker } = await import("./lib/worker/in-process");
  startInProcessWorker();
}
