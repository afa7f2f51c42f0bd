// `npm run bench:hostile` (issue 10): the status page under hostile traffic.
// Clean traffic — `/` and `/api/v2/summary.json`, 50 connections — is measured
// alone (baseline); then with the hostile generators running against a decoy
// server (control: the generators' own CPU on the shared cores, nothing
// hostile reaching Herald); then while the same strangers send Herald what
// they control on public requests (forged session cookies, random incident
// ids, paths and query strings, odd Accept/Accept-Encoding/Range headers,
// oversized POSTs with Content-Length and chunked); then alone again.
// Reported: clean throughput under attack as a ratio of the baseline (target
// ≥ 0.8×) and of the control, p99 of clean
// requests, status codes of the hostile requests (a 5xx is a finding) and the
// snapshot renders the server did meanwhile (a public GET should never cost one).
//
// Flags: --seconds N per phase (default 20), --hostile-rate N hostile GETs per
// second in all (default 1000), --post-mb N oversized body size (default 64).
// Load runs in separate processes (bench/load.ts); the machine is shared, so
// ratios from the same run are what counts.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb } from "../db/client";
import { migrateDb } from "../db/migrate";
import { createIncident, postIncidentUpdate } from "../lib/incidents/incidents";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import type { CannonRun, CannonStats } from "./load";
import { freePort } from "../tests/helpers/server";
import { countRenders, cpuSeconds, loadAverage, numberFlag, root, runLoad, startHerald, writeResult } from "./support";

const SECONDS = numberFlag("seconds", 20);
const HOSTILE_RATE = numberFlag("hostile-rate", 1000);
const POST_MB = numberFlag("post-mb", 64);
const CLEAN_PATHS = ["/", "/api/v2/summary.json"];

const dir = mkdtempSync(path.join(tmpdir(), "herald-hostile-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
const databaseUrl = `file:${path.join(dir, "herald.db")}`;

// A page worth rendering: components in groups, 40 incidents with a timeline each.
{
  const { db, client } = openDb({ url: databaseUrl });
  await migrateDb(db);
  const seeded = await seedStatusPage(db);
  const ctx = cliCtx(db);
  const components = [seeded.website, seeded.api, seeded.dashboard, seeded.eu, seeded.us, seeded.ap];
  for (let i = 0; i < 40; i++) {
    const c = components[i % components.length];
    const { incident } = await createIncident(ctx, {
      name: `Elevated latency on ${c.name} (${i + 1})`,
      body: "We are investigating **slow responses**.",
      components: { [c.id]: "degraded_performance" },
    });
    await postIncidentUpdate(ctx, {
      incidentId: incident.id,
      status: "identified",
      body: "A saturated database replica was identified.",
    });
    if (i < 39)
      await postIncidentUpdate(ctx, {
        incidentId: incident.id,
        status: "resolved",
        body: "Latency is back to normal.",
      });
  }
  client.close();
}

const herald = await startHerald({ dataDir: dir, databaseUrl, env: { HERALD_WORKER: "off" } });
for (const p of [...CLEAN_PATHS, "/history", "/history.rss", "/this-page-does-not-exist"]) {
  const res = await fetch(`${herald.url}${p}`);
  await res.arrayBuffer();
  if (p !== "/this-page-does-not-exist" && res.status !== 200)
    throw new Error(`warm-up of ${p} answered ${res.status}`);
}

const cleanRuns: CannonRun[] = CLEAN_PATHS.map((p) => ({ name: p, paths: [p], scenario: "plain", connections: 25 }));
const perKind = Math.round(HOSTILE_RATE / 5);
const hostileRuns: CannonRun[] = [
  { name: "forged session cookie", paths: CLEAN_PATHS, scenario: "forged-cookie", connections: 10, rate: perKind },
  { name: "random incident/badge/og ids", paths: ["/"], scenario: "random-incident", connections: 8, rate: perKind },
  { name: "random paths", paths: ["/"], scenario: "random-path", connections: 8, rate: perKind },
  { name: "random query strings", paths: CLEAN_PATHS, scenario: "random-query", connections: 8, rate: perKind },
  { name: "odd Accept/Encoding/Range/…", paths: CLEAN_PATHS, scenario: "odd-headers", connections: 8, rate: perKind },
];

interface Phase {
  clean: Record<string, CannonStats>;
  renders: ReturnType<typeof countRenders>;
  serverCpuS: number;
  /** The machine's 1-minute load average at the end of the phase: how shared the 2 cores were. */
  loadAvg: number;
  /** CPU seconds of each load process in the phase. */
  generatorCpuS: Record<string, number>;
}

async function clean(): Promise<Phase> {
  const from = herald.output().length;
  const cpu0 = cpuSeconds(herald.pid);
  const r = await runLoad({ kind: "cannon", url: herald.url, seconds: SECONDS, runs: cleanRuns }).done;
  return {
    clean: r.runs,
    renders: countRenders(herald.output(), from),
    serverCpuS: cpuSeconds(herald.pid) - cpu0,
    loadAvg: loadAverage(),
    generatorCpuS: { clean: r.cpuS },
  };
}

// JIT and connection warm-up, not measured.
await runLoad({ kind: "cannon", url: herald.url, seconds: Math.min(5, SECONDS), runs: cleanRuns }).done;

/**
 * Clean traffic to Herald while the hostile generators run against `target`:
 * Herald itself (the attack) or the decoy (the control: same generators, same
 * CPU taken from the shared cores, but nothing hostile reaches Herald).
 */
async function alongside(target: string) {
  const from = herald.output().length;
  const cpu0 = cpuSeconds(herald.pid);
  const hostile = runLoad({ kind: "cannon", url: target, seconds: SECONDS + 4, runs: hostileRuns });
  const posts = runLoad({
    kind: "posts",
    url: target,
    path: "/subscriptions/new",
    bytes: POST_MB * 1024 * 1024,
    contentLength: 2,
    chunked: 2,
    pauseMs: 100,
  });
  await new Promise((r) => setTimeout(r, 2000));
  const cleanResult = await runLoad({ kind: "cannon", url: herald.url, seconds: SECONDS, runs: cleanRuns }).done;
  const hostileResult = await hostile.done;
  posts.stop();
  const postResult = await posts.done;
  const phase: Phase = {
    clean: cleanResult.runs,
    renders: countRenders(herald.output(), from),
    serverCpuS: cpuSeconds(herald.pid) - cpu0,
    loadAvg: loadAverage(),
    generatorCpuS: { clean: cleanResult.cpuS, "hostile GETs": hostileResult.cpuS, "oversized POSTs": postResult.cpuS },
  };
  return { phase, hostileResult, postResult };
}

console.log(`phase 1/4: clean traffic alone, ${SECONDS} s`);
const baseline = await clean();

console.log(`phase 2/4: control — clean traffic to Herald, hostile generators against a decoy server, ${SECONDS} s`);
const decoyPort = await freePort();
const decoy = spawn(process.execPath, ["--import", "tsx", "bench/decoy.ts", String(decoyPort)], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
process.on("exit", () => decoy.kill());
await new Promise((resolve) => decoy.stdout!.once("data", resolve));
const control = (await alongside(`http://127.0.0.1:${decoyPort}`)).phase;
decoy.kill();

console.log(`phase 3/4: the same clean traffic with the hostile traffic against Herald, ${SECONDS} s`);
const { phase: attack, hostileResult, postResult } = await alongside(herald.url);

console.log(`phase 4/4: clean traffic alone again, ${SECONDS} s`);
const after = await clean();
const serverErrors = herald
  .output()
  .split("\n")
  .filter((l) => /ERROR|request failed|Unhandled|EMFILE|heap/i.test(l));
await herald.stop();

// ------------------------------------------------------------------ report

const total = (p: Phase) => Object.values(p.clean).reduce((s, r) => s + r.rps, 0);
const ratio = total(attack) / total(baseline);
const fiveXx = (statuses: Record<string, number>) =>
  Object.entries(statuses).reduce((s, [code, n]) => s + (code.startsWith("5") ? n : 0), 0);
type Row = { requests: number; p99: number; statuses: Record<string, number>; errors: number | Record<string, number> };
const hostileRows: Array<[string, Row]> = [
  ...Object.entries(hostileResult.runs),
  ...Object.entries(postResult.modes).map(([mode, s]): [string, Row] => [`POST ${POST_MB} MB, ${mode}`, s]),
];
const hostile5xx = hostileRows.reduce((s, [, r]) => s + fiveXx(r.statuses), 0);
const clean5xx = [baseline, control, attack, after].reduce(
  (s, p) => s + Object.values(p.clean).reduce((t, r) => t + fiveXx(r.statuses) + r.errors, 0),
  0,
);

const pad = (v: string | number, n: number) => String(v).padStart(n);
const fmt = (n: number) => n.toFixed(0);
const ms = (r: { requests: number; p99: number }) => (r.requests ? r.p99.toFixed(0) : "-");
const codes = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ") || "-";
const errs = (e: number | Record<string, number>) => (typeof e === "number" ? String(e) : codes(e));
const lines: string[] = [];
lines.push(
  `\nHerald under hostile traffic: clean ${CLEAN_PATHS.join(" + ")} at 50 connections, ${SECONDS} s per phase; ` +
    `hostile GETs ≈${HOSTILE_RATE} req/s (42 connections) + 4 streams of ${POST_MB} MB POSTs`,
);
lines.push(
  "(shared 2-core machine: the generators compete with the server for CPU; ratios within this run are what counts)\n",
);
lines.push("clean surface            baseline req/s  attack req/s  ratio   p99 ms base→attack  after req/s");
for (const p of CLEAN_PATHS) {
  const b = baseline.clean[p];
  const a = attack.clean[p];
  lines.push(
    `${p.padEnd(24)} ${pad(fmt(b.rps), 14)}  ${pad(fmt(a.rps), 12)}  ${(a.rps / b.rps).toFixed(2)}×  ` +
      `${pad(ms(b), 8)} → ${pad(ms(a), 6)}     ${pad(fmt(after.clean[p].rps), 8)}`,
  );
}
lines.push(
  `${"both".padEnd(24)} ${pad(fmt(total(baseline)), 14)}  ${pad(fmt(total(attack)), 12)}  ${ratio.toFixed(2)}×  ` +
    `(target ≥ 0.80×: ${ratio >= 0.8 ? "met" : "NOT met"})  ${pad(fmt(total(after)), 8)}`,
);
lines.push(
  `under attack / control (same generators, hostile traffic sent to a decoy): ` +
    `${(total(attack) / total(control)).toFixed(2)}× (control ${fmt(total(control))} req/s, p99 ` +
    `${Object.values(control.clean).map(ms).join("/")} ms)`,
);
lines.push(
  `under attack / clean run after it: ${(total(attack) / total(after)).toFixed(2)}× (how far the two clean-alone ` +
    `phases differ shows the machine's noise)`,
);
lines.push(`clean non-200s or errors in all phases: ${clean5xx}`);
lines.push("\nhostile kind                        requests   req/s   p99 ms  statuses / errors");
for (const [name, r] of hostileRows)
  lines.push(
    `${name.padEnd(34)} ${pad(r.requests, 9)}  ${pad(fmt(r.requests / (SECONDS + 4)), 6)}  ${pad(ms(r), 7)}  ` +
      `${codes(r.statuses)}${errs(r.errors) !== "0" && errs(r.errors) !== "-" ? `  errors: ${errs(r.errors)}` : ""}`,
  );
lines.push(`hostile 5xx: ${hostile5xx}${hostile5xx ? "  ← FINDING" : ""}`);
lines.push(
  `\nsnapshot renders: baseline ${baseline.renders.stored + baseline.renders.notStored}, control ` +
    `${control.renders.stored + control.renders.notStored}, during the attack ${attack.renders.stored} stored + ` +
    `${attack.renders.notStored} not stored, after ${after.renders.stored + after.renders.notStored}`,
);
if (attack.renders.stored + attack.renders.notStored)
  lines.push(`  during the attack, by key: ${codes(attack.renders.keys)}`);
const cpuOf = (p: Phase) =>
  Object.entries(p.generatorCpuS)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(", ");
lines.push(
  `server CPU: baseline ${baseline.serverCpuS.toFixed(1)} s, control ${control.serverCpuS.toFixed(1)} s, attack ` +
    `${attack.serverCpuS.toFixed(1)} s (of ${SECONDS + 4} s wall), after ${after.serverCpuS.toFixed(1)} s`,
);
lines.push(
  `load processes' CPU (s): baseline ${cpuOf(baseline)}; control ${cpuOf(control)}; attack ${cpuOf(attack)}; after ` +
    `${cpuOf(after)}`,
);
lines.push(
  `machine load average (2 cores): ${[baseline, control, attack, after].map((p) => p.loadAvg).join(" / ")} at the ` +
    `end of each phase`,
);
if (serverErrors.length)
  lines.push(`server log lines that look like errors: ${serverErrors.length}, first: ${serverErrors[0].slice(0, 200)}`);
console.log(lines.join("\n"));

const file = writeResult("hostile", {
  at: new Date().toISOString(),
  settings: { seconds: SECONDS, hostileRate: HOSTILE_RATE, postMb: POST_MB, cleanConnections: 50 },
  ratio,
  ratioToControl: total(attack) / total(control),
  baseline,
  control,
  attack: { ...attack, hostile: Object.fromEntries(hostileRows) },
  after,
  hostile5xx,
  serverErrorLines: serverErrors.slice(0, 50),
});
console.log(`\nJSON: ${file}`);
process.exit(0);
