// A local HTTP server that replays recorded Statuspage JSON (tests/fixtures/statuspage):
// the public v2 endpoints of a page and the management API v1 with its
// authentication and pagination rules (incidents and most lists page from 1,
// subscribers from 0; `limit`/`per_page` at most 100). `edit` changes what it
// serves, to test a second import after the source changed.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { v1Incidents } from "../fixtures/statuspage/v1/incidents";

const dir = path.resolve(import.meta.dirname, "../fixtures/statuspage");
const load = (file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8"));

export const V1_KEY = "sp-test-key-0123456789";
export const V1_PAGE = "y2j98763l7lm";

export interface Replay {
  url: string;
  /** Every path+query asked for, in order. */
  requests: string[];
  /** The data served; tests change it between runs. */
  data: ReturnType<typeof fixtures>;
  close: () => Promise<void>;
}

function fixtures() {
  return {
    v2: {
      components: load("v2/components.json"),
      incidents: load("v2/incidents.json"),
      maintenances: load("v2/scheduled-maintenances.json"),
    },
    v1: {
      page: load("v1/page.json"),
      groups: load("v1/component-groups.json") as unknown[],
      subscribers: load("v1/subscribers.json") as Record<string, unknown[]>,
      templates: load("v1/incident-templates.json") as unknown[],
      incidents: v1Incidents() as unknown[],
    },
  };
}

export async function startReplay(): Promise<Replay> {
  const requests: string[] = [];
  const data = fixtures();
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    requests.push(u.pathname + u.search);
    const send = (status: number, body: unknown) => {
      // No keep-alive: a reused socket the server has since timed out fails the next test's fetch.
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", connection: "close" });
      res.end(JSON.stringify(body));
    };
    const v2: Record<string, unknown> = {
      "/api/v2/components.json": data.v2.components,
      "/api/v2/incidents.json": data.v2.incidents,
      "/api/v2/scheduled-maintenances.json": data.v2.maintenances,
    };
    if (v2[u.pathname]) return send(200, v2[u.pathname]);
    const m = /^\/v1\/pages\/([^/]+)(\/.*)?$/.exec(u.pathname);
    if (!m) return send(404, { error: "Not found" });
    if (req.headers.authorization !== `OAuth ${V1_KEY}`) return send(401, { error: "Could not authenticate" });
    if (m[1] !== V1_PAGE) return send(404, { error: "The requested resource could not be found." });
    const n = (name: string, dflt: number) => Number(u.searchParams.get(name) ?? dflt);
    const slice = (rows: unknown[], zeroBased = false, sizeParam = "per_page") => {
      const size = Math.min(n(sizeParam, 100), 100);
      const index = zeroBased ? n("page", 0) : n("page", 1) - 1;
      return rows.slice(index * size, (index + 1) * size);
    };
    const components = data.v2.components.components.map((c: object) => ({
      ...c,
      automation_email: "component+x@notifications.statuspage.io",
    }));
    switch (m[2] ?? "") {
      case "":
        return send(200, data.v1.page);
      case "/components":
        return send(200, slice(components));
      case "/component-groups":
        return send(200, slice(data.v1.groups));
      case "/incidents":
        return send(200, slice(data.v1.incidents, false, "limit"));
      case "/incident_templates":
        return send(200, slice(data.v1.templates));
      case "/subscribers":
        return send(200, slice(data.v1.subscribers[u.searchParams.get("state") ?? "active"] ?? [], true, "limit"));
      case "/subscribers/unsubscribed":
        return send(200, slice(data.v1.subscribers.unsubscribed));
      default:
        return send(404, { error: "Not found" });
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, data, close: () => new Promise((r) => server.close(() => r())) };
}
