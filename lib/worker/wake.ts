// The process's worker loop, if one runs here (lib/worker/in-process.ts, scripts/worker.ts). Kept on globalThis
// because Next's server bundle and the custom server (scripts/next-server.ts) load separate copies of this module;
// it imports nothing, so waking the worker never loads the worker.
import type { WorkerLoop } from "./loop";

const g = globalThis as typeof globalThis & { __heraldWorker?: WorkerLoop };

export function registerWorkerLoop(loop: WorkerLoop): void {
  g.__heraldWorker = loop;
}

/** Call after a commit that queued work (email, a mirror push): the worker starts at once. A no-op elsewhere. */
export function wakeWorker(): void {
  g.__heraldWorker?.wake();
}
