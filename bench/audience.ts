// `npm run bench:audience` (issue 13): signed-in viewers of one audience on `/`
// against anonymous readers of the public page, in the same run, same server,
// alternating rounds so the shared machine's noise hits both. Target: the
// audience view ≥ 0.7× the public page's throughput. Load from wrk (one
// thread, 50 connections, Accept-Encoding: br, the cookie via -H).
import { spawn } from "node:child_process";
import { RESTRICTED, SECRET, seedAudiences, viewerCookieFor } from "../tests/audiences/fixture";
import { startServer } from "../tests/helpers/server";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 50;

function wrk(url: string, headers: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [
      "-t1",
      `-c${CONNECTIONS}`,
      `-d${DURATION_S}s`,
      "-H",
      "accept-encoding: br",
      ...headers.flatMap((h) => ["-H", h]),
      url,
    ];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || !rps) return reject(new Error(`wrk failed (${code}):\n${out}`));
      if (/Non-2xx/.test(out)) return reject(new Error(`non-2xx answers:\n${out}`));
      resolve(Number(rps[1]));
    });
  });
}

const server = await startServer({ env: { HERALD_SECRET: SECRET, HERALD_SNAPSHOT_POLL_MS: "200" } });
try {
  await seedAudiences(server.db);
  await new Promise((r) => setTimeout(r, 600));
  const cookie = `cookie: ${viewerCookieFor("boss@bigco.example")}`;
  // Both views rendered once before measuring; the audience view must really be the audience's.
  const anon = await (await fetch(`${server.url}/`)).text();
  const view = await (await fetch(`${server.url}/`, { headers: { cookie: cookie.slice(8) } })).text();
  if (anon.includes(RESTRICTED.incident) || !view.includes(RESTRICTED.incident))
    throw new Error("views are not what they should be");
  const pub: number[] = [];
  const aud: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    pub.push(await wrk(`${server.url}/`, []));
    aud.push(await wrk(`${server.url}/`, [cookie]));
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const p = sum(pub) / pub.length;
  const a = sum(aud) / aud.length;
  console.log(
    `\n/ with ${CONNECTIONS} connections × ${DURATION_S} s × ${ROUNDS} rounds (wrk, br), same server, alternating:`,
  );
  console.log(
    `  public page, anonymous          ${p.toFixed(0).padStart(7)} req/s  (${pub.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(
    `  "Enterprise customers" viewer   ${a.toFixed(0).padStart(7)} req/s  (${aud.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(`  ratio ${(a / p).toFixed(2)}× (target ≥ 0.70×)\n`);
} finally {
  await server.stop();
}
