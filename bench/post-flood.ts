// The same-run baseline for bench/fanout.ts's webhook figure: how many POSTs per
// second the local receiver takes from a separate process with nothing else in
// the way (no database, no signing), at the worker's per-host concurrency over
// the same host names. Prints one JSON line: {"requests": n, "seconds": s, "perSecond": r}.
// Run by bench/fanout.ts: tsx bench/post-flood.ts <port> <hosts> <perHost> <count> <bodyBytes>
import http from "node:http";

const [port, hosts, perHost, count, bodyBytes] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const body = JSON.stringify({ pad: "x".repeat(Math.max(0, bodyBytes - 10)) });
const post = (host: string, i: number) =>
  new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        path: `/flood/${i}`,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", resolve);
      },
    );
    req.on("error", reject);
    req.end(body);
  });

let next = 0;
const t0 = performance.now();
// perHost lanes per host, each taking the next request number until `count` are sent.
await Promise.all(
  Array.from({ length: hosts * perHost }, async (_, lane) => {
    const host = `127.0.0.${(lane % hosts) + 1}`;
    while (next < count) await post(host, next++);
  }),
);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ requests: count, seconds, perSecond: count / seconds }));
agent.destroy();
