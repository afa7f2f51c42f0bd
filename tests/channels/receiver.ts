// A local stand-in for webhook receivers and the Slack, Teams and Discord
// webhook endpoints: records every request and misbehaves on demand (429 with
// Retry-After, 500, no answer, a dropped connection). It listens on 0.0.0.0,
// so 127.0.0.1, 127.0.0.2, … are different hosts that all reach it.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  host: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver did with it. */
  answered: Fault | "ok";
  /** performance.now() when it arrived. */
  at: number;
}

/** accept-drop: the receiver takes the event, then the connection drops before the sender reads the answer. */
export type Fault = "429" | "500" | "timeout" | "drop" | "accept-drop";

export interface Receiver {
  port: number;
  url(path: string, host?: string): string;
  received: Received[];
  /** Decides per request; default: answer 200 "ok". Return a string body to answer 200 with it. */
  behave: (req: { host: string; path: string; body: string; n: number }) => Fault | "ok" | { body: string };
  close(): Promise<void>;
}

/**
 * `keepAliveMs`: how long an idle connection stays open. Tests keep the short
 * default; the benchmark passes Node's own default (5 s) so connections are
 * reused as with a real receiver (Node's client drops a socket at once when the
 * server announces `Keep-Alive: timeout=1`).
 */
export async function startReceiver(opts: { keepAliveMs?: number } = {}): Promise<Receiver> {
  const counts = new Map<string, number>();
  const r: Receiver = {
    port: 0,
    url: (path, host = "127.0.0.1") => `http://${host}:${r.port}${path}`,
    received: [],
    behave: () => "ok",
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const host = (req.headers.host ?? "").replace(/:\d+$/, "");
      const path = req.url ?? "/";
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const how = r.behave({ host, path, body, n });
      r.received.push({
        host,
        path,
        headers: req.headers,
        body,
        answered: typeof how === "object" ? "ok" : how,
        at: performance.now(),
      });
      if (typeof how === "object") res.writeHead(200, { "content-type": "text/plain" }).end(how.body);
      else if (how === "ok") res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      else if (how === "429") res.writeHead(429, { "retry-after": "1" }).end("slow down");
      else if (how === "500") res.writeHead(500).end("boom");
      else if (how === "drop" || how === "accept-drop") req.socket.destroy();
      // "timeout": never answer; the client's deadline ends it.
    });
  });
  server.keepAliveTimeout = opts.keepAliveMs ?? 1000;
  server.listen(0, "0.0.0.0");
  await once(server, "listening");
  r.port = (server.address() as AddressInfo).port;
  return r;
}
