// `npm run bench:soak` (issue 10): Herald under mixed load for 30 minutes
// (`--minutes N` for a shorter run):
//  - public surfaces at 50 connections (a fifth of them with forged session
//    cookies), paced at --rate requests/s in all (default 1000);
//  - a publish with notify every 15 s to 5,000 subscribers, delivered by the
//    in-process worker to the fake Resend, which answers some batches with
//    429, 500, a reply slower than the client's timeout, or a dropped
//    connection (before or after accepting);
//  - a signed-in console user opening console pages;
//  - v1 writes (component statuses), one API key per writer, paced under the
//    per-key limit.
// Reported: 5xx count (must be 0), p99 per surface, the server's RSS at start,
// after warm-up (a fifth of the run), middle and end (growth after warm-up
// ≤ 10 %), and that every subscriber got each email exactly once: after a
// drain, each (notification, recipient) was accepted by the provider once and
// every delivery row is sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { openDb } from "../db/client";
import { migrateDb } from "../db/migrate";
import { createApiKey } from "../lib/api-keys/api-keys";
import { getPage } from "../lib/page/page";
import { issueToken } from "../lib/subscribers/tokens";
import { setupOwner } from "../lib/users/users";
import { startFakeResend, type Misbehaviour } from "../tests/helpers/fake-resend";
import { cliCtx, seedStatusPage } from "../tests/public/seed";
import type { CannonRun, SurfaceStats } from "./load";
import { cpuSeconds, loadAverage, numberFlag, rssMb, runLoad, sleep, startHerald, writeResult } from "./support";

const MINUTES = numberFlag("minutes", 30);
const RATE = numberFlag("rate", 1000);
const SUBSCRIBERS = numberFlag("subscribers", 5000);
const PUBLISH_EVERY_S = 15;
const DRAIN_MAX_S = 600;
const SECRET = "soak-secret-soak-secret-soak-secret-0001";
const OWNER = { email: "owner@example.com", password: "correct-horse-battery" };
// Faults on the provider's side, per batch request.
const FAULTS: Array<[number, Misbehaviour]> = [
  [0.03, { kind: "429", retryAfter: 1 }],
  [0.03, { kind: "500" }],
  [0.02, { kind: "slow", ms: 3000 }], // past HERALD_EMAIL_TIMEOUT_MS below: retried with the same idempotency key
  [0.01, { kind: "accept-then-drop" }],
  [0.01, { kind: "drop" }],
];

const dir = mkdtempSync(path.join(tmpdir(), "herald-soak-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));
const databaseUrl = `file:${path.join(dir, "herald.db")}`;
const { db, client } = openDb({ url: databaseUrl });
await migrateDb(db);
const seeded = await seedStatusPage(db);
await setupOwner(db, new Date(), { name: "Olive Owner", ...OWNER });
const ctx = cliCtx(db);
const pageId = (await getPage(db)).id;
const publisherKey = (await createApiKey(ctx, { name: "soak publisher", role: "editor" })).key;
const writerKey = (await createApiKey(ctx, { name: "soak component writer", role: "admin" })).key;
// Generated inside SQLite like bench/fanout.ts: one manage token (encrypted with the server's secret) shared by all
// rows.
const token = issueToken(SECRET);
await db.run(sql`
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${SUBSCRIBERS})
  insert into subscriber (id, page_id, email, state, manage_token_hash, manage_token_enc, confirmed_at, created_at,
  updated_at)
  select 'soak' || i, ${pageId}, 'reader' || i || '@example.com', 'active', 'soakhash' || i, ${token.enc},
  ${Date.now()}, ${Date.now()}, ${Date.now()} from n`);

const fake = await startFakeResend();
fake.rateLimit(12);
fake.misbehave(() => {
  let x = Math.random();
  for (const [p, m] of FAULTS) {
    if (x < p) return m;
    x -= p;
  }
  return null;
});
// The fake keeps every accepted email with its bodies; fold them into counts as they arrive.
const acceptedByKey = new Map<string, Map<string, number>>();
let acceptedTotal = 0;
const foldAccepted = () => {
  for (const e of fake.accepted.splice(0)) {
    const key = e.idempotencyKey ?? "(none)";
    let m = acceptedByKey.get(key);
    if (!m) acceptedByKey.set(key, (m = new Map()));
    m.set(e.to, (m.get(e.to) ?? 0) + 1);
    acceptedTotal++;
  }
};
const folder = setInterval(foldAccepted, 1000);

const herald = await startHerald({
  dataDir: dir,
  databaseUrl,
  env: {
    HERALD_SECRET: SECRET,
    RESEND_API_KEY: "re_soak",
    RESEND_BASE_URL: fake.url,
    HERALD_EMAIL_FROM: "status@example.com",
    HERALD_EMAIL_RATE: "10",
    HERALD_EMAIL_TIMEOUT_MS: "2000",
    HERALD_EMAIL_BACKOFF_MS: "500",
    HERALD_WORKER_INTERVAL_MS: "500",
  },
});
const incidentPath = `/incidents/${seeded.resolvedIncident.id}`;
const publicPaths = ["/", "/api/v2/summary.json", incidentPath, "/history", "/history.rss", "/badge.svg"];
for (const p of publicPaths) {
  const res = await fetch(`${herald.url}${p}`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`warm-up of ${p} answered ${res.status}`);
}

// 50 connections, paced at RATE in proportion to each run's connections.
const shares: Array<[string, string[], CannonRun["scenario"], number]> = [
  ["/", ["/"], "plain", 10],
  ["/api/v2/summary.json", ["/api/v2/summary.json"], "plain", 8],
  ["/incidents/<id>", [incidentPath], "plain", 6],
  ["/history", ["/history"], "plain", 6],
  ["/history.rss", ["/history.rss"], "plain", 5],
  ["/badge.svg", ["/badge.svg"], "plain", 5],
  ["/ + summary, forged cookie", ["/", "/api/v2/summary.json"], "forged-cookie", 10],
];
const runs: CannonRun[] = shares.map(([name, paths, scenario, connections]) => ({
  name,
  paths,
  scenario,
  connections,
  rate: Math.max(1, Math.round((RATE * connections) / 50)),
}));

const rss: Array<{ atS: number; mb: number | null; loadAvg: number }> = [];
const t0 = Date.now();
const elapsedS = () => Math.round((Date.now() - t0) / 1000);
const rssAt = (label: string) => {
  const mb = rssMb(herald.pid);
  rss.push({ atS: elapsedS(), mb, loadAvg: loadAverage() });
  return { label, atS: elapsedS(), mb, loadAvg: loadAverage() };
};
const marks = [rssAt("start")];
const cpu0 = cpuSeconds(herald.pid);
const sampler = setInterval(() => rssAt("sample"), 5000);

const count = async (q: ReturnType<typeof sql>) => (await db.all<{ n: number }>(q))[0].n;
console.log(
  `soak: ${MINUTES} min, ${SUBSCRIBERS} subscribers, publish every ${PUBLISH_EVERY_S} s, public load ${RATE} req/s ` +
    `over 50 connections`,
);
const load = runLoad({ kind: "cannon", url: herald.url, seconds: MINUTES * 60, runs });
const people = runLoad({
  kind: "actors",
  url: herald.url,
  pageId,
  publisherKey,
  writerKey,
  componentIds: [seeded.website.id, seeded.api.id, seeded.eu.id, seeded.us.id],
  owner: OWNER,
  publishEverySec: PUBLISH_EVERY_S,
  writeEverySec: 2,
  consoleEverySec: 2,
  consolePaths: [
    "/admin",
    "/admin/components",
    "/admin/subscribers",
    "/admin/outbox",
    "/admin/metrics",
    "/admin/audit",
    "/admin/api-keys",
    "/admin/team",
    "/admin/settings",
    "/admin/maintenance",
  ],
});

const progress = setInterval(async () => {
  foldAccepted();
  const pending = await count(sql`select count(*) as n from delivery where status = 'pending'`);
  const notifications = await count(sql`select count(*) as n from notification`);
  console.log(
    `  ${(elapsedS() / 60).toFixed(1)} min: RSS ${rssMb(herald.pid)} MB, ${notifications} notifications, ${pending} ` +
      `deliveries pending, ${acceptedTotal} emails accepted`,
  );
}, 60_000);
const total = MINUTES * 60_000;
await sleep(total / 5);
marks.push(rssAt("after warm-up"));
await sleep(total / 2 - total / 5);
marks.push(rssAt("middle"));
const publicResult = await load.done;
people.stop();
const peopleResult = await people.done;
marks.push(rssAt("end"));
const serverCpuS = cpuSeconds(herald.pid) - cpu0;
clearInterval(progress);

// Drain: the worker finishes what was published, then the provider's view is compared with the outbox.
const drainFrom = Date.now();
for (;;) {
  const pending = await count(sql`select count(*) as n from delivery where status = 'pending'`);
  if (pending === 0) break;
  if (Date.now() - drainFrom > DRAIN_MAX_S * 1000) break;
  await sleep(2000);
}
const drainS = Math.round((Date.now() - drainFrom) / 1000);
await sleep(3000); // a slow fake reply may still be in flight
clearInterval(sampler);
clearInterval(folder);
foldAccepted();
marks.push(rssAt("after drain"));

interface Check {
  notifications: number;
  deliveries: number;
  sent: number;
  notSent: Record<string, number>;
  /** Notifications with fewer deliveries than subscribers. */
  short: number;
  missing: number;
  duplicates: number;
  /** Accepted emails that no delivery row accounts for. */
  strays: number;
}
const check: Check = {
  notifications: 0,
  deliveries: 0,
  sent: 0,
  notSent: {},
  short: 0,
  missing: 0,
  duplicates: 0,
  strays: 0,
};
const claimedKeys = new Set<string>();
for (const n of await db.all<{ id: string; kind: string }>(
  sql`select id, kind from notification order by created_at`,
)) {
  check.notifications++;
  const rows = await db.all<{ email: string; status: string; batch_id: string | null }>(
    sql`select s.email, d.status, d.batch_id from delivery d join subscriber s on s.id = d.subscriber_id where
    d.notification_id = ${n.id}`,
  );
  check.deliveries += rows.length;
  if (n.kind !== "subscription_confirmation" && rows.length !== SUBSCRIBERS) check.short++;
  const got = new Map<string, number>();
  for (const key of new Set(rows.map((r) => `herald-batch-${r.batch_id}`))) {
    claimedKeys.add(key);
    for (const [to, c] of acceptedByKey.get(key) ?? []) got.set(to, (got.get(to) ?? 0) + c);
  }
  const expected = new Set<string>();
  for (const r of rows) {
    if (r.status === "sent") check.sent++;
    else check.notSent[r.status] = (check.notSent[r.status] ?? 0) + 1;
    expected.add(r.email);
    const c = got.get(r.email) ?? 0;
    if (c === 0) check.missing++;
    if (c > 1) check.duplicates += c - 1;
  }
  for (const [to, c] of got) if (!expected.has(to)) check.strays += c;
}
for (const [key, m] of acceptedByKey) if (!claimedKeys.has(key)) for (const c of m.values()) check.strays += c;
const exactlyOnce =
  check.missing === 0 &&
  check.duplicates === 0 &&
  check.strays === 0 &&
  check.sent === check.deliveries &&
  check.short === 0;
const providerOutcomes: Record<string, number> = {};
for (const r of fake.requests)
  providerOutcomes[r.outcome || "(no answer)"] = (providerOutcomes[r.outcome || "(no answer)"] ?? 0) + 1;

const serverLog = herald.output();
await herald.stop();
await fake.close();
client.close();

// ------------------------------------------------------------------ report

const surfaces: Record<string, SurfaceStats | (typeof publicResult.runs)[string]> = {
  ...publicResult.runs,
  ...peopleResult.surfaces,
};
const fiveXx = (statuses: Record<string, number>) =>
  Object.entries(statuses).reduce((s, [code, n]) => s + (code.startsWith("5") ? n : 0), 0);
const errorCount = (e: number | Record<string, number>) =>
  typeof e === "number" ? e : Object.values(e).reduce((s, n) => s + n, 0);
const total5xx = Object.values(surfaces).reduce((s, r) => s + fiveXx(r.statuses), 0);
const totalErrors = Object.values(surfaces).reduce((s, r) => s + errorCount(r.errors), 0);
const warm = marks.find((m) => m.label === "after warm-up")!.mb!;
const end = marks.find((m) => m.label === "end")!.mb!;
const growth = (end - warm) / warm;
const peak = Math.max(...rss.map((r) => r.mb ?? 0));
const codes = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ") || "-";
const pad = (v: string | number, n: number) => String(v).padStart(n);

const lines: string[] = [];
lines.push(
  `\nHerald soak: ${MINUTES} min${MINUTES !== 30 ? ` (--minutes ${MINUTES}; the default is 30)` : ""}, public ` +
    `${RATE} req/s over 50 connections (10 with forged cookies), publish + notify every ${PUBLISH_EVERY_S} s to ` +
    `${SUBSCRIBERS} subscribers, console user, v1 writer`,
);
lines.push("(shared 2-core machine: latencies include the generators' share of the CPU)\n");
lines.push("surface                          requests   req/s   p50 ms   p99 ms   max ms  statuses / errors");
for (const [name, r] of Object.entries(surfaces)) {
  const rps = "rps" in r ? r.rps.toFixed(0) : (r.requests / (MINUTES * 60)).toFixed(2);
  const e = errorCount(r.errors);
  lines.push(
    `${name.padEnd(32)} ${pad(r.requests, 8)}  ${pad(rps, 6)}  ${pad(r.p50.toFixed(0), 7)}  ` +
      `${pad(r.p99.toFixed(0), 7)}  ${pad(r.max.toFixed(0), 7)}  ` +
      `${codes(r.statuses)}${e ? `  errors: ${typeof r.errors === "number" ? e : codes(r.errors)}` : ""}`,
  );
}
lines.push(
  `5xx: ${total5xx} (must be 0: ${total5xx === 0 ? "met" : "NOT met"}); connection errors/timeouts: ${totalErrors}; ` +
    `v1 429s honoured: ${peopleResult.limited}; console sign-ins: ${peopleResult.signIns}`,
);
lines.push(
  `\nHerald RSS (MB): start ${marks[0].mb}, after warm-up ${warm}, middle ` +
    `${marks.find((m) => m.label === "middle")!.mb}, end ${end}, after drain ` +
    `${marks.find((m) => m.label === "after drain")!.mb}, peak sample ${peak}`,
);
lines.push(`machine load average (2 cores) at those points: ${marks.map((m) => m.loadAvg).join(" / ")}`);
lines.push(
  `RSS growth after warm-up: ${(growth * 100).toFixed(1)} % (target ≤ 10 %: ${growth <= 0.1 ? "met" : "NOT met"}); ` +
    `server CPU ${serverCpuS.toFixed(0)} s over ${MINUTES * 60} s`,
);
lines.push(
  `\nemail: ${peopleResult.publishes.length} publishes → ${check.notifications} notifications, ${check.deliveries} ` +
    `deliveries, ${check.sent} sent, ${acceptedTotal} emails accepted by the provider; drained ${drainS} s after ` +
    `the load stopped`,
);
lines.push(`provider answers: ${codes(providerOutcomes)}`);
lines.push(
  `exactly once: ${exactlyOnce ? "yes" : "NO"} — missing ${check.missing}, duplicates ${check.duplicates}, strays ` +
    `${check.strays}, unsent ${codes(check.notSent)}, notifications short of ${SUBSCRIBERS} deliveries ` +
    `${check.short}`,
);
const errorLines = serverLog.split("\n").filter((l) => /ERROR|request failed|failed after|Unhandled/i.test(l));
if (errorLines.length)
  lines.push(`server log lines that look like errors: ${errorLines.length}, first: ${errorLines[0].slice(0, 200)}`);
console.log(lines.join("\n"));

const file = writeResult("soak", {
  at: new Date().toISOString(),
  settings: {
    minutes: MINUTES,
    rate: RATE,
    subscribers: SUBSCRIBERS,
    publishEverySec: PUBLISH_EVERY_S,
    faults: FAULTS,
  },
  surfaces,
  total5xx,
  totalErrors,
  rss: { marks, growthAfterWarmup: growth, peakSample: peak, samples: rss },
  serverCpuS,
  email: { publishes: peopleResult.publishes, check, exactlyOnce, acceptedTotal, drainS, providerOutcomes },
  v1Limited: peopleResult.limited,
  signIns: peopleResult.signIns,
  serverErrorLines: errorLines.slice(0, 50),
});
console.log(`\nJSON: ${file}`);
process.exit(0);
