// The real background worker (`npm run worker`) as a child process on a test database, for tests that kill it
// mid-drain and start it again.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { scriptArgs } from "./scripts";

const root = path.resolve(import.meta.dirname, "../..");

export interface SpawnedWorker {
  child: ChildProcess;
  /** Everything it printed so far. */
  output: () => string;
}

/** Starts the worker on the test database `db` with production defaults plus `env`. */
export function spawnWorker(db: { url: string; dir: string }, env: Record<string, string>): SpawnedWorker {
  let output = "";
  const child = spawn(process.execPath, scriptArgs("scripts/worker.ts"), {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: db.url, HERALD_DATA_DIR: db.dir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  return { child, output: () => output };
}

/** Sends `signal` and waits until the process has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}
