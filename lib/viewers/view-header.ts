// The view a snapshot render is made for. The snapshot server renders an
// audience's view through Next on a loopback connection with this header;
// it is signed with HERALD_SECRET so no request from outside (a POST that
// reaches Next directly) can claim a view.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Viewer } from "../public/visibility";

export const VIEW_HEADER = "x-herald-view";

const mac = (secret: string, key: string) => createHmac("sha256", secret).update(`view:${key}`).digest("base64url");

/** `audienceKey`: the viewer's sorted audience ids joined by commas ("" for a signed-in viewer with none). */
export function signView(audienceKey: string, secret: string): string {
  return `${audienceKey}.${mac(secret, audienceKey)}`;
}

/** The signed view, or null (no header, or not signed by this installation). */
export function readView(header: string | string[] | null | undefined, secret: string): Viewer | null {
  if (typeof header !== "string") return null;
  const dot = header.lastIndexOf(".");
  if (dot === -1) return null;
  const key = header.slice(0, dot);
  const given = Buffer.from(header.slice(dot + 1));
  const expected = Buffer.from(mac(secret, key));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { audiences: key ? key.split(",") : [] };
}

/** The key of a set of audience ids: sorted, comma-joined. */
export function audienceKey(ids: Iterable<string>): string {
  return [...new Set(ids)].sort().join(",");
}
