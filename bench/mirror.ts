// `npx tsx bench/mirror.ts`: the static mirror with a large history (issue 16).
// Seeds BENCH_INCIDENTS incidents (default 10 000 over 10 years, 10 updates
// each, 50 components: the shape of bench/public.ts), starts Herald with a
// directory and an S3 (s3rver) target and its in-process worker at default
// timings, waits for the first full push, then measures:
// - publish → the new incident page on the origin (the baseline), in the
//   directory, in the bucket, and the whole push done;
// - one update → how many objects the incremental push uploaded.
// BENCH_MIRROR_BACKFILL_S=N: with a history too long to push in full here,
// watch the first push for N seconds after the publish made during it, report
// its rate and the time the whole push would take at that rate, publish once
// more (the pages a publish touches are on the targets by then) and stop.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { openDb } from "../db/client";
import { mirrorTarget } from "../db/schema";
import { CLI_ACTOR } from "../lib/context";
import { createIncident, postIncidentUpdate } from "../lib/incidents/incidents";
import { getContentVersion } from "../lib/page/page";
import { freePort } from "../tests/helpers/server";
import { id, INCIDENTS, seedTenYears, UPDATES_PER_INCIDENT } from "./seed";
import { startHerald, writeResult } from "./support";

/** path → sha256 of every file under `root`. */
function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(root);
  return out;
}

/** The files under the mirror directory whose bytes differ from `before` (new ones included), grouped by kind. */
function changedSince(before: Map<string, string>) {
  const files = [...hashTree(mirrorDir)].filter(([f, h]) => before.get(f) !== h).map(([f]) => f);
  const kinds: Record<string, number> = {};
  for (const f of files) {
    const kind = f.replace(/[a-z0-9]{12}/g, ":id").replace(/\d{4}-Q\d/g, ":quarter");
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return { files, kinds };
}

const dir = mkdtempSync(path.join(tmpdir(), "herald-bench-mirror-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }));

const status = (url: string) =>
  new Promise<number>((resolve) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    })
      .on("error", () => resolve(0))
      .end();
  });

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return performance.now() - started;
}

const loadBefore = loadavg().map((l) => +l.toFixed(1));
const databaseUrl = `file:${path.join(dir, "herald.db")}`;
const seedStarted = performance.now();
await seedTenYears(databaseUrl);
console.log(
  `[bench] seeded ${INCIDENTS} incidents, ${INCIDENTS * UPDATES_PER_INCIDENT} updates ` +
    `in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
);

const s3Port = await freePort();
const s3rver = new S3rver({
  port: s3Port,
  address: "127.0.0.1",
  silent: true,
  directory: path.join(dir, "s3"),
  configureBuckets: [{ name: "status", configs: [] }],
});
await s3rver.run();
const s3 = new S3Client({
  region: "auto",
  endpoint: `http://127.0.0.1:${s3Port}`,
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
});
const mirrorDir = path.join(dir, "site");
const herald = await startHerald({
  dataDir: dir,
  databaseUrl,
  env: {
    HERALD_MIRROR_DIR: mirrorDir,
    HERALD_MIRROR_S3_BUCKET: "status",
    HERALD_MIRROR_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    HERALD_MIRROR_S3_ACCESS_KEY_ID: "S3RVER",
    HERALD_MIRROR_S3_SECRET_ACCESS_KEY: "S3RVER",
    HERALD_WEBHOOK_ALLOW_HTTP: "1",
    HERALD_WEBHOOK_ALLOW_PRIVATE: "1",
  },
});
const { db, client } = openDb({ url: databaseUrl });
const ctx = { db, now: () => new Date(), actor: CLI_ACTOR };
const targets = async () => db.select().from(mirrorTarget);
const allAt = async (v: number) => {
  const rows = await targets();
  return rows.length === 2 && rows.every((r) => (r.pushedVersion ?? 0) >= v);
};

/** How long after `from` a published incident's page answers on the origin, lands in the directory and the bucket. */
async function reach(incidentId: string, from: number, timeoutMs: number) {
  const since = () => Math.round(performance.now() - from);
  const [originMs, directoryMs, s3Ms] = await Promise.all([
    until("the origin", async () => (await status(`${herald.url}/incidents/${incidentId}`)) === 200, timeoutMs).then(
      since,
    ),
    until(
      "the directory",
      async () => existsSync(path.join(mirrorDir, "incidents", incidentId, "index.html")),
      timeoutMs,
    ).then(since),
    until(
      "the bucket",
      async () =>
        s3
          .send(new HeadObjectCommand({ Bucket: "status", Key: `incidents/${incidentId}/index.html` }))
          .then(() => true)
          .catch(() => false),
      timeoutMs,
    ).then(since),
  ]);
  return { originMs, directoryMs, s3Ms, load1: +loadavg()[0].toFixed(1) };
}

try {
  const started = performance.now();
  // The first push goes in slices: a publish while it runs waits for one slice, not for the whole backfill.
  await until("the first slice", async () => existsSync(path.join(mirrorDir, "index.html")), 3600_000);
  const firstSliceMs = performance.now() - started;
  const duringAt = performance.now();
  const during = await createIncident(ctx, {
    name: "Published during the first push",
    status: "investigating",
    body: "Checking.",
  });
  const duringReach = await reach(during.incident.id, duringAt, 3600_000);
  console.log(
    `[bench] first slice in ${(firstSliceMs / 1000).toFixed(1)} s; an incident published during the backfill: ` +
      `origin ${duringReach.originMs} ms, directory ${duringReach.directoryMs} ms, S3 ${duringReach.s3Ms} ms`,
  );
  const sampleS = Number(process.env.BENCH_MIRROR_BACKFILL_S ?? 0);
  if (sampleS > 0) {
    // The directory holds every file pushed so far: its growth is the backfill's rate (files being written skipped).
    const cached = () =>
      readdirSync(mirrorDir, { recursive: true, withFileTypes: true }).filter(
        (e) => e.isFile() && !e.name.endsWith(".herald-tmp"),
      ).length;
    const filesFrom = cached();
    const fromMs = performance.now();
    await new Promise((r) => setTimeout(r, sampleS * 1000));
    const rate = (cached() - filesFrom) / ((performance.now() - fromMs) / 1000);
    // A second publish, once the first rounds have pushed the pages a publish touches (the front page, feeds, JSON,
    // the newest quarter): what a publish costs while years of older incidents still stream out behind it.
    const laterAt = performance.now();
    const laterOne = await createIncident(ctx, {
      name: "Published later in the backfill",
      status: "investigating",
      body: "More.",
    });
    const laterReach = await reach(laterOne.incident.id, laterAt, 600_000);
    console.log(`[bench] a publish later in the backfill: ${JSON.stringify(laterReach)}`);
    const total = INCIDENTS * 2 + Math.ceil(INCIDENTS / 50) + 80;
    const result = {
      incidents: INCIDENTS,
      load: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(1)) },
      firstSliceS: +(firstSliceMs / 1000).toFixed(1),
      publishDuringBackfill: duringReach,
      publishLaterInBackfill: laterReach,
      backfill: {
        sampledS: sampleS,
        filesPerS: +rate.toFixed(2),
        cachedFiles: cached(),
        siteFilesAbout: total,
        wholeFirstPushEstimateMin: +(total / rate / 60).toFixed(0),
      },
      mirrorLog: herald
        .output()
        .split("\n")
        .filter((l) => l.includes("[herald] mirror"))
        .slice(-12),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`[bench] result in ${writeResult("mirror-backfill", result)}`);
    client.close();
    await herald.stop();
    await s3rver.close();
    process.exit(0);
  }
  const v0 = await getContentVersion(db);
  const firstMs = await until("the first full push", () => allAt(v0), 3 * 3600_000).then(
    () => performance.now() - started,
  );
  const files = Object.keys((await targets())[0].manifest).length;
  console.log(
    `[bench] first push: ${files} files in ${(firstMs / 1000).toFixed(1)} s (${(firstMs / files) | 0} ms per file)`,
  );

  // Publish: the origin's own publish latency is the baseline.
  const beforePublish = hashTree(mirrorDir);
  const published = performance.now();
  const { incident } = await createIncident(ctx, {
    name: "Elevated API latency",
    status: "investigating",
    body: "We are looking into it.",
    components: { [id("c", 3)]: "degraded_performance" },
  });
  const v1 = await getContentVersion(db);
  const since = () => performance.now() - published;
  const done = until("the whole push", () => allAt(v1), 120_000).then(since);
  const [{ originMs, directoryMs: dirMs, s3Ms }, doneMs] = await Promise.all([
    reach(incident.id, published, 60_000),
    done,
  ]);
  const pushRows = await targets();
  const publishChanged = changedSince(beforePublish);

  // Updates to the new incident: how much goes up, and which files (the directory before and after). The first
  // changes its status (shown by the widget too), the second only says more, the third resolves it, which gives its
  // component back (operational again: components.json and the component's badge change too, as at the publish).
  const pushUpdate = async (status: "identified" | "resolved", body: string, same = false) => {
    const before = hashTree(mirrorDir);
    await postIncidentUpdate(ctx, { incidentId: incident.id, status, body });
    const v = await getContentVersion(db);
    const pushMs = Math.round(await until("the update's push", () => allAt(v), 120_000));
    return {
      statusChanged: !same,
      pushMs,
      uploaded: Object.fromEntries((await targets()).map((r) => [r.id, r.lastUploaded])),
      changedFiles: changedSince(before).files,
    };
  };
  const update = await pushUpdate("identified", "A slow database replica was identified.");
  const sameStatusUpdate = await pushUpdate("identified", "The replica is being rebuilt.", true);
  const resolution = await pushUpdate("resolved", "The replica is rebuilt; latency is back to normal.");

  const result = {
    incidents: INCIDENTS,
    load: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(1)) },
    files,
    firstPushS: +(firstMs / 1000).toFixed(1),
    firstSliceS: +(firstSliceMs / 1000).toFixed(1),
    publishDuringBackfill: duringReach,
    publish: {
      originMs,
      directoryMs: dirMs,
      s3Ms,
      wholePushMs: Math.round(doneMs),
      directoryToOrigin: +(dirMs / originMs).toFixed(2),
      s3ToOrigin: +(s3Ms / originMs).toFixed(2),
      uploaded: Object.fromEntries(pushRows.map((r) => [r.id, r.lastUploaded])),
      changed: publishChanged.kinds,
    },
    update,
    sameStatusUpdate,
    resolution,
    mirrorLog: herald
      .output()
      .split("\n")
      .filter((l) => l.includes("[herald] mirror"))
      .slice(-4),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`[bench] result in ${writeResult("mirror", result)}`);
} finally {
  client.close();
  await herald.stop();
  await s3rver.close();
}
process.exit(0);
