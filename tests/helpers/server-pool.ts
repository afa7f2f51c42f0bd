// Servers started ahead of the Playwright spec files that take them (e2e/global-setup.ts, e2e/fixtures.ts).
// Each spec file runs in a worker of its own with its own server and database; starting that server took 3.5 s
// quiet and 10-15 s under load at the start of every file. The runner keeps `ready` servers started, each on a
// fresh data directory, while earlier files run; a worker takes one by renaming its file (atomic: one taker).
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb } from "../../db/client";
import { type RunningServer, startServer } from "./server";

const POOL_DIR = "HERALD_SERVER_POOL_DIR";
const READY = ".ready.json";
const TAKEN = ".taken.json";
const OWN = "own-";

type Pooled = Omit<RunningServer, "db" | "output" | "stop"> & { logFile: string };

/**
 * In the Playwright runner: keeps `ready` servers started until `total` have been (one per spec file at most).
 * Workers find the pool through the environment they inherit. Returns the teardown.
 */
export function startServerPool({ ready, total }: { ready: number; total: number }): () => Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-pool-"));
  process.env[POOL_DIR] = dir;
  const servers: RunningServer[] = [];
  const starting = new Set<Promise<void>>();
  let started = 0;
  let stopped = false;
  const waiting = () => readdirSync(dir).filter((f) => f.endsWith(READY)).length;
  // Nothing is started before a first file has its server: at the start the workers start their own.
  const running = () => readdirSync(dir).some((f) => f.endsWith(TAKEN) || f.startsWith(OWN));
  const fill = () => {
    while (!stopped && started < total && waiting() + starting.size < ready && running()) {
      const id = String(++started).padStart(3, "0");
      const dataDir = mkdtempSync(path.join(tmpdir(), "herald-srv-"));
      const logFile = path.join(dir, `${id}.log`);
      const start: Promise<void> = startServer({ dataDir, logFile })
        .then((server) => {
          servers.push(server);
          const { url, port, pid, databaseUrl } = server;
          const pooled: Pooled = { url, port, pid, dataDir, databaseUrl, logFile };
          writeFileSync(path.join(dir, `${id}.tmp`), JSON.stringify(pooled));
          renameSync(path.join(dir, `${id}.tmp`), path.join(dir, `${id}${READY}`));
        })
        .catch((err) => {
          // The worker that finds no server ready starts its own: a failed start here costs only time.
          console.error(`[server pool] a server did not start: ${err}`);
          rmSync(dataDir, { recursive: true, force: true });
        })
        .finally(() => starting.delete(start));
      starting.add(start);
    }
  };
  fill();
  const timer = setInterval(fill, 200);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.all(starting);
    // Taken servers were stopped by their worker (a worker that crashed left its server: stopped here too).
    await Promise.all(servers.map((s) => s.stop()));
    for (const s of servers) rmSync(s.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** In a worker: a started server of the pool, now this worker's alone, or null when none is ready. */
export function takePooledServer(): RunningServer | null {
  const dir = process.env[POOL_DIR];
  if (!dir || !existsSync(dir)) return null;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(READY))
    .sort()) {
    const taken = path.join(dir, file.replace(READY, TAKEN));
    try {
      renameSync(path.join(dir, file), taken);
    } catch {
      continue; // another worker took it first
    }
    const pooled: Pooled = JSON.parse(readFileSync(taken, "utf8"));
    if (!alive(pooled.pid)) continue;
    const { db, client } = openDb({ url: pooled.databaseUrl });
    const { logFile, ...server } = pooled;
    return {
      ...server,
      db,
      output: () => readFileSync(logFile, "utf8"),
      stop: async () => {
        client.close();
        if (alive(pooled.pid)) process.kill(pooled.pid, "SIGTERM");
        while (alive(pooled.pid)) await new Promise((r) => setTimeout(r, 50));
        rmSync(pooled.dataDir, { recursive: true, force: true });
      },
    };
  }
  return null;
}

/** In a worker that found none ready: its own server is up, so the pool may start the next files' servers. */
export function startedOwnServer(): void {
  const dir = process.env[POOL_DIR];
  if (dir && existsSync(dir)) writeFileSync(path.join(dir, `${OWN}${process.pid}`), "");
}
