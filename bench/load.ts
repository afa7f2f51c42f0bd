// The load process of bench/hostile.ts and bench/soak.ts (started by
// bench/support.ts runLoad): it receives one job over IPC, runs it, answers
// with the result and exits. A separate process keeps the generator's CPU off
// the server's and the bench's event loops; "stop" ends an open-ended job.
import { randomBytes, randomInt } from "node:crypto";
import { request } from "node:http";
import autocannon, { type Request as CannonRequest } from "autocannon";
import { percentile } from "./stats";

/**
 * What each autocannon run sends. "plain" is clean traffic; the rest is what a
 * stranger controls on a public GET: cookies, ids, paths, query strings, headers.
 */
export type Scenario = "plain" | "forged-cookie" | "random-incident" | "random-path" | "random-query" | "odd-headers";

export interface CannonRun {
  name: string;
  /** The paths to cycle through (the random scenarios derive theirs from these or ignore them). */
  paths: string[];
  scenario: Scenario;
  connections: number;
  /** Requests per second over all of this run's connections; unlimited when absent. */
  rate?: number;
}

export interface CannonStats {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface ActorsConfig {
  url: string;
  pageId: string;
  /** One key per writer: the per-key limit (about 1 request/s, burst 10) is never shared. */
  publisherKey: string;
  writerKey: string;
  componentIds: string[];
  owner: { email: string; password: string };
  publishEverySec: number;
  writeEverySec: number;
  consoleEverySec: number;
  consolePaths: string[];
}

export interface SurfaceStats {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
}

export type Job =
  | { kind: "cannon"; url: string; seconds: number; runs: CannonRun[] }
  | { kind: "posts"; url: string; path: string; bytes: number; contentLength: number; chunked: number; pauseMs: number }
  | ({ kind: "actors" } & ActorsConfig);

export type JobResult = (
  | { kind: "cannon"; runs: Record<string, CannonStats> }
  | { kind: "posts"; modes: Record<"content-length" | "chunked", SurfaceStats & { mbSent: number }> }
  | {
      kind: "actors";
      surfaces: Record<string, SurfaceStats>;
      publishes: Array<{ at: number; incidentId: string; status: string }>;
      signIns: number;
      limited: number;
    }
) & {
  /** CPU the load process itself used: on a shared machine, the generator's share is part of the picture. */
  cpuS: number;
};
type Result = JobResult extends infer R ? (R extends unknown ? Omit<R, "cpuS"> : never) : never;

let stopped = false;
const stopWaiters: Array<() => void> = [];
process.on("message", (m) => {
  if (m === "stop") {
    stopped = true;
    for (const w of stopWaiters.splice(0)) w();
  }
});
const forget = (w: () => void) => {
  const i = stopWaiters.indexOf(w);
  if (i !== -1) stopWaiters.splice(i, 1);
};
/** Sleeps, returning early when the job is stopped. */
const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    if (stopped) return resolve();
    const wake = () => {
      clearTimeout(t);
      forget(wake);
      resolve();
    };
    const t = setTimeout(wake, ms);
    stopWaiters.push(wake);
  });

// ------------------------------------------------------------------ hostile inputs

const rid = (n = 12) => Array.from(randomBytes(n), (b) => "0123456789abcdefghijklmnopqrstuvwxyz"[b % 36]).join("");
const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)];

const ODD_HEADERS: ReadonlyArray<() => Record<string, string>> = [
  () => ({ accept: `application/${rid(6)}` }),
  () => ({ accept: "text/x-component", rsc: "1" }),
  () => ({
    "next-router-prefetch": "1",
    rsc: "1",
    "next-router-state-tree": encodeURIComponent(JSON.stringify(["", { children: [rid(), {}] }])),
  }),
  () => ({
    "accept-encoding": pick([
      "zstd",
      "br;q=0, gzip;q=0, identity;q=0",
      "*;q=0",
      `x-${rid(5)}`,
      "gzip;q=abc, br;q=-1",
      "identity",
    ]),
  }),
  () => ({
    range: pick([
      "bytes=0-10",
      "bytes=-5",
      "bytes=abc",
      "bytes=999999999-",
      Array.from({ length: 50 }, (_, i) => `${i}-${i}`)
        .join(",")
        .replace(/^/, "bytes="),
    ]),
  }),
  () => ({
    "if-none-match": `"${rid(20)}"`,
    "if-modified-since": pick(["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", rid()]),
  }),
  () => ({
    "x-forwarded-for": `${randomInt(256)}.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
    "x-forwarded-host": `${rid(8)}.example`,
    "x-forwarded-proto": "https",
  }),
];

function hostileRequest(scenario: Scenario, paths: string[]): (req: CannonRequest) => CannonRequest {
  let i = 0;
  const next = () => paths[i++ % paths.length];
  switch (scenario) {
    case "plain":
      return (req) => ({ ...req, path: next() });
    case "forged-cookie":
      return (req) => ({
        ...req,
        path: next(),
        headers: {
          ...req.headers,
          cookie:
            `${pick(["", "__Secure-"])}herald.session_token=${rid(32)}.` +
            `${randomBytes(24).toString("base64url")}; theme=${rid(4)}`,
        },
      });
    case "random-incident":
      return (req) => ({
        ...req,
        path: pick([
          `/incidents/${rid()}`,
          `/incidents/${rid()}`,
          `/incidents/${rid()}/og.png`,
          `/components/${rid()}/badge.svg`,
        ]),
      });
    case "random-path":
      return (req) => ({
        ...req,
        path: pick([
          `/${rid(8)}`,
          `/${rid(6)}/${rid(6)}.php`,
          `/wp-login.php?${rid(4)}=${rid(8)}`,
          `/api/v2/${rid(8)}.json`,
          `/_next/static/${rid(10)}.js`,
          `/history/${rid(6)}`,
          `/.env?${rid(3)}`,
        ]),
      });
    case "random-query":
      return (req) => ({
        ...req,
        path: pick([
          `${next()}?${rid(6)}=${rid(10)}`,
          `${next()}?${rid(3)}&${rid(3)}=${rid(3)}`,
          `/history?page=${randomInt(1, 1_000_000)}`,
          `/history?page=${rid(8)}`,
        ]),
      });
    case "odd-headers":
      return (req) => ({ ...req, path: next(), headers: { ...req.headers, ...pick(ODD_HEADERS)() } });
  }
}

async function cannon(job: Extract<Job, { kind: "cannon" }>): Promise<Result> {
  const instances = job.runs.map((run) =>
    autocannon({
      url: job.url,
      connections: run.connections,
      duration: job.seconds,
      overallRate: run.rate,
      headers: { "accept-encoding": "gzip, deflate, br", accept: "text/html,application/json,*/*" },
      // One fixed path needs no per-request setup (the clean runs: no cost on the generator).
      requests: [
        run.scenario === "plain" && run.paths.length === 1
          ? { method: "GET", path: run.paths[0] }
          : { method: "GET", path: run.paths[0], setupRequest: hostileRequest(run.scenario, run.paths) },
      ],
      timeout: 30,
    }),
  );
  stopWaiters.push(() => instances.forEach((i) => i.stop()));
  const results = await Promise.all(instances);
  const runs: Record<string, CannonStats> = {};
  job.runs.forEach((run, n) => {
    const r = results[n];
    runs[run.name] = {
      requests: r.requests.total,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      max: r.latency.max,
      statuses: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, Number(s.count)])),
      errors: r.errors,
      timeouts: r.timeouts,
    };
  });
  return { kind: "cannon", runs };
}

// ------------------------------------------------------------------ oversized bodies

/**
 * Oversized form posts to a public endpoint, in loops until stopped: one kind
 * declares its size in Content-Length, the other streams chunks without one.
 * Each request keeps writing until the server answers or hangs up, so a server
 * that reads everything is made to read everything.
 */
async function posts(job: Extract<Job, { kind: "posts" }>): Promise<Result> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const head = Buffer.from("email=bench%40example.com&website=&pad=");
  const stats = { "content-length": newSurface(), chunked: newSurface() };
  const sent = { "content-length": 0, chunked: 0 };

  const one = (mode: "content-length" | "chunked") =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      let answered = false;
      const headers: Record<string, string | number> = {
        "content-type": "application/x-www-form-urlencoded",
        origin: job.url,
      };
      if (mode === "content-length") headers["content-length"] = job.bytes;
      const req = request(`${job.url}${job.path}`, { method: "POST", headers, agent: false });
      const finish = (key: string, isError: boolean) => {
        if (answered) return;
        answered = true;
        forget(abandon);
        record(stats[mode], performance.now() - started, key, isError);
        req.destroy();
        resolve();
      };
      // Stopped mid-upload: abandoned, so the next phase does not share the server with it.
      const abandon = () => finish("unanswered at stop", true);
      stopWaiters.push(abandon);
      req.on("response", (res) => {
        res.resume();
        finish(String(res.statusCode), false);
      });
      req.on("error", (err: NodeJS.ErrnoException) => finish(err.code ?? err.message, true));
      let written = 0;
      const pump = () => {
        while (!answered && written < job.bytes) {
          const piece =
            written === 0
              ? Buffer.concat([head, chunk.subarray(head.length)])
              : chunk.subarray(0, Math.min(chunk.length, job.bytes - written));
          written += piece.length;
          sent[mode] += piece.length;
          if (!req.write(piece)) return void req.once("drain", pump);
        }
        if (!answered) req.end();
      };
      pump();
    });

  const loop = async (mode: "content-length" | "chunked") => {
    while (!stopped) {
      await one(mode);
      await pause(job.pauseMs);
    }
  };
  await Promise.all([
    ...Array.from({ length: job.contentLength }, () => loop("content-length")),
    ...Array.from({ length: job.chunked }, () => loop("chunked")),
  ]);
  const done = (mode: "content-length" | "chunked") => ({
    ...summarize(stats[mode]),
    mbSent: Math.round(sent[mode] / 1024 / 1024),
  });
  return { kind: "posts", modes: { "content-length": done("content-length"), chunked: done("chunked") } };
}

// ------------------------------------------------------------------ soak actors

interface Surface {
  latencies: number[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
}
const newSurface = (): Surface => ({ latencies: [], statuses: {}, errors: {} });
function record(s: Surface, ms: number, key: string, isError: boolean): void {
  s.latencies.push(ms);
  const bucket = isError ? s.errors : s.statuses;
  bucket[key] = (bucket[key] ?? 0) + 1;
}
function summarize(s: Surface): SurfaceStats {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    statuses: s.statuses,
    errors: s.errors,
  };
}

/**
 * The soak's people: a publisher posting a notified update every
 * `publishEverySec` (new incident → identified → monitoring → resolved → new
 * incident), a v1 writer changing component statuses, and a signed-in console
 * user opening console pages. Each writer has its own key and stays under the
 * per-key limit; a 429 is honoured (Retry-After) and counted, not retried early.
 */
async function actors(cfg: Extract<Job, { kind: "actors" }>): Promise<Result> {
  const surfaces: Record<string, Surface> = {
    "v1 publish": newSurface(),
    "v1 write": newSurface(),
    "console sign-in": newSurface(),
    console: newSurface(),
  };
  const publishes: Array<{ at: number; incidentId: string; status: string }> = [];
  let signIns = 0;
  let limited = 0;

  async function timed(surface: string, url: string, init: RequestInit): Promise<Response | null> {
    const started = performance.now();
    try {
      const res = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(60_000) });
      await res.clone().arrayBuffer();
      record(surfaces[surface], performance.now() - started, String(res.status), false);
      return res;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      record(surfaces[surface], performance.now() - started, e.cause?.code ?? e.name, true);
      return null;
    }
  }

  async function v1(surface: string, key: string, method: string, path: string, body: unknown): Promise<any> {
    for (;;) {
      const res = await timed(surface, `${cfg.url}/api/v1/pages/${cfg.pageId}${path}`, {
        method,
        headers: { authorization: `OAuth ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res?.status === 429 && !stopped) {
        limited++;
        await pause(Math.max(1, Number(res.headers.get("retry-after")) || 1) * 1000);
        continue;
      }
      return res?.ok ? res.json() : null;
    }
  }

  const publisher = async () => {
    const next: Record<string, string> = {
      investigating: "identified",
      identified: "monitoring",
      monitoring: "resolved",
    };
    let open: { id: string; status: string } | null = null;
    let n = 0;
    while (!stopped) {
      const at = Date.now();
      n++;
      if (!open) {
        const created = await v1("v1 publish", cfg.publisherKey, "POST", "/incidents", {
          incident: {
            name: `Soak incident ${n}`,
            status: "investigating",
            body: `Update ${n}: we are looking into **elevated errors**.`,
            deliver_notifications: true,
            components: { [pick(cfg.componentIds)]: "partial_outage" },
          },
        });
        if (created) open = { id: created.id, status: "investigating" };
        if (created) publishes.push({ at, incidentId: created.id, status: "investigating" });
      } else {
        const status: string = next[open.status];
        const updated = await v1("v1 publish", cfg.publisherKey, "PATCH", `/incidents/${open.id}`, {
          incident: { status, body: `Update ${n}: now ${status}.`, deliver_notifications: true },
        });
        if (updated) publishes.push({ at, incidentId: open.id, status });
        if (updated) open = status === "resolved" ? null : { id: open.id, status };
      }
      await pause(Math.max(0, cfg.publishEverySec * 1000 - (Date.now() - at)));
    }
  };

  const writer = async () => {
    const statuses = [
      "operational",
      "degraded_performance",
      "operational",
      "partial_outage",
      "operational",
      "under_maintenance",
    ];
    let n = 0;
    while (!stopped) {
      const at = Date.now();
      await v1("v1 write", cfg.writerKey, "PATCH", `/components/${cfg.componentIds[n % cfg.componentIds.length]}`, {
        component: { status: statuses[n % statuses.length] },
      });
      n++;
      await pause(Math.max(0, cfg.writeEverySec * 1000 - (Date.now() - at)));
    }
  };

  const consoleUser = async () => {
    let cookie: string | null = null;
    const signIn = async () => {
      signIns++;
      const res = await timed("console sign-in", `${cfg.url}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: cfg.url },
        body: JSON.stringify(cfg.owner),
      });
      const set = res?.headers.getSetCookie() ?? [];
      cookie = set.map((c) => c.split(";")[0]).join("; ") || null;
    };
    let n = 0;
    while (!stopped) {
      const at = Date.now();
      if (!cookie) await signIn();
      if (cookie) {
        const res = await timed("console", `${cfg.url}${cfg.consolePaths[n++ % cfg.consolePaths.length]}`, {
          headers: { cookie },
        });
        // Sent back to the login page: the session is gone; sign in again.
        if (res && res.status >= 300 && res.status < 400 && res.headers.get("location")?.includes("/admin/login"))
          cookie = null;
      }
      await pause(Math.max(0, cfg.consoleEverySec * 1000 - (Date.now() - at)));
    }
  };

  await Promise.all([publisher(), writer(), consoleUser()]);
  return {
    kind: "actors",
    surfaces: Object.fromEntries(Object.entries(surfaces).map(([k, s]) => [k, summarize(s)])),
    publishes,
    signIns,
    limited,
  };
}

process.once("message", async (job: Job) => {
  const result =
    job.kind === "cannon" ? await cannon(job) : job.kind === "posts" ? await posts(job) : await actors(job);
  const cpu = process.cpuUsage();
  process.send!({ ...result, cpuS: (cpu.user + cpu.system) / 1e6 }, () => process.exit(0));
});
