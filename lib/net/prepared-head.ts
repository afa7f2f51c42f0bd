// A response head validated once and sent many times. `res.writeHead` checks every
// header name and value with a regular expression and builds the head string on each
// response; for a snapshot's dozen fixed headers that was ~13 % of a bare server's CPU
// per request here (34.8 → 30.3 µs, median of 5 wrk runs). The snapshot server
// sends the same headers thousands of times per version, so it prepares them once.
//
// Node has no public call that takes a finished head. This uses the one writeHead
// itself ends in, `OutgoingMessage#_storeHeader(firstLine, headers)`, giving it the
// status line and the validated fixed headers as the first line and no headers: Node
// still adds Date, Connection / Keep-Alive (deciding whether the connection stays
// open, as for any response) and, from `_contentLength`, Content-Length. Only where
// that gives what writeHead would (a GET over HTTP/1.1 with nothing set through
// setHeader) is it used; everything else, and a Node without `_storeHeader`, takes
// writeHead. prepared-head.test.ts compares both on the wire, so a Node that changes
// the internals fails it.
import { STATUS_CODES, ServerResponse, validateHeaderName, validateHeaderValue, type IncomingMessage } from "node:http";

export interface PreparedHead {
  status: number;
  message: string;
  /** Node's flat [name, value, …] list, Content-Length included, for writeHead. */
  headers: string[];
  /** The status line and every header line but Content-Length, as writeHead would write them. */
  lines: string;
}

interface NodeInternals {
  _storeHeader(firstLine: string, headers: null): void;
  _contentLength: number | null;
  /** The request said "Expect: 100-continue": writeHead may then close the connection. */
  _expect_continue: boolean;
}

const canStore = typeof (ServerResponse.prototype as Partial<NodeInternals>)._storeHeader === "function";

/** Validates the headers (throwing as writeHead would) and builds both forms. Values must be strings. */
export function prepareHead(status: number, headers: Readonly<Record<string, string>>): PreparedHead {
  const message = STATUS_CODES[status] ?? "unknown";
  let lines = `HTTP/1.1 ${status} ${message}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    if (name.toLowerCase() !== "content-length") lines += `${name}: ${value}\r\n`;
  }
  return { status, message, headers: Object.entries(headers).flat(), lines };
}

/** writeHead sends no body, and no Content-Length, for these. */
const hasBody = (status: number) => status >= 200 && status !== 204 && status !== 304;

/** Sends the head and the body (none for HEAD), the prepared way where it is the same on the wire. */
export function sendPrepared(req: IncomingMessage, res: ServerResponse, head: PreparedHead, body: Buffer): void {
  const r = res as ServerResponse & NodeInternals;
  if (
    canStore &&
    req.method === "GET" &&
    req.httpVersion === "1.1" &&
    hasBody(head.status) &&
    !r._expect_continue &&
    !res.headersSent &&
    res.getHeaderNames().length === 0
  ) {
    r.statusCode = head.status;
    r.statusMessage = head.message;
    r._contentLength = body.length;
    r._storeHeader(head.lines, null);
    r.end(body);
    return;
  }
  res.writeHead(head.status, head.headers);
  res.end(req.method === "HEAD" || body.length === 0 ? undefined : body);
}
