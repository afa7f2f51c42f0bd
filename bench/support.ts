// Shared by bench/hostile.ts and bench/soak.ts: the real server (scripts/start.ts,
// started the way tests/helpers/server.ts starts it, but keeping the child's pid
// for /proc readings), the load child (bench/load.ts), and result files.
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { V8_FLAGS } from "../scripts/v8-flags";
import { freePort } from "../tests/helpers/server";
import type { Job, JobResult } from "./load";

export const root = path.resolve(import.meta.dirname, "..");

export interface Herald {
  url: string;
  pid: number;
  /** Everything the server printed so far. */
  output: () => string;
  /** How the server ended, if it has (a crash under load is a finding, not a bench failure). */
  exit: () => { code: number | null; signal: string | null } | null;
  stop: () => Promise<void>;
}

export async function startHerald(opts: {
  dataDir: string;
  databaseUrl: string;
  env?: Record<string, string>;
}): Promise<Herald> {
  const port = await freePort();
  const child = spawn(process.execPath, [...V8_FLAGS, "--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: opts.databaseUrl,
      HERALD_DATA_DIR: opts.dataDir,
      HERALD_URL: `http://127.0.0.1:${port}`,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Herald did not start in 120 s:\n${output}`)), 120_000);
    child.stdout!.on("data", () => {
      if (output.includes("[herald] ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Herald exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  process.on("exit", () => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });
  let exit: { code: number | null; signal: string | null } | null = null;
  let stopping = false;
  child.once("exit", (code, signal) => {
    exit = { code, signal };
    if (!stopping)
      console.error(
        `[bench] Herald exited on its own (code ${code}, signal ${signal}); its last ` +
          `lines:\n${output.split("\n").slice(-30).join("\n")}`,
      );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => output,
    exit: () => exit,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Resident set size of a process in MB (VmRSS), or null once it has exited. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in seconds; NaN once it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The machine's 1-minute load average: other engineers share these cores, so every result carries it. */
export function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

/** Counts the snapshot renders the server logged in output[from, to). */
export function countRenders(
  output: string,
  from = 0,
  to = output.length,
): { stored: number; notStored: number; keys: Record<string, number> } {
  const keys: Record<string, number> = {};
  let stored = 0;
  let notStored = 0;
  for (const line of output.slice(from, to).split("\n")) {
    const m = /\[herald\] snapshot render (\S+)/.exec(line);
    if (!m) continue;
    if (line.includes("(not stored)")) notStored++;
    else stored++;
    // Group random keys so the table stays short: /incidents/<id> → /incidents/*.
    const k = m[1].replace(/^\/incidents\/[0-9a-z]+/, "/incidents/*").replace(/\?.*$/, "?…");
    keys[k] = (keys[k] ?? 0) + 1;
  }
  return { stored, notStored, keys };
}

/**
 * Runs a job in a separate load process (bench/load.ts), so the load generator
 * never shares an event loop with the server or with the bench's own fakes.
 * `stop()` asks an open-ended job to finish; `done` resolves with its result.
 */
const loadChildren = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of loadChildren) child.kill("SIGKILL");
});

export function runLoad<K extends Job["kind"]>(
  job: Extract<Job, { kind: K }>,
): { done: Promise<Extract<JobResult, { kind: K }>>; stop: () => void } {
  const child: ChildProcess = fork(path.join(root, "bench/load.ts"), [], {
    cwd: root,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  loadChildren.add(child);
  child.once("exit", () => loadChildren.delete(child));
  const done = new Promise<Extract<JobResult, { kind: K }>>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Extract<JobResult, { kind: K }>));
    child.once("exit", (code) => reject(new Error(`load process (${job.kind}) exited with ${code} before reporting`)));
  });
  child.send(job);
  return { done, stop: () => child.connected && child.send("stop") };
}

/** Command-line flag `--name value` as a number, or the default. */
export function numberFlag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return n;
}

export function writeResult(name: string, data: unknown): string {
  const dir = path.join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return path.relative(root, file);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
