import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb, type Db } from "../../db/client";
import { V8_FLAGS } from "../../scripts/v8-flags";
import { scriptArgs } from "./scripts";

export interface RunningServer {
  url: string;
  port: number;
  /** The process of `scripts/start.ts` (a pooled server is stopped by it: e2e/server-pool.ts). */
  pid: number;
  dataDir: string;
  databaseUrl: string;
  /** A client on the same SQLite file, for arranging data and asserting on it. */
  db: Db;
  /** Everything the server printed, for assertions such as "no secret in the logs". */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * A port free when this answers. Whoever binds it later may find it taken by then (another process asked the system
 * for a free port meanwhile): startServer starts again on another one.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

type ServerOptions = { env?: Record<string, string>; dataDir?: string; viaTsx?: boolean; logFile?: string };

/** The server exited before it was ready because its port was taken between freePort and its listen. */
class PortTaken extends Error {}
const PORT_ATTEMPTS = 3;

/**
 * Starts the real Herald server (`scripts/start.ts`, what `npm start` runs) on
 * a free port with a fresh data directory and SQLite file. The Next build must
 * already exist (tests/global-setup.ts builds it once per run, and bundles the
 * script: `viaTsx` runs it through tsx exactly as `npm start` does).
 */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "herald-srv-"));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), dataDir, opts);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === PORT_ATTEMPTS) throw err;
    }
  }
}

async function startOn(port: number, dataDir: string, opts: ServerOptions): Promise<RunningServer> {
  const databaseUrl = `file:${path.join(dataDir, "herald.db")}`;
  const child: ChildProcess = spawn(process.execPath, [...V8_FLAGS, ...scriptArgs("scripts/start.ts", opts)], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      HERALD_DATA_DIR: dataDir,
      HERALD_URL: `http://127.0.0.1:${port}`,
      // Tests fire requests back to back from one address; tests of the limit pass their own.
      HERALD_EDGE_RATE_PER_SEC: "1000",
      HERALD_EDGE_BURST: "1000",
      // Most test files start servers of their own: the warm-up renders (tests/edge/warm-up.test.ts) would only
      // add CPU to every start.
      HERALD_WARMUP_ROUNDS: "0",
      HERALD_KEEP_WARM_SECONDS: "0",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // `logFile`: a copy of the output for another process (the worker that takes a pooled server).
  const keep = (d: Buffer) => {
    output += d;
    if (opts.logFile) appendFileSync(opts.logFile, d);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await new Promise<void>((resolve, reject) => {
    // A server that never gets ready is killed, not left running after the test file.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in time:\n${output}`));
    }, 60_000);
    const check = () => {
      if (output.includes("[herald] ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const taken = output.includes(`EADDRINUSE: address already in use 127.0.0.1:${port}`);
      reject(new (taken ? PortTaken : Error)(`server exited with ${code}:\n${output}`));
    });
  });
  const { db, client } = openDb({ url: databaseUrl });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    dataDir,
    databaseUrl,
    db,
    output: () => output,
    stop: async () => {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
