import type { PublicCtx } from "../context";
import { runDueWork, type WorkDeps } from "./run";

export interface WorkerLoop {
  /** Run now instead of at the next tick (after a publish). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Calls runDueWork every `intervalMs`, or at once when woken. One pass at a
 * time; a failing pass is logged and retried on the next tick. Used by the
 * in-process worker (instrumentation.ts) and `npm run worker`.
 */
export function startWorkerLoop(
  ctx: PublicCtx,
  deps: WorkDeps,
  intervalMs: number,
  log: (msg: string, err?: unknown) => void = console.error,
): WorkerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
  };
  const tick = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        const report = await runDueWork(ctx, deps, { budgetMs: 30_000 });
        if (report.more) again = true;
      } catch (err) {
        log("[herald] background work failed", err);
      } finally {
        running = undefined;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(intervalMs);
      }
    })();
  };
  schedule(0);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
