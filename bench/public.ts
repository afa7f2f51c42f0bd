// `npm run bench`: the public site under load (issue 3). Seeds a large page
// (50 components, 10 years: 10k incidents, 100k updates), starts Herald, loads
// `/`, an incident page, `/api/v2/summary.json`, `/history.rss` and `/badge.svg`
// with wrk (one thread, 50 connections, a core of its own) for 10 s each, and serves the same bytes
// and headers from a bare node:http server in the same run (sent the same requests as Herald before the
// load; an untouched one is measured beside it, see startBare), BENCH_ROUNDS times
// (alternating the order), each after a full garbage collection and 2 s of load
// that is not counted (bench/full-gc-on-signal.ts). Figures are ratios to that baseline, per round,
// with the servers' CPU time per request, the generator's CPU (a generator near a
// full core is the bottleneck, and the ratio means nothing) and the load average,
// because the machine is shared and noisy. Then publishes, through Herald's API
// (a write inside Herald's application process) and from another process (the
// CLI): how long a stranger's first request to `/` takes and whether it is the
// new page, when strangers see it, and the publisher's own next page. The first
// publish comes after the rounds, in which the application process rendered
// nothing but its keep-warm rounds: the cold case, as on a quiet day.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { openDb } from "../db/client";
import { createApiKey } from "../lib/api-keys/api-keys";
import { CLI_ACTOR } from "../lib/context";
import { createIncident } from "../lib/incidents/incidents";
import { getPage } from "../lib/page/page";
import { V8_FLAGS } from "../scripts/v8-flags";
import { freePort } from "../tests/helpers/server";
import { seedTenYears } from "./seed";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** The uncounted load before each measurement, after the full collection. */
const WARM_S = 2;
const CONNECTIONS = 50;
const ACCEPT = { "accept-encoding": "gzip, deflate, br" };
const root = path.resolve(import.meta.dirname, "..");

const dir = mkdtempSync(path.join(tmpdir(), "herald-bench-"));
const children: ChildProcess[] = [];
const outputs = new Map<ChildProcess, () => string>();
/** Stops the servers (Herald takes its application process along) and removes the data once they are gone. */
async function shutdown(): Promise<void> {
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        return exited;
      }),
  );
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
// A run that fails midway: no waiting is possible here, so the data may stay behind in the temporary directory.
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
});

function spawnUntilReady(args: string[], env: NodeJS.ProcessEnv, marker: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  outputs.set(child, () => out);
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes(marker)) resolve(child);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

/** `from`: the local address; 127.0.0.2 is a reader other than the publisher (127.0.0.1). */
function get(url: string, headers: Record<string, string> = {}, from?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers, localAddress: from, agent: from ? false : undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

// wrk (Debian's C load generator, one thread): autocannon runs in Node on the same two cores and saturates before
// either server does, which hides the difference between them (every ratio reads ~1.0×).
if (spawnSync("wrk", ["--version"]).error) {
  console.error("bench/public.ts drives the load with wrk: install it first (Debian/Ubuntu: apt-get install -y wrk).");
  process.exit(1);
}

// With two cores or more, wrk gets core 1 and each server (every thread of its process) core 0. Left to the scheduler,
// they land on each other's core from one run to the next, and a server's helper threads (garbage collection,
// compression) take the generator's core in one round and not the next: that, not the servers, made most of the
// round-to-round spread (0.51-1.12 for the same build).
const PINNED = os.availableParallelism() >= 2 && !spawnSync("taskset", ["-V"]).error;
const pinToServerCore = (pid: number) => PINNED && spawnSync("taskset", ["-a", "-p", "-c", "0", String(pid)]);
const WRK = PINNED ? "taskset -c 1 wrk" : "wrk";

function wrkMs(out: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(out);
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1);
}

/** CPU seconds (user + system) a process has used so far. */
const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Node flags for every measured server: see bench/full-gc-on-signal.ts. Herald's V8 flags (npm start's) too, given
 * to the bare servers as well: the comparison is of request paths, not of heap settings.
 */
const MEASURED = [...V8_FLAGS, "--expose-gc", "--import", "tsx", "--import", "./bench/full-gc-on-signal.ts"];

/**
 * Load on `url` and the server's CPU time per answered request (less noisy than req/s on a shared machine), after a
 * full garbage collection and a short load that is not counted (bench/full-gc-on-signal.ts).
 */
async function measure(url: string, pid: number) {
  process.kill(pid, "SIGUSR2");
  await new Promise((r) => setTimeout(r, 300));
  await load(url, WARM_S);
  const cpu0 = cpuSeconds(pid);
  const r = await load(url);
  return { ...r, cpuUsPerRequest: ((cpuSeconds(pid) - cpu0) * 1e6) / r.requests };
}

/** `times` of the shell that ran wrk: the CPU seconds (user + system) its child, wrk, used. */
function childCpuSeconds(timesOutput: string): number {
  const lines = timesOutput.trim().split("\n");
  const [user, sys] = [...(lines[lines.length - 1] ?? "").matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  return (user ?? Number.NaN) + (sys ?? Number.NaN);
}

async function load(url: string, seconds = DURATION_S) {
  const header = Object.entries(ACCEPT).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", ...header, url];
  const { out, times } = await new Promise<{ out: string; times: string }>((resolve, reject) => {
    // Through bash for its `times` builtin: the generator's own CPU time, read after it exits.
    const child = spawn("bash", ["-c", `${WRK} "$@"; rc=$?; times >&2; exit $rc`, "wrk", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    let err = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) =>
      code === 0 ? resolve({ out: text, times: err }) : reject(new Error(`wrk exited ${code}: ${err}`)),
    );
  });
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  // Timeouts (wrk's are 2 s) are the shared machine stalling, not errors; anything else is.
  const [connect, read, write] = (/Socket errors: connect (\d+), read (\d+), write (\d+)/.exec(out) ?? [])
    .slice(1)
    .map(Number);
  if (non2xx || connect || read || write)
    throw new Error(`${url}: ${non2xx} non-2xx, socket errors: ${/Socket errors: (.*)/.exec(out)?.[1]}`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    requests: Number(/(\d+) requests in/.exec(out)![1]),
    p50: wrkMs(out, "50%"),
    p99: wrkMs(out, "99%"),
    /** Share of one core the generator used. */
    generatorCpu: childCpuSeconds(times) / seconds,
  };
}

const dbUrl = `file:${path.join(dir, "herald.db")}`;
const { openIncidentId, pastIncidentId } = await seedTenYears(dbUrl);
const port = await freePort();
const herald = await spawnUntilReady(
  [...MEASURED, "scripts/start.ts"],
  {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: dbUrl,
    HERALD_DATA_DIR: dir,
    HERALD_WORKER: "off",
  },
  "[herald] ready",
);
const base = `http://127.0.0.1:${port}`;
const paths: Record<string, string> = {
  "/": "/",
  incident: `/incidents/${pastIncidentId}`,
  summary: "/api/v2/summary.json",
  rss: "/history.rss",
  badge: "/badge.svg",
};

const firstRender = performance.now();
const home = await get(`${base}/`, ACCEPT);
const firstRenderMs = performance.now() - firstRender;
const gzipHome = await get(`${base}/`, { "accept-encoding": "gzip" });
const warm: Record<string, Awaited<ReturnType<typeof get>>> = {};
for (const p of Object.values(paths)) {
  warm[p] = await get(`${base}${p}`, ACCEPT);
  if (warm[p].status !== 200) throw new Error(`the first GET of ${p} failed: ${warm[p].status}`);
}

// Herald renders its fixed public paths when it sees a version, then warms up (HERALD_WARMUP_ROUNDS: renders of them
// that are not stored): let both finish before measuring.
const warmUpLine = () => /\[herald\] (warmed up: .*|warm-up ended .*)/.exec(outputs.get(herald)!())?.[1];
while (!warmUpLine()) await new Promise((r) => setTimeout(r, 500));
const renderLines = () =>
  outputs.get(herald)!()
    .split("\n")
    .filter((l) => l.includes("snapshot render")).length;
for (let seen = -1; seen !== renderLines(); ) {
  seen = renderLines();
  await new Promise((r) => setTimeout(r, 2000));
}
/**
 * From here to the first publish, the application process renders nothing but its keep-warm rounds (unstored, once a
 * minute without a render: HERALD_KEEP_WARM_SECONDS); the edge answers from the snapshots.
 */
const appQuietSince = performance.now();

// The bare baseline serves exactly Herald's bytes and headers, Content-Length included (Node adds Date and Connection;
// without the length it would send the body chunked).
const pick = (r: typeof home) => {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers))
    if (v !== undefined && !["date", "connection", "keep-alive", "transfer-encoding"].includes(k))
      headers[k] = String(v);
  return { headers, body: r.body.toString("base64") };
};
const bytesFile = path.join(dir, "bare.json");
writeFileSync(bytesFile, JSON.stringify(Object.fromEntries(Object.entries(warm).map(([p, r]) => [p, pick(r)]))));
async function startBare() {
  const port = await freePort();
  const server = await spawnUntilReady(
    [...MEASURED, "bench/public-bare.ts", bytesFile, String(port)],
    process.env,
    "ready",
  );
  return { server, url: `http://127.0.0.1:${port}` };
}
// Two baselines. The bare server is sent the same requests as Herald before the rounds (the GETs above, same
// headers); the untouched one has answered nothing but wrk. V8 specialises a process's HTTP code to the only request
// it has seen: in 2026-12 measurements, 7 ordinary GETs (or 20 requests made as a client) before the load raised a bare
// server's CPU per request by ~15 % (26.5-28.5 → 31-34 µs), for good. Every real server has seen more than one kind of
// request, so the untouched server's figure is out of any server's reach; it is reported beside the first.
const bare = await startBare();
const untouched = await startBare();
await get(`${bare.url}/`, ACCEPT);
await get(`${bare.url}/`, { "accept-encoding": "gzip" });
for (const p of Object.values(paths)) await get(`${bare.url}${p}`, ACCEPT);

// Rounds alternate which server goes first; a surface's figure is the median of its rounds' ratios.
type Measured = Awaited<ReturnType<typeof measure>>;
type Round = Record<"herald" | "bare" | "untouched", Measured>;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const loadAvg = [os.loadavg()[0]];
const rounds: Record<string, Round[]> = {};
for (const pid of [herald.pid!, bare.server.pid!, untouched.server.pid!]) pinToServerCore(pid);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, p] of Object.entries(paths)) {
    const all = [
      ["bare", () => measure(`${bare.url}${p}`, bare.server.pid!)],
      ["herald", () => measure(`${base}${p}`, herald.pid!)],
      ["untouched", () => measure(`${untouched.url}${p}`, untouched.server.pid!)],
    ] as const;
    const measured: Partial<Round> = {};
    for (const [who, run] of round % 2 ? [...all].reverse() : all) measured[who] = await run();
    (rounds[name] ??= []).push(measured as Round);
  }
  loadAvg.push(os.loadavg()[0]);
}
// The publishes below run as Herald does in production: on every core.
if (PINNED) spawnSync("taskset", ["-a", "-p", "-c", `0-${os.availableParallelism() - 1}`, String(herald.pid)]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Publish → fresh page. A reader other than the publisher (127.0.0.2) asks for / right after the publish; the
// publisher (127.0.0.1, whose write went through the server) reads its own write.
const { db, client } = openDb({ url: dbUrl });
const ctx = { db, now: () => new Date(), actor: CLI_ACTOR };
const { key } = await createApiKey(ctx, { name: "Benchmark", role: "admin" });
const pageId = (await getPage(db)).id;
const STRANGER = "127.0.0.2";
async function timed(from?: string) {
  const t = performance.now();
  const r = await get(`${base}/`, ACCEPT, from);
  return { ms: performance.now() - t, state: String(r.headers["x-herald-snapshot"]), body: r.body };
}
const decoded = (b: Buffer) => brotliDecompressSync(b).toString();
/** `write` resolves once the publish is committed (the API has answered, or the CLI's transaction is done). */
async function publish(name: string, write: () => Promise<unknown>, publisherReads: boolean) {
  const t = performance.now();
  await write();
  const writeMs = performance.now() - t;
  const t0 = performance.now(); // from the commit
  const [stranger, publisher] = await Promise.all([timed(STRANGER), publisherReads ? timed() : undefined]);
  // Until a stranger sees it: every answer meanwhile is timed, the slowest is what a reader waited at worst.
  let slowestMs = stranger.ms;
  const strangerFirstFresh = decoded(stranger.body).includes(name);
  let freshMs = strangerFirstFresh ? performance.now() - t0 : null;
  while (freshMs === null) {
    await new Promise((r) => setTimeout(r, 5));
    const r = await timed(STRANGER);
    slowestMs = Math.max(slowestMs, r.ms);
    if (decoded(r.body).includes(name)) freshMs = performance.now() - t0;
  }
  return {
    writeMs,
    strangerFirstMs: stranger.ms,
    strangerFirstState: stranger.state,
    strangerFirstFresh,
    slowestReaderMs: slowestMs,
    freshForStrangersMs: freshMs,
    ...(publisher && { publisherMs: publisher.ms, publisherSawIt: decoded(publisher.body).includes(name) }),
  };
}
async function publishThroughApi(name: string) {
  const res = await fetch(`${base}/api/v1/pages/${pageId}/incidents`, {
    method: "POST",
    headers: { authorization: `OAuth ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ incident: { name, status: "investigating", body: "Benchmark publish" } }),
  });
  if (res.status !== 201) throw new Error(`publish through the API: ${res.status} ${await res.text()}`);
}
const publishes: Record<string, Awaited<ReturnType<typeof publish>>[]> = { server: [], cli: [] };
const appQuietMs = performance.now() - appQuietSince;
for (let i = 0; i < 3; i++) {
  // Through Herald's API: the write commits in the application process, which tells the edge at once.
  publishes.server.push(
    await publish(`Publish through the API ${i}`, () => publishThroughApi(`Publish through the API ${i}`), true),
  );
  await new Promise((r) => setTimeout(r, 3000)); // the rest of the changed surfaces render
  // From another process (the CLI): seen by watching the database file (db/watch.ts), the poll behind it.
  publishes.cli.push(
    await publish(
      `Publish from the CLI ${i}`,
      () => createIncident(ctx, { name: `Publish from the CLI ${i}`, body: "Benchmark publish" }),
      false,
    ),
  );
  await new Promise((r) => setTimeout(r, 3000));
}
client.close();

const rss = peakRssMb(herald.pid!);
const fmt = (n: number) => n.toFixed(0).padStart(7);
const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
console.log(
  `\nHerald public site, ${CONNECTIONS} connections × ${DURATION_S} s, Accept-Encoding: br, load from ` +
    `wrk (1 thread${PINNED ? " on core 1, the servers on core 0" : ""}) (figures vary on a shared machine; ratios ` +
    "are what counts)",
);
console.log(`load average (1 min) before and after each round: ${loadAvg.map((l) => l.toFixed(1)).join(", ")}`);
console.log(
  "page        herald req/s   bare req/s   ratio (rounds)            CPU/request herald / bare   p99 ms" +
    "   wrk CPU herald / bare   untouched bare: req/s, ratio (rounds)",
);
const results: Record<string, { ratio: number; cpuRatio: number; untouchedRatio: number }> = {};
for (const [name, rs] of Object.entries(rounds)) {
  const ratios = rs.map((r) => r.herald.rps / r.bare.rps);
  const cpu = rs.map((r) => r.herald.cpuUsPerRequest / r.bare.cpuUsPerRequest);
  const untouchedRatios = rs.map((r) => r.herald.rps / r.untouched.rps);
  results[name] = { ratio: median(ratios), cpuRatio: median(cpu), untouchedRatio: median(untouchedRatios) };
  console.log(
    `${name.padEnd(10)} ${fmt(median(rs.map((r) => r.herald.rps)))}      ` +
      `${fmt(median(rs.map((r) => r.bare.rps)))}    ` +
      `${median(ratios).toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(" ")})`.padEnd(26) +
      `${median(cpu).toFixed(2)}× (${fmt(median(rs.map((r) => r.herald.cpuUsPerRequest)))} / ` +
      `${fmt(median(rs.map((r) => r.bare.cpuUsPerRequest))).trim()} µs)  ${fmt(median(rs.map((r) => r.herald.p99)))}` +
      `   ${pct(median(rs.map((r) => r.herald.generatorCpu)))} / ${pct(median(rs.map((r) => r.bare.generatorCpu)))}` +
      `               ${fmt(median(rs.map((r) => r.untouched.rps)))}, ${median(untouchedRatios).toFixed(2)}× ` +
      `(${untouchedRatios.map((x) => x.toFixed(2)).join(" ")})`,
  );
}
console.log(
  `\n/ size: ${(gzipHome.body.length / 1024).toFixed(1)} KB gzip, ${(home.body.length / 1024).toFixed(1)} KB brotli ` +
    `(HTML with inlined CSS, no scripts)`,
);
console.log(`first render of / (cold, 10k incidents): ${firstRenderMs.toFixed(0)} ms; then ${warmUpLine()}`);
console.log(
  `publishes: the first follows ${(appQuietMs / 1000).toFixed(0)} s in which the application process rendered ` +
    "nothing but its keep-warm rounds (the rounds above), as a publish on a quiet day would; the others come 3 s " +
    "after the one before",
);
for (const [how, list] of Object.entries(publishes))
  for (const p of list)
    console.log(
      `publish (${how === "server" ? "through the API" : "from the CLI, seen on the database file"}, committed in ` +
        `${p.writeMs.toFixed(0)} ms): a stranger's first / after it in ${p.strangerFirstMs.toFixed(0)} ms ` +
        `(${p.strangerFirstState}, ${p.strangerFirstFresh ? "the new page" : "the previous page"}), ` +
        `slowest answer meanwhile ${p.slowestReaderMs.toFixed(0)} ms, fresh for strangers after ` +
        `${p.freshForStrangersMs.toFixed(0)} ms` +
        (p.publisherMs === undefined
          ? ""
          : `; the publisher's own next / in ${p.publisherMs.toFixed(0)} ms (${p.publisherSawIt ? "" : "NOT "}fresh)`),
    );
console.log(`Herald peak RSS: ${rss} MB`);
console.log(
  `\nHerald's renders:\n${outputs.get(herald)!()
    .split("\n")
    .filter((l) => l.includes("snapshot render"))
    .join("\n")}`,
);
console.log(
  "\nJSON " +
    JSON.stringify({
      results,
      gzipBytes: gzipHome.body.length,
      brBytes: home.body.length,
      firstRenderMs,
      warmUp: warmUpLine(),
      rounds,
      loadAvg,
      publishes,
      appQuietMs,
      peakRssMb: rss,
      openIncidentId,
    }),
);
await shutdown();
process.exit(0);
