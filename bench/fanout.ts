// Fan-out benchmark (issues 6 and 12): 100,000 email subscribers and 10,000
// webhook targets on 50 hosts.
//  1. Time of the publish transaction that enqueues one delivery per subscriber and target (target ≤ 2 s).
//  2. Delivery by a real worker process (scripts/worker.ts, Resend transport)
//     against the fake Resend server limited to 10 requests/s: achieved
//     request rate / limit (target ≥ 0.95) and the worker's peak RSS (≤ 300 MB).
//  3. Webhook deliveries by the same worker, side by side with the email, to a
//     local receiver on 50 host names (127.0.0.1–50) with 4 requests in flight
//     per host: webhooks per second (target ≥ 200), and as a ratio of the
//     receiver's raw capacity measured in the same run (bench/post-flood.ts: a
//     separate process posting same-size bodies at the same concurrency, no
//     database, no signing). The load average is printed before and after:
//     on a shared machine the absolute figures move with it.
// Run: npx tsx bench/fanout.ts   (BENCH_SUBSCRIBERS, BENCH_RATE, BENCH_WEBHOOKS to change the size)
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createTestCtx } from "../tests/helpers/test-db";
import { createIncident } from "../lib/incidents/incidents";
import { getPage } from "../lib/page/page";
import { issueToken } from "../lib/subscribers/tokens";
import { insertTargets } from "../tests/channels/helpers";
import { startReceiver } from "../tests/channels/receiver";
import { startFakeResend } from "../tests/helpers/fake-resend";

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 10_000);
const HOSTS = 50;
const SECRET = "bench-secret-bench-secret-bench-secret-01";

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(", ");
console.log(`load average at start: ${load()}`);
const t = await createTestCtx();
t.clock.set(new Date());
const pageId = (await getPage(t.db)).id;
const token = issueToken(SECRET);
const t0 = performance.now();
// Generated inside SQLite: one manage token (encrypted) shared by all rows keeps setup fast; hashes stay unique.
// Random ids as newId() gives them (ids in insertion order would hide what random index inserts cost the enqueue).
await t.db.run(sql`
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${N})
  insert into subscriber (id, page_id, email, state, manage_token_hash, manage_token_enc, confirmed_at, created_at,
  updated_at)
  select lower(hex(randomblob(6))), ${pageId}, 'user' || i || '@example.com', 'active', 'h' || i, ${token.enc},
  ${Date.now()}, ${Date.now()}, ${Date.now()} from n`);
console.log(`seeded ${N} subscribers in ${Math.round(performance.now() - t0)} ms`);
// Node's default keep-alive (5 s), as a real receiver would: the tests' receiver closes idle connections after 1 s.
const receiver = await startReceiver({ keepAliveMs: 5000 });
const w0 = performance.now();
await insertTargets(
  t.db,
  SECRET,
  Array.from({ length: WEBHOOKS }, (_, i) => ({
    kind: "webhook" as const,
    url: receiver.url(`/hook/${i}`, `127.0.0.${(i % HOSTS) + 1}`),
    state: "active" as const,
  })),
);
console.log(`seeded ${WEBHOOKS} webhook targets on ${HOSTS} hosts in ${Math.round(performance.now() - w0)} ms`);

const p0 = performance.now();
const c0 = process.cpuUsage();
await createIncident(t.ctx, { name: "Fan-out benchmark", body: "Everything is on fire, briefly.", notify: true });
const publishMs = performance.now() - p0;
// CPU time hardly depends on how busy the machine is; wall time does (2 cores shared by everyone here).
const cpu = process.cpuUsage(c0);
const publishCpuMs = (cpu.user + cpu.system) / 1000;
const queued = (await t.db.all<{ n: number }>(sql`select count(*) as n from delivery`))[0].n;
const queuedHooks = (await t.db.all<{ n: number }>(sql`select count(*) as n from channel_delivery`))[0].n;
console.log(
  `publish transaction with enqueue of ${queued} email and ${queuedHooks} webhook deliveries: ` +
    `${Math.round(publishMs)} ms (target ≤ 2000), of which ${Math.round(publishCpuMs)} ms CPU; load ${load()}`,
);

const fake = await startFakeResend();
fake.rateLimit(RATE);
// BENCH_NODE_ARGS: extra node flags for the worker (e.g. --max-old-space-size=128) to compare.
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "scripts/worker.ts"], {
  cwd: path.resolve(import.meta.dirname, ".."),
  env: {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: t.url,
    HERALD_DATA_DIR: t.dir,
    HERALD_SECRET: SECRET,
    HERALD_URL: "https://status.example.com",
    RESEND_API_KEY: "re_bench",
    RESEND_BASE_URL: fake.url,
    HERALD_EMAIL_RATE: String(RATE),
    HERALD_WORKER_INTERVAL_MS: "200",
    HERALD_WEBHOOK_ALLOW_HTTP: "1",
    HERALD_WEBHOOK_ALLOW_PRIVATE: "1",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
let peakKb = 0;
// The worker's CPU time (utime + stime, in clock ticks of 10 ms): unlike the rate, it hardly depends on how busy the
// machine is.
let cpuTicks = 0;
const sampler = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
    const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    cpuTicks = Number(stat[11]) + Number(stat[12]);
  } catch {
    /* the child has exited */
  }
}, 500);
const d0 = Date.now();
while (true) {
  await new Promise((r) => setTimeout(r, 1000));
  const pending =
    (await t.db.all<{ n: number }>(sql`select count(*) as n from delivery where status = 'pending'`))[0].n +
    (await t.db.all<{ n: number }>(sql`select count(*) as n from channel_delivery where status = 'pending'`))[0].n;
  if (pending === 0) break;
  // Three times the email's paced time, plus the webhooks at 50/s (a quarter of their target), plus a minute.
  if (Date.now() - d0 > ((N / 100 / RATE) * 3 + WEBHOOKS / 50 + 60) * 1000) {
    // Never leave the worker running behind a failed run.
    child.kill("SIGTERM");
    throw new Error(`delivery too slow: ${pending} pending`);
  }
}
clearInterval(sampler);
child.kill("SIGTERM");
const ok = fake.requests.filter((r) => r.outcome === "accepted");
const limited = fake.requests.filter((r) => r.outcome.startsWith("429")).length;
const span = (ok[ok.length - 1].at - ok[0].at) / 1000;
const achieved = (ok.length - 1) / span;
const unique = new Set(fake.accepted.map((e) => e.to)).size;
console.log(
  `delivered ${fake.accepted.length} emails (${unique} unique) in ${ok.length} batches over ${span.toFixed(1)} s; ` +
    `${limited} requests got 429`,
);
console.log(
  `achieved ${achieved.toFixed(2)} req/s against a limit of ${RATE}: ` +
    `ratio ${(achieved / RATE).toFixed(3)} (target ≥ 0.95)`,
);
console.log(
  `worker peak RSS ${(peakKb / 1024).toFixed(0)} MB (target ≤ 300); worker CPU ${(cpuTicks / 100).toFixed(1)} s ` +
    `(${((cpuTicks * 10) / ok.length).toFixed(1)} ms per batch)`,
);
const hooks = receiver.received;
const hookSpan = (hooks[hooks.length - 1].at - hooks[0].at) / 1000;
const hookStatuses = await t.db.all<{ status: string; n: number }>(
  sql`select status, count(*) as n from channel_delivery group by status`,
);
const hookRate = hooks.length / hookSpan;
console.log(
  `delivered ${new Set(hooks.map((h) => h.path)).size} of ${WEBHOOKS} webhooks (${hooks.length} requests) over ` +
    `${hookSpan.toFixed(1)} s: ${hookRate.toFixed(0)} webhooks/s (target ≥ 200); rows ` +
    `${JSON.stringify(Object.fromEntries(hookStatuses.map((r) => [r.status, r.n])))}`,
);
const bodyBytes = Math.round(hooks.reduce((n, h) => n + h.body.length, 0) / hooks.length);
// Asynchronously: the receiver answering it runs in this process.
const flood = JSON.parse(
  (
    await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "bench/post-flood.ts", ...[receiver.port, HOSTS, 4, 5000, bodyBytes].map(String)],
      { cwd: path.resolve(import.meta.dirname, ".."), encoding: "utf8" },
    )
  ).stdout,
) as { perSecond: number };
console.log(
  `receiver raw capacity (same run, ${bodyBytes}-byte bodies, 4 per host): ${flood.perSecond.toFixed(0)} req/s; ` +
    `webhook delivery at ${((100 * hookRate) / flood.perSecond).toFixed(0)} % of it`,
);
console.log(`load average at end: ${load()}`);
await receiver.close();
await fake.close();
t.close();
