// A prepared head goes out as writeHead would send it: compared on the wire, through
// a real server, for the requests that take the prepared way and for those that
// don't. If a Node release changes the internals prepared-head.ts relies on, this fails.
import { once } from "node:events";
import http from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareHead, sendPrepared } from "./prepared-head";

const BODY = Buffer.from("<!doctype html><p>All systems operational</p>");
const HEADERS = {
  "x-content-type-options": "nosniff",
  etag: '"v7-abc"',
  "cache-control": "public, max-age=0, s-maxage=5",
  "content-type": "text/html; charset=utf-8",
  "content-length": String(BODY.length),
};
const heads = {
  200: prepareHead(200, HEADERS),
  404: prepareHead(404, HEADERS),
  304: prepareHead(304, { etag: '"v7-abc"' }),
};

let server: http.Server;
beforeAll(async () => {
  // /w/<status> answers with writeHead, /p/<status> with sendPrepared; /p/set/<status> sets a header first.
  server = http.createServer((req, res) => {
    const [, how, ...rest] = (req.url ?? "").split("/");
    const status = Number(rest.at(-1)) as keyof typeof heads;
    if (rest[0] === "set") res.setHeader("x-set-first", "1");
    const body = status === 304 ? Buffer.alloc(0) : BODY;
    if (how === "p") return sendPrepared(req, res, heads[status], body);
    res.writeHead(status, heads[status].headers);
    res.end(req.method === "HEAD" || status === 304 ? undefined : body);
  });
  server.maxRequestsPerSocket = 3;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
});
afterAll(() => server.close());

interface Answer {
  raw: string;
  status: string;
  headers: string[];
  body: string;
}

/**
 * Writes the requests on one connection and reads `count` responses (none has a body when `bodies` is false), and
 * whether the server then closed the connection.
 */
async function exchange(
  requests: string[],
  count: number,
  bodies = true,
): Promise<{ answers: Answer[]; closed: boolean }> {
  const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
  socket.write(requests.join(""));
  let closed = false;
  socket.on("close", () => (closed = true));
  let buffered = "";
  const answers: Answer[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) break;
        const [status, ...lines] = buffered.slice(0, end).split("\r\n");
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffered.slice(0, end + 2))?.[1] ?? 0);
        const size = bodies && !status.includes(" 304 ") ? length : 0;
        if (buffered.length < end + 4 + size) break;
        // An interim answer (100 Continue) is not one of the responses.
        if (/^HTTP\/1\.1 1\d\d /.test(status)) {
          buffered = buffered.slice(end + 4);
          continue;
        }
        const headers = lines
          .filter((l) => !/^date:/i.test(l))
          .map((l) => l.replace(/^[^:]+/, (n) => n.toLowerCase()))
          .sort();
        answers.push({ raw: buffered.slice(0, end), status, headers, body: buffered.slice(end + 4, end + 4 + size) });
        buffered = buffered.slice(end + 4 + size);
      }
      if (answers.length >= count) resolve();
    });
  });
  // A connection the server closes is closed right after its answer; one it keeps stays open.
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  return { answers, closed };
}

const get = (path: string, extra: string[] = [], version = "1.1", method = "GET") =>
  [`${method} ${path} HTTP/${version}`, "Host: x", ...extra, "", ""].join("\r\n");

/** The same requests against writeHead (/w) and the prepared way (/p). */
async function both(make: (how: "w" | "p") => string[], count: number, bodies = true) {
  return { w: await exchange(make("w"), count, bodies), p: await exchange(make("p"), count, bodies) };
}

describe("sendPrepared", () => {
  it("sends a GET over HTTP/1.1 as writeHead does (Content-Length added by Node), connection kept", async () => {
    const { w, p } = await both((how) => [get(`/${how}/200`), get(`/${how}/404`)], 2);
    expect(p.answers.map(({ status, headers, body }) => ({ status, headers, body }))).toEqual(
      w.answers.map(({ status, headers, body }) => ({ status, headers, body })),
    );
    expect(p.answers[0].status).toBe("HTTP/1.1 200 OK");
    expect(p.answers[1].status).toBe("HTTP/1.1 404 Not Found");
    expect(p.answers[0].body).toBe(BODY.toString());
    expect(p.answers[0].headers).toContain("connection: keep-alive");
    expect([w.closed, p.closed]).toEqual([false, false]);
    // Taken the prepared way: Node wrote Content-Length itself, once.
    expect(p.answers[0].raw).toMatch(/\r\nContent-Length: \d+$/);
    expect(p.answers[0].raw.match(/content-length/gi)).toHaveLength(1);
    expect(w.answers[0].raw).toContain("\r\ncontent-length: ");
  });

  it("closes when the client asks, and says so at the server's limit of requests per connection", async () => {
    const close = await both((how) => [get(`/${how}/200`, ["Connection: close"])], 1);
    expect(close.p.answers[0].headers).toEqual(close.w.answers[0].headers);
    expect(close.p.answers[0].headers).toContain("connection: close");
    expect([close.w.closed, close.p.closed]).toEqual([true, true]);

    const limit = await both((how) => [get(`/${how}/200`), get(`/${how}/200`), get(`/${how}/200`)], 3);
    expect(limit.p.answers.map((a) => a.headers)).toEqual(limit.w.answers.map((a) => a.headers));
    expect(limit.p.answers[2].headers).toContain("connection: close");
    expect(limit.p.closed).toBe(limit.w.closed);
  });

  it("answers HEAD, 304, HTTP/1.0, Expect and a response with headers already set as writeHead does", async () => {
    const cases: [(how: string) => string[], boolean][] = [
      [(how) => [get(`/${how}/200`, [], "1.1", "HEAD")], false],
      [(how) => [get(`/${how}/304`)], false],
      [(how) => [get(`/${how}/200`, [], "1.0")], true],
      [(how) => [get(`/${how}/200`, ["Connection: keep-alive"], "1.0")], true],
      [(how) => [get(`/${how}/200`, ["Expect: 100-continue"])], true],
      [(how) => [get(`/${how}/set/200`)], true],
    ];
    for (const [make, bodies] of cases) {
      const { w, p } = await both(make, 1, bodies);
      const what = make("p")[0].split("\r\n").slice(0, 3).join(" | ");
      expect(p.answers[0].headers, what).toEqual(w.answers[0].headers);
      expect(p.answers[0].status, what).toBe(w.answers[0].status);
      expect(p.answers[0].body, what).toBe(w.answers[0].body);
      expect(p.closed, what).toBe(w.closed);
    }
  });
});

describe("prepareHead", () => {
  it("refuses what writeHead refuses, when preparing", () => {
    expect(() => prepareHead(200, { "x-a": "1\r\nset-cookie: a=1" })).toThrow(/Invalid character/);
    expect(() => prepareHead(200, { "x a": "1" })).toThrow(/must be a valid HTTP token/);
  });
});
