// Request bodies are capped while they are read, before anything parses them
// (DESIGN.md §8). The caps per path are one table, documented in the README.
import { IncomingMessage } from "node:http";

const KB = 1024;
const MB = 1024 * KB;

export interface BodyCap {
  bytes: number;
  /** For the 413 message: "64 KB". */
  label: string;
}

const cap = (bytes: number): BodyCap => ({ bytes, label: bytes >= MB ? `${bytes / MB} MB` : `${bytes / KB} KB` });

/** The first matching prefix wins; everything else (public forms, sign-in, cron) gets FORM_CAP. */
export const BODY_CAPS: readonly { prefix: string; cap: BodyCap; what: string }[] = [
  { prefix: "/api/v1/", cap: cap(1 * MB), what: "management API (JSON)" },
  { prefix: "/api/webhooks/", cap: cap(256 * KB), what: "provider webhooks" },
  // Alertmanager groups up to MAX_ALERTS alerts (lib/integrations/payload.ts) with their labels and annotations.
  { prefix: "/api/integrations/", cap: cap(512 * KB), what: "monitor alerts (Alertmanager, Grafana, generic JSON)" },
  // The subscriber CSV import (5 MB of CSV, lib/subscribers/admin.ts) plus the form's own fields.
  { prefix: "/admin/subscribers", cap: cap(6 * MB), what: "console subscriber import" },
  { prefix: "/admin", cap: cap(1 * MB), what: "console forms (postmortems run to 100,000 characters)" },
];
export const FORM_CAP = cap(64 * KB);

export function bodyCapFor(pathname: string): BodyCap {
  return BODY_CAPS.find((c) => pathname.startsWith(c.prefix))?.cap ?? FORM_CAP;
}

export type BodyCheck =
  /** No body, or a declared length within the cap (Node's parser never reads past Content-Length). */
  | { kind: "pass" }
  /** Over the cap: answer 413 without reading. */
  | { kind: "too_large"; cap: BodyCap }
  /** A body of unknown length (chunked): read it, counting, then replay it. */
  | { kind: "stream"; cap: BodyCap };

export function checkBody(req: IncomingMessage, pathname: string): BodyCheck {
  const c = bodyCapFor(pathname);
  const declared = req.headers["content-length"];
  if (declared !== undefined) return Number(declared) > c.bytes ? { kind: "too_large", cap: c } : { kind: "pass" };
  if (req.headers["transfer-encoding"] === undefined) return { kind: "pass" };
  return { kind: "stream", cap: c };
}

/**
 * Reads a chunked body, counting: resolves with a request carrying the same
 * bytes and a Content-Length (for the application to read as usual), or null
 * the moment the count passes the cap (then nothing more is read).
 */
export function readCapped(req: IncomingMessage, limit: number): Promise<IncomingMessage | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("error", reject);
    req.once("end", () => {
      if (size > limit) return;
      const body = Buffer.concat(chunks);
      const replay = new IncomingMessage(req.socket);
      replay.method = req.method;
      replay.url = req.url;
      replay.httpVersionMajor = req.httpVersionMajor;
      replay.httpVersionMinor = req.httpVersionMinor;
      replay.httpVersion = req.httpVersion;
      const headers = { ...req.headers, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      replay.headers = headers;
      replay.rawHeaders = Object.entries(headers).flatMap(([k, v]) =>
        Array.isArray(v) ? v.flatMap((x) => [k, x]) : [k, String(v)],
      );
      replay.push(body);
      replay.push(null);
      // As the parser leaves a fully received request; stream helpers otherwise call its end premature.
      replay.complete = true;
      resolve(replay);
    });
  });
}
