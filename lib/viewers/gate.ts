// The view gate in front of the snapshots (issue 13): each public GET is
// mapped to the snapshot of its reader's view, or refused on a private page.
// Anonymous readers of a public page keep today's key (the path), so the
// public site is unchanged and as fast; no database read happens here.
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAddress, type TrustedProxies } from "../edge/client-ip";
import { rawHeader } from "../net/raw-header";
import { splitViewKey, viewerTokenOf, viewSnapshotKey } from "../snapshots/routes";
import { decideAccess, type ViewerAccess } from "./access";

export interface ViewGateOptions {
  /** The access model of the current content version; null while it is unknown (the database never reached). */
  access: () => ViewerAccess | null;
  secret: string;
  trust: TrustedProxies;
  now?: () => number;
}

/** JSON, feeds, badges, images, scripts: refused with 401 (they take ?token=); pages go to the sign-in form. */
export function isMachinePath(path: string): boolean {
  const q = path.indexOf("?");
  const p = q === -1 ? path : path.slice(0, q);
  return p.startsWith("/api/") || /\.(json|rss|atom|ics|svg|png|js)$/.test(p);
}

export const SIGN_IN_PATH = "/viewer/sign-in";

export function createViewGate(opts: ViewGateOptions) {
  const now = opts.now ?? Date.now;
  return function view(req: IncomingMessage, res: ServerResponse, key: string): string | null {
    const access = opts.access();
    if (!access) return key;
    const url = req.url ?? "/";
    const token = viewerTokenOf(url);
    // The hot path: on a public page a reader with neither token nor cookie is anonymous (decideAccess's last rule).
    if (access.visibility === "public" && token === null && rawHeader(req, "cookie") === undefined) return key;
    const decision = decideAccess(
      access,
      {
        cookie: req.headers.cookie,
        token,
        // Computed here, never read from a header: on the hot path the edge has not overwritten what the client sent.
        ip: () =>
          clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], req.headers["x-real-ip"], opts.trust),
      },
      opts.secret,
      now(),
    );
    if (decision.kind === "view") {
      // A public page's readers with no audience share the anonymous site; a private page's views never do.
      if (access.visibility === "public" && decision.key === "") return key;
      return viewSnapshotKey(decision.key, splitViewKey(key).path);
    }
    if (isMachinePath(key) || decision.reason === "bad_token") {
      res.writeHead(401, {
        "content-type": "application/json",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      res.end(
        JSON.stringify({
          error:
            decision.reason === "bad_token"
              ? "This viewer token is unknown or revoked."
              : "This status page is private: sign in, or add ?token=<your viewer token> to the URL.",
        }),
      );
    } else {
      res.writeHead(303, { location: `${SIGN_IN_PATH}?next=${encodeURIComponent(key)}`, "cache-control": "no-store" });
      res.end();
    }
    return null;
  };
}
