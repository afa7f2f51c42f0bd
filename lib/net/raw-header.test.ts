// rawHeader reads what req.headers would hold, for requests as a client may
// write them: any case, repeated fields, look-alike names of the same length.
import { once } from "node:events";
import http, { type IncomingMessage } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawHeader } from "./raw-header";

let server: http.Server;
let received: IncomingMessage[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    received.push(req);
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
});
afterAll(() => server.close());

/** Sends the header lines as written and returns the request the server parsed. */
async function parsed(lines: string[], body = ""): Promise<IncomingMessage> {
  received = [];
  const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
  socket.end(["POST / HTTP/1.1", "Host: x", ...lines, "Connection: close", "", body].join("\r\n"));
  socket.resume();
  await once(socket, "close");
  return received[0];
}

describe("rawHeader", () => {
  it("matches req.headers for names in any case, repeated fields and look-alikes", async () => {
    const req = await parsed([
      "ACCEPT-ENCODING: identity",
      "Accept-Encoding: br",
      'If-None-Match: "a"',
      'if-none-match: W/"b"',
      // Six letters, like cookie; fifteen, like accept-encoding.
      "Accept: text/html",
      "Accept-Language: en",
    ]);
    for (const name of ["accept-encoding", "if-none-match", "accept", "accept-language"])
      expect(rawHeader(req, name), name).toBe(req.headers[name]);
    expect(rawHeader(req, "accept-encoding")).toBe("identity, br");
    expect(rawHeader(req, "cookie")).toBeUndefined();
    expect(rawHeader(req, "content-length")).toBeUndefined();
  });

  it("finds fields that say a body or a cookie comes, however they are written", async () => {
    const req = await parsed(["cOOkie: a=1", "Content-Length: 0"]);
    expect(rawHeader(req, "cookie")).toBe("a=1");
    expect(rawHeader(req, "content-length")).toBe("0");
    expect(rawHeader(req, "transfer-encoding")).toBeUndefined();
    const chunked = await parsed(["TRANSFER-encoding: chunked"], "0\r\n\r\n");
    expect(rawHeader(chunked, "transfer-encoding")).toBe("chunked");
    expect(rawHeader(chunked, "content-length")).toBeUndefined();
  });
});
