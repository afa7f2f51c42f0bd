/**
 * At most `perHost` requests in flight to one host from this process (all
 * lanes share it), so thousands of targets on one host (hooks.slack.com, a
 * customer's receiver) are paced rather than flooded.
 */
export interface HostLimiter {
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
  readonly perHost: number;
}

export function createHostLimiter(perHost: number): HostLimiter {
  const hosts = new Map<string, { active: number; waiting: (() => void)[] }>();
  return {
    perHost,
    async run(host, task) {
      let h = hosts.get(host);
      if (!h) hosts.set(host, (h = { active: 0, waiting: [] }));
      const slot = h;
      if (slot.active >= perHost) await new Promise<void>((resolve) => slot.waiting.push(resolve));
      else slot.active++;
      try {
        return await task();
      } finally {
        const next = slot.waiting.shift();
        // The slot passes straight to the next waiter; otherwise it is freed.
        if (next) next();
        else if (--slot.active === 0) hosts.delete(host);
      }
    },
  };
}
