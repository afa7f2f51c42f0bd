// Waiting for something another process does at a time of its own (the public edge seeing a write made beside it, a
// debounced save): poll the condition itself with a deadline. A fixed sleep long enough for a quiet machine fails on a
// loaded CI one, and one long enough for that makes every run slow. Plain TypeScript, for vitest and Playwright alike.
import { getContentVersion } from "../../lib/page/page";
import { fixedPaths } from "../../lib/snapshots/routes";
import type { RunningServer } from "./server";

/**
 * Runs `check` until it returns without throwing (an `expect` that passes), at most `timeoutMs`; returns what it
 * returned. Past the deadline, fails with `what` and the check's last error.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs `read` until it gives a value (not undefined), at most `timeoutMs`, and returns it; fails past the deadline. */
export function until<T>(
  what: string,
  read: () => T | undefined | Promise<T | undefined>,
  opts?: { timeoutMs?: number; intervalMs?: number },
): Promise<T> {
  return eventually(
    what,
    async () => {
      const value = await read();
      if (value === undefined) throw new Error("not yet");
      return value;
    },
    opts,
  );
}

/**
 * Waits until the server's public edge answers each of `paths` (a query and `?token=` allowed) with a snapshot
 * rendered at the database's current content version (its x-herald-version header), and returns that version. For
 * writes made beside the server (the test's own database client, the CLI): the edge sees them through its file
 * watcher or its version poll, and until a path's new render is done it serves the previous snapshot. A path that
 * redirects or refuses (no snapshot) counts as not yet current.
 */
export async function untilEdgeCurrent(
  server: Pick<RunningServer, "url" | "db">,
  // By default the fixed public paths: what the edge renders as soon as it sees a new content version.
  paths: readonly string[] = fixedPaths(),
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): Promise<number> {
  const version = await getContentVersion(server.db);
  const behind = new Map(paths.map((p) => [p, "not asked yet"]));
  await eventually(
    `the public edge to serve ${paths.length === 1 ? paths[0] : `${paths.length} paths`} at content version ${version}`,
    async () => {
      for (const p of [...behind.keys()]) {
        const res = await fetch(`${server.url}${p}`, { redirect: "manual" });
        await res.arrayBuffer();
        const served = res.headers.get("x-herald-version");
        const state = res.headers.get("x-herald-snapshot") ?? "(not a snapshot)";
        if (served !== null && Number(served) >= version) behind.delete(p);
        else behind.set(p, `${res.status} ${state} v${served ?? "-"}`);
      }
      if (behind.size)
        throw new Error(`still behind: ${[...behind].map(([p, answer]) => `${p} (${answer})`).join(", ")}`);
    },
    { timeoutMs },
  );
  return version;
}
