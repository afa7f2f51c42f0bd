// The application process (DESIGN.md §8), started and supervised by the edge
// (scripts/start.ts): Next's request handler on a loopback port, with the
// in-process worker (instrumentation.ts). It answers only the edge: a request
// without this boot's token (sent over IPC, lib/edge/forward.ts) is refused,
// so no one reaching the port directly can claim a client address. After every
// commit that changes the content version it tells the edge, which starts the
// new renders at once.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { EDGE_TOKEN_HEADER, fromEdge, type FromEdge, type ToEdge } from "@/lib/edge/forward";
import { getContentVersion } from "@/lib/page/page";
import { getDb, onCommit } from "@/lib/runtime";
import { wakeWorker } from "@/lib/worker/wake";

const send = (message: ToEdge) => process.send?.(message);
if (!process.send) throw new Error("scripts/next-server.ts is started by scripts/start.ts (npm start), not directly");

const token = await new Promise<string>((resolve) => {
  const onToken = (m: FromEdge) => {
    if (m.type !== "token") return;
    process.off("message", onToken);
    resolve(m.token);
  };
  process.on("message", onToken);
  send({ type: "waiting" });
});
// The edge is gone (crashed or killed without a signal): so is this process.
process.on("disconnect", () => process.exit(0));

const app = next({ dev: false, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();

function toNext(req: IncomingMessage, res: ServerResponse): void {
  if (!fromEdge(req.headers, token)) {
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    res.end("This port answers Herald's edge only.");
    return;
  }
  delete req.headers[EDGE_TOKEN_HEADER];
  handle(req, res).catch((err) => {
    console.error("[herald] request failed", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal error");
  });
}

// A version read after each commit (one indexed read, ~0.2 ms); only one that differs from the last reported is
// reported (a lower one too: a database file replaced by an older copy).
let reported = -1;
let checking = false;
let again = false;
function checkVersion(): void {
  if (checking) {
    again = true;
    return;
  }
  checking = true;
  getContentVersion(getDb())
    .then((version) => {
      if (version === reported) return;
      reported = version;
      send({ type: "version", version });
    })
    .catch(() => {})
    .finally(() => {
      checking = false;
      if (again) {
        again = false;
        checkVersion();
      }
    });
}
onCommit(checkVersion);
// A new version the edge read, another process's commit (the CLI's publish) or this one's: the in-process worker runs
// now instead of at its next tick. This process's own writes have woken it already, and running again finds nothing
// to do; telling the two apart by the versions read here lost the CLI's wake whenever a write here (a render's stamp)
// read the CLI's version before the edge's message arrived.
process.on("message", (m: FromEdge) => {
  if (m.type === "version") wakeWorker();
});

const server = createServer(toNext);
// Longer than the edge's idle sockets (lib/edge/forward.ts): the edge, not this side, closes an idle connection.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
send({ type: "listening", port: (server.address() as AddressInfo).port });

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
