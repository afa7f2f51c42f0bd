/**
 * Spaces provider requests to a rate (requests per second) within one process
 * and holds every request back while the provider has asked us to wait (429).
 * Real time on purpose: it sleeps, so it cannot use the injected clock.
 */
export interface Pacer {
  wait(): Promise<void>;
  pause(ms: number): void;
}

export function createPacer(ratePerSecond: number): Pacer {
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return {
    async wait() {
      const now = performance.now();
      const at = Math.max(now, next);
      next = at + interval;
      if (at > now) await new Promise((r) => setTimeout(r, at - now));
    },
    pause(ms: number) {
      next = Math.max(next, performance.now() + ms);
    },
  };
}
