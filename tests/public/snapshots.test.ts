import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { staticHtml } from "../../lib/snapshots/html";
import { pruneCss, usedClasses, usedTags } from "../../lib/snapshots/prune-css";
import { snapshotKey } from "../../lib/snapshots/routes";
import { createSnapshotServer, negotiate, type Rendered, type SnapshotServer } from "../../lib/snapshots/server";
import { finishSnapshot, makeSnapshot, SnapshotStore } from "../../lib/snapshots/store";

// The snapshot server in front of a stand-in application: a render function
// that counts its calls and answers from a table the test controls.

interface Harness {
  url: string;
  snapshots: SnapshotServer;
  renders: string[];
  passedThrough: string[];
  pages: Map<string, Rendered>;
  setVersion: (v: number) => void;
  /** The most renders that ran at the same time. */
  maxConcurrent: () => number;
  /** Renders that start from now on wait until the returned function is called. */
  hold: () => () => void;
}

const open: Server[] = [];
/** For vi.waitFor: what a timer or a render brings on a loaded machine, not within vitest's default second. */
const PATIENT = { timeout: 10_000, interval: 20 };
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function harness(
  opts: {
    store?: SnapshotStore;
    renderDelayMs?: number;
    pollMs?: number;
    notFoundKey?: string;
    exists?: (key: string) => boolean | null;
    warmKeys?: string[];
    warmUpRounds?: number;
    keepWarmMs?: number;
    onVersion?: (version: number) => void;
    /** The page a render returns, given how many renders came before it (else `pages`). */
    page?: (key: string, rendered: number) => Rendered;
  } = {},
): Promise<Harness> {
  let version = 1;
  const renders: string[] = [];
  const passedThrough: string[] = [];
  const pages = new Map<string, Rendered>([["/", html(200, "<p>home v1</p>")]]);
  let running = 0;
  let maxConcurrent = 0;
  let gate: Promise<void> | null = null;
  const snapshots = createSnapshotServer({
    store: opts.store ?? new SnapshotStore(),
    render: async (key) => {
      const page = opts.page?.(key, renders.length) ?? pages.get(key) ?? html(404, "<p>not found</p>");
      renders.push(key);
      maxConcurrent = Math.max(maxConcurrent, ++running);
      // The page as it is when the render starts (a render reads the database once).
      if (opts.renderDelayMs) await new Promise((r) => setTimeout(r, opts.renderDelayMs));
      if (gate) await gate;
      running--;
      return page;
    },
    readVersion: async () => version,
    pollMs: opts.pollMs ?? 60_000,
    notFoundKey: opts.notFoundKey,
    exists: opts.exists && (async (key) => opts.exists!(key)),
    // Counting renders below is about requests; warming has its own test.
    warmKeys: opts.warmKeys ?? [],
    warmUpRounds: opts.warmUpRounds,
    keepWarmMs: opts.keepWarmMs,
    onVersion: opts.onVersion,
    log: () => {},
  });
  await snapshots.start();
  const server = createServer((req, res) =>
    snapshots.handle(req, res, () => {
      passedThrough.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("from the app");
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  open.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    snapshots,
    renders,
    passedThrough,
    pages,
    setVersion: (v) => (version = v),
    maxConcurrent: () => maxConcurrent,
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

function html(status: number, body: string): Rendered {
  return {
    status,
    contentType: "text/html; charset=utf-8",
    body: Buffer.from(`<!DOCTYPE html><html><body>${body}</body></html>`),
  };
}

/** Raw GET (fetch would decompress and hide the encoding); `from`: a local address other than 127.0.0.1. */
function get(url: string, headers: Record<string, string> = {}, method = "GET", from?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { method, headers, localAddress: from, agent: from ? false : undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("snapshot server", () => {
  it("renders a miss once, then serves the stored bytes with an ETag and 304s", async () => {
    const h = await harness();
    const first = await get(`${h.url}/`);
    expect(first.status).toBe(200);
    expect(first.headers["x-herald-snapshot"]).toBe("MISS");
    expect(first.body.toString()).toContain("home v1");
    expect(first.headers["cache-control"]).toContain("s-maxage=5");
    const second = await get(`${h.url}/`);
    expect(second.headers["x-herald-snapshot"]).toBe("HIT");
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(h.renders).toEqual(["/"]);
    const notModified = await get(`${h.url}/`, { "if-none-match": String(first.headers.etag) });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect((await get(`${h.url}/`, { "if-none-match": '"other"' })).status).toBe(200);
  });

  it("reads validators and encodings written in any case or in repeated fields, as Node parses them", async () => {
    const h = await harness();
    const etag = String((await get(`${h.url}/`)).headers.etag);
    const head = async (lines: string[]) => {
      const socket = connect(Number(new URL(h.url).port), "127.0.0.1");
      socket.end(["GET / HTTP/1.1", "Host: x", ...lines, "Connection: close", "", ""].join("\r\n"));
      let text = "";
      for await (const chunk of socket) text += chunk.toString("latin1");
      return text.slice(0, text.indexOf("\r\n\r\n")).toLowerCase();
    };
    expect(await head(['IF-NONE-MATCH: "other"', `if-none-match: ${etag}`])).toMatch(/^http\/1.1 304/);
    expect(await head(['If-None-Match: "other"'])).toMatch(/^http\/1.1 200/);
    const encoded = await head(["ACCEPT-ENCODING: identity", "accept-encoding: gzip"]);
    expect(encoded).toContain("content-encoding: gzip");
    expect(await head(["Accept-Language: br", "Accept: br"])).not.toContain("content-encoding");
  });

  it("negotiates brotli, gzip and identity, and answers HEAD without a body", async () => {
    const h = await harness();
    const plain = (await get(`${h.url}/`)).body;
    const br = await get(`${h.url}/`, { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body)).toEqual(plain);
    const gz = await get(`${h.url}/`, { "accept-encoding": "gzip, br;q=0" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body)).toEqual(plain);
    const id = await get(`${h.url}/`, { "accept-encoding": "identity" });
    expect(id.headers["content-encoding"]).toBeUndefined();
    const head = await get(`${h.url}/`, { "accept-encoding": "gzip" }, "HEAD");
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(gz.body.length);
    expect(head.body.length).toBe(0);
    expect(negotiate("*")).toBe("br");
    expect(negotiate("gzip;q=0, identity")).toBe("identity");
  });

  it(
    "renders the warm set as soon as a new version is seen, and " +
      "the first reader after a publish joins that render",
    async () => {
      const h = await harness({ warmKeys: ["/", "/history"], renderDelayMs: 50 });
      // Polls instead of fixed sleeps: a busy machine may take longer, never a different path.
      const rendered = async (n: number) => {
        for (let i = 0; i < 250 && h.renders.length < n; i++) await new Promise((r) => setTimeout(r, 20));
      };
      await rendered(2);
      expect(h.renders).toEqual(["/", "/history"]);
      h.pages.set("/", html(200, "<p>home v2</p>"));
      h.setVersion(2);
      // A write finishes (any non-GET): the version is re-read at once and warming starts before any GET.
      await get(`${h.url}/publish`, {}, "POST");
      await rendered(3);
      expect(h.renders).toEqual(["/", "/history", "/"]);
      const page = await get(`${h.url}/`);
      expect(page.body.toString()).toContain("home v2");
      await rendered(4);
      expect(h.renders).toEqual(["/", "/history", "/", "/history"]);
    },
  );

  it("warms up once, after the first warm set: the set rendered the given number of times more, unstored", async () => {
    const h = await harness({
      warmKeys: ["/", "/history"],
      warmUpRounds: 2,
      page: (key, rendered) => html(200, `<p>${key} render ${rendered}</p>`),
    });
    const twice = ["/", "/history", "/", "/history"];
    await vi.waitFor(() => expect(h.renders).toEqual(["/", "/history", ...twice]), PATIENT);
    // Readers get the warm set's renders.
    expect((await get(`${h.url}/`)).body.toString()).toContain("/ render 0");
    expect((await get(`${h.url}/history`)).body.toString()).toContain("/history render 1");
    // A new version renders its warm set, and no warm-up follows.
    h.setVersion(2);
    await get(`${h.url}/admin/action`, {}, "POST");
    await vi.waitFor(() => expect(h.renders).toHaveLength(8), PATIENT);
    expect((await get(`${h.url}/`)).body.toString()).toContain("/ render 6");
    await new Promise((r) => setTimeout(r, 100));
    expect(h.renders).toHaveLength(8);
  });

  it("warms up again, unstored, when the application process was started again", async () => {
    const h = await harness({
      warmKeys: ["/"],
      warmUpRounds: 2,
      page: (key, rendered) => html(200, `<p>${key} render ${rendered}</p>`),
    });
    await vi.waitFor(() => expect(h.renders).toEqual(["/", "/", "/"]), PATIENT);
    h.snapshots.applicationRestarted();
    await vi.waitFor(() => expect(h.renders).toHaveLength(5), PATIENT);
    expect((await get(`${h.url}/`)).body.toString()).toContain("/ render 0");
    await new Promise((r) => setTimeout(r, 100));
    expect(h.renders).toHaveLength(5);
  });

  it("ends the warm-up at a new version, which is rendered and served as usual", async () => {
    const h = await harness({ warmKeys: ["/"], warmUpRounds: 100_000, renderDelayMs: 2 });
    await vi.waitFor(() => expect(h.renders.length).toBeGreaterThan(5), PATIENT);
    h.pages.set("/", html(200, "<p>home v2</p>"));
    h.setVersion(2);
    await get(`${h.url}/admin/action`, {}, "POST");
    await vi.waitFor(async () => expect((await get(`${h.url}/`)).body.toString()).toContain("home v2"), PATIENT);
    const ended = h.renders.length;
    await new Promise((r) => setTimeout(r, 100));
    // At most the warm-up render that was running when the version came.
    expect(h.renders.length - ended).toBeLessThanOrEqual(1);
  });

  it("ends the warm-up at a failed render (the database away)", async () => {
    const h = await harness({
      warmKeys: ["/", "/history"],
      warmUpRounds: 5,
      page: (key, rendered) => html(rendered === 3 ? 500 : 200, `<p>${key}</p>`),
    });
    await vi.waitFor(() => expect(h.renders).toHaveLength(4), PATIENT);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.renders).toEqual(["/", "/history", "/", "/history"]);
  });

  it("keeps warm: the warm set rendered again, unstored, whenever nothing has rendered for keepWarmMs", async () => {
    const started: number[] = [];
    const h = await harness({
      warmKeys: ["/", "/history"],
      warmUpRounds: 0,
      keepWarmMs: 200,
      page: (key, rendered) => {
        started.push(performance.now());
        return html(200, `<p>${key} render ${rendered}</p>`);
      },
    });
    const round = ["/", "/history"];
    await vi.waitFor(() => expect(h.renders).toEqual([...round, ...round]), PATIENT);
    // Readers still get the stored renders.
    expect((await get(`${h.url}/`)).body.toString()).toContain("/ render 0");
    // A publish's renders put the next round off: it comes keepWarmMs after the last render, not on a clock.
    h.setVersion(2);
    await get(`${h.url}/admin/action`, {}, "POST");
    await vi.waitFor(() => expect(h.renders).toHaveLength(8), PATIENT);
    expect(h.renders).toEqual([...round, ...round, ...round, ...round]);
    expect((await get(`${h.url}/`)).body.toString()).toContain("/ render 4");
    for (const at of [2, 6]) expect(started[at] - started[at - 1]).toBeGreaterThanOrEqual(199);
    h.snapshots.stop();
    const stopped = h.renders.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(h.renders).toHaveLength(stopped);
  });

  it("shares one render between concurrent misses", async () => {
    const h = await harness({ renderDelayMs: 100 });
    const all = await Promise.all(Array.from({ length: 25 }, () => get(`${h.url}/`)));
    expect(all.every((r) => r.status === 200 && r.body.toString().includes("home v1"))).toBe(true);
    expect(h.renders).toEqual(["/"]);
  });

  it("shows an in-process write on the very next request after a non-GET finishes", async () => {
    const h = await harness(); // the poll is a minute away: only the mark can refresh
    await get(`${h.url}/`);
    h.pages.set("/", html(200, "<p>home v2</p>"));
    h.setVersion(2);
    // Without a mark the version is not re-read yet: still the stored page.
    expect((await get(`${h.url}/`)).body.toString()).toContain("home v1");
    await get(`${h.url}/admin/action`, {}, "POST");
    expect(h.passedThrough).toEqual(["POST /admin/action"]);
    const fresh = await get(`${h.url}/`);
    expect(fresh.body.toString()).toContain("home v2");
    expect(fresh.headers["x-herald-snapshot"]).toBe("MISS");
  });

  it("serves the previous page while the new version renders once; the address that wrote waits for it", async () => {
    const h = await harness({ warmKeys: ["/"] });
    await get(`${h.url}/`);
    expect(h.renders).toEqual(["/"]);
    h.pages.set("/", html(200, "<p>home v2</p>"));
    h.setVersion(2);
    const release = h.hold();
    // The publisher (127.0.0.1) finishes a write: the new version is read and "/" starts rendering at once.
    await get(`${h.url}/admin/action`, {}, "POST");
    // Everybody else keeps getting the previous page while that render runs, without starting another.
    const strangers = await Promise.all(Array.from({ length: 20 }, () => get(`${h.url}/`, {}, "GET", "127.0.0.2")));
    for (const r of strangers) {
      expect(r.status).toBe(200);
      expect(r.headers["x-herald-snapshot"]).toBe("STALE");
      expect(r.body.toString()).toContain("home v1");
    }
    expect(h.renders).toEqual(["/", "/"]);
    // The publisher's next request joins the render and sees the publish.
    const own = get(`${h.url}/`);
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect((await own).body.toString()).toContain("home v2");
    expect(h.renders).toEqual(["/", "/"]);
    const after = await get(`${h.url}/`, {}, "GET", "127.0.0.2");
    expect(after.headers["x-herald-snapshot"]).toBe("HIT");
    expect(after.body.toString()).toContain("home v2");
    expect(h.maxConcurrent()).toBe(1);
  });

  it("renders a path once at a time: a newer version waits for the running render, skips those between", async () => {
    const h = await harness();
    await get(`${h.url}/`);
    const stranger = () => get(`${h.url}/`, {}, "GET", "127.0.0.2");
    h.pages.set("/", html(200, "<p>home v2</p>"));
    h.setVersion(2);
    h.snapshots.markChanged();
    const release = h.hold();
    expect((await stranger()).body.toString()).toContain("home v1"); // v2 renders in the background
    h.pages.set("/", html(200, "<p>home v3</p>"));
    h.setVersion(3);
    h.snapshots.markChanged();
    expect((await stranger()).body.toString()).toContain("home v1"); // v3 waits for the v2 render
    h.setVersion(4);
    h.snapshots.markChanged();
    expect((await stranger()).body.toString()).toContain("home v1");
    expect(h.renders).toEqual(["/", "/"]);
    release();
    for (let i = 0; i < 100 && !(await stranger()).body.toString().includes("home v3"); i++)
      await new Promise((r) => setTimeout(r, 20));
    const r = await stranger();
    expect(r.headers["x-herald-snapshot"]).toBe("HIT");
    expect(r.body.toString()).toContain("home v3");
    // v1, v2, then one render for v3 and v4 together.
    expect(h.renders).toEqual(["/", "/", "/"]);
    expect(h.maxConcurrent()).toBe(1);
  });

  it("serves a database put back to an older copy (a lower version), rendering it once", async () => {
    const h = await harness();
    await get(`${h.url}/`);
    h.pages.set("/", html(200, "<p>home v3</p>"));
    h.setVersion(3);
    h.snapshots.markChanged();
    expect((await get(`${h.url}/`)).body.toString()).toContain("home v3");
    // A backup from before the v3 publish is restored: its version is lower than the snapshot's.
    h.pages.set("/", html(200, "<p>home restored</p>"));
    h.setVersion(2);
    h.snapshots.markChanged();
    const restored = await get(`${h.url}/`, {}, "GET", "127.0.0.2");
    expect(restored.body.toString()).toContain("home restored");
    expect(restored.headers["x-herald-snapshot"]).toBe("MISS");
    const again = await get(`${h.url}/`, {}, "GET", "127.0.0.2");
    expect(again.headers["x-herald-snapshot"]).toBe("HIT");
    expect(again.body.toString()).toContain("home restored");
    expect(h.renders).toEqual(["/", "/", "/"]);
  });

  it("never serves a previous 404 while the path renders: a published incident appears at once", async () => {
    const h = await harness({ renderDelayMs: 50 });
    expect((await get(`${h.url}/incidents/abc123`, {}, "GET", "127.0.0.2")).status).toBe(404);
    h.pages.set("/incidents/abc123", html(200, "<h1>Outage</h1>"));
    h.setVersion(2);
    h.snapshots.markChanged();
    const page = await get(`${h.url}/incidents/abc123`, {}, "GET", "127.0.0.2");
    expect(page.status).toBe(200);
    expect(page.headers["x-herald-snapshot"]).toBe("MISS");
  });

  it("picks up other processes' writes through the poll and renders them before anyone asks", async () => {
    const h = await harness({ pollMs: 50, warmKeys: ["/"] });
    await get(`${h.url}/`);
    h.pages.set("/", html(200, "<p>home v2</p>"));
    h.setVersion(2);
    // No one asks: the poll's read of the version starts the render of /.
    await vi.waitFor(() => expect(h.renders).toEqual(["/", "/"]), PATIENT);
    await vi.waitFor(async () => expect((await get(`${h.url}/`)).body.toString()).toContain("home v2"), PATIENT);
    expect(h.renders).toEqual(["/", "/"]);
  });

  it("re-reads the version when told another process may have written, and renders what changed", async () => {
    const h = await harness({ warmKeys: ["/"] });
    await get(`${h.url}/`);
    h.pages.set("/", html(200, "<p>home v2</p>"));
    // The poll is a minute away; the database file's watcher (db/watch.ts) says a commit happened. The first read
    // starts before the second commit: the second word must bring a read after it, not join the running one.
    h.snapshots.recheckVersion();
    h.setVersion(2);
    h.snapshots.recheckVersion();
    await vi.waitFor(async () => expect((await get(`${h.url}/`)).body.toString()).toContain("home v2"), PATIENT);
    expect(h.renders.filter((k) => k === "/")).toHaveLength(2);
  });

  it("starts a new version's first render before the work of onVersion (a large page's path index)", async () => {
    let rendersAtV2: string[] | null = null;
    const h: Harness = await harness({
      warmKeys: ["/"],
      onVersion: (v) => {
        if (v === 2) rendersAtV2 = [...h.renders];
      },
    });
    await get(`${h.url}/`); // once the first version's render is stored (a render of / waits for the running one)
    h.setVersion(2);
    h.snapshots.recheckVersion();
    await vi.waitFor(() => expect(rendersAtV2).not.toBeNull(), PATIENT);
    expect(rendersAtV2).toEqual(["/", "/"]);
  });

  it("stores a 404 for the current version only, so a published incident appears at once", async () => {
    const h = await harness();
    expect((await get(`${h.url}/incidents/abc123`)).status).toBe(404);
    expect((await get(`${h.url}/incidents/abc123`)).status).toBe(404);
    expect(h.renders).toEqual(["/incidents/abc123"]);
    h.pages.set("/incidents/abc123", html(200, "<h1>Outage</h1>"));
    h.setVersion(2);
    h.snapshots.markChanged();
    const page = await get(`${h.url}/incidents/abc123`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain("Outage");
  });

  it(
    "serves every HTML 404 with the not-found page's complete " +
      "body, rendered once per version (Next's 404 is a blank " +
      "shell without JS)",
    async () => {
      const h = await harness({ notFoundKey: "/page-not-found" });
      h.pages.set("/page-not-found", html(200, '<h1>Page not found</h1><a href="/">Back</a>'));
      for (const key of ["/incidents/abc123", "/incidents/def456", "/history?page=9"]) {
        const res = await get(`${h.url}${key}`);
        expect(res.status, key).toBe(404);
        expect(res.body.toString()).toContain("<h1>Page not found</h1>");
      }
      expect(h.renders.filter((k) => k === "/page-not-found")).toHaveLength(1);
      // Published: the very next request is the page, not a cached 404.
      h.pages.set("/incidents/abc123", html(200, "<h1>Outage</h1>"));
      h.setVersion(2);
      h.snapshots.markChanged();
      expect((await get(`${h.url}/incidents/abc123`)).status).toBe(200);
      expect((await get(`${h.url}/incidents/def456`)).body.toString()).toContain("Page not found");
      expect(h.renders.filter((k) => k === "/page-not-found")).toHaveLength(2);
    },
  );

  it("keeps Next's own 404 body when the not-found page cannot render", async () => {
    const h = await harness({ notFoundKey: "/page-not-found" });
    const res = await get(`${h.url}/incidents/abc123`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain("<p>not found</p>");
  });

  it("sends the application's own paths and non-GETs straight to it", async () => {
    const h = await harness();
    await get(`${h.url}/admin`);
    await get(`${h.url}/_next/static/x.css`);
    await get(`${h.url}/subscriptions/manage?token=x`);
    await get(`${h.url}/`, {}, "POST");
    expect(h.passedThrough).toEqual([
      "GET /admin",
      "GET /_next/static/x.css",
      "GET /subscriptions/manage?token=x",
      "POST /",
    ]);
    expect(h.renders).toEqual([]);
  });

  // Regression: any session cookie, even a made-up one, turned every request into a full render.
  it("serves the snapshot whatever cookie comes with the request", async () => {
    const h = await harness();
    for (const cookie of [
      "herald.session_token=anything",
      "__Secure-herald.session_token=abc.def",
      `theme=dark; herald.session_token=${"x".repeat(4000)}`,
    ])
      expect((await get(`${h.url}/`, { cookie })).headers["x-herald-snapshot"]).toMatch(/HIT|MISS/);
    expect(h.passedThrough).toEqual([]);
    expect(h.renders).toEqual(["/"]);
  });

  it("answers unknown paths, ids and page numbers with the saved 404 page and never renders them", async () => {
    const h = await harness({
      notFoundKey: "/page-not-found",
      exists: (key) => key === "/" || key === "/page-not-found",
    });
    h.pages.set("/page-not-found", html(200, "<h1>Page not found</h1>"));
    for (const path of [
      "/wp-login.php",
      "/random/deep/path?x=1",
      "/incidents/zzz999",
      "/incidents/ABC",
      "/history?page=99999",
      "/components/abc/badge.svg",
    ]) {
      const res = await get(`${h.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.toString()).toContain("<h1>Page not found</h1>");
    }
    expect(h.renders).toEqual(["/page-not-found"]);
    expect(h.passedThrough).toEqual([]);
  });

  it(
    "with the version unreadable and nothing saved for a path, " + "answers the saved 404 page instead of rendering",
    async () => {
      const store = new SnapshotStore();
      store.set(await makeSnapshot("/page-not-found", 3, 200, "text/html", Buffer.from("<h1>Saved 404</h1>")));
      store.set(await makeSnapshot("/api/v2/summary.json", 3, 200, "application/json", Buffer.from('{"ok":true}')));
      const rendered: string[] = [];
      const down = createSnapshotServer({
        store,
        render: async (key) => {
          rendered.push(key);
          return { status: 500, contentType: "text/plain", body: Buffer.from("db down") };
        },
        readVersion: async () => {
          throw new Error("unreachable");
        },
        notFoundKey: "/page-not-found",
        log: () => {},
      });
      await down.start();
      down.stop();
      const server = createServer((req, res) => down.handle(req, res, () => res.end("app")));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      open.push(server);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await get(`${base}/api/v2/summary.json`)).body.toString()).toBe('{"ok":true}');
      const missing = await get(`${base}/incidents/abc123`);
      expect(missing.status).toBe(404);
      expect(missing.body.toString()).toBe("<h1>Saved 404</h1>");
      expect(rendered).toEqual([]);
      expect(down.databaseDown).toBe(true);
    },
  );

  it("keys by path and the route's own query parameters only", async () => {
    expect(snapshotKey("/?utm_source=x")).toBe("/");
    expect(snapshotKey("/history?page=2&utm=x")).toBe("/history?page=2");
    expect(snapshotKey("/history")).toBe("/history");
    expect(snapshotKey("/incidents/abc123?x=1")).toBe("/incidents/abc123");
    expect(snapshotKey("/incidents/ABC")).toBeNull();
    expect(snapshotKey("/admin")).toBeNull();
    const h = await harness();
    await get(`${h.url}/?a=1`);
    await get(`${h.url}/?b=2`);
    expect(h.renders).toEqual(["/"]);
  });

  it("does not store errors and keeps serving the last good snapshot over them", async () => {
    const h = await harness();
    await get(`${h.url}/`);
    h.pages.set("/", { status: 500, contentType: "text/html", body: Buffer.from("boom") });
    h.setVersion(2);
    h.snapshots.markChanged();
    const r = await get(`${h.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers["x-herald-snapshot"]).toBe("STALE");
    expect(r.body.toString()).toContain("home v1");
  });
});

describe("snapshot store", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempFile = () => {
    const d = mkdtempSync(path.join(tmpdir(), "herald-snap-"));
    dirs.push(d);
    return path.join(d, "snapshots.json");
  };

  it("persists the 200s and serves them when the version cannot be read after a restart", async () => {
    const file = tempFile();
    const store = new SnapshotStore({ file, buildId: "b1" });
    store.set(await makeSnapshot("/", 7, 200, "text/html", Buffer.from("<p>saved</p>")));
    store.set(await makeSnapshot("/incidents/x", 7, 404, "text/html", Buffer.from("nope")));
    store.save();

    const restored = new SnapshotStore({ file, buildId: "b1" });
    expect(restored.load()).toBe(1);
    expect(restored.get("/")?.version).toBe(7);
    // A cold start with the database away: the version is unknown.
    const cold = createSnapshotServer({
      store: restored,
      render: async () => ({ status: 503, contentType: "text/plain", body: Buffer.from("down") }),
      readVersion: async () => {
        throw new Error("unreachable");
      },
      log: () => {},
    });
    await cold.start();
    cold.stop();
    expect(cold.version).toBeNull();
    const server = createServer((req, res) => cold.handle(req, res, () => res.end("app")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    open.push(server);
    const r = await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe("<p>saved</p>");
  });

  it("bounds the bytes it holds and the bytes it saves, keeping the most recently rendered", async () => {
    // 1 KB pages that do not compress: every entry holds a little over 3 KB in its three encodings.
    const page = (k: string) => makeSnapshot(k, 1, 200, "text/html", randomBytes(1000), "fast");
    const file = tempFile();
    const store = new SnapshotStore({ file, buildId: "b", maxBytes: 20_000, maxSavedBytes: 10_000 });
    for (let i = 0; i < 10; i++) store.set(await page(`/incidents/p${i}`));
    // A crawl of every incident page (and card) grows neither memory nor the saved file past their bounds.
    expect(store.bytes).toBeLessThanOrEqual(20_000);
    expect(store.size).toBe(6);
    expect(store.get("/incidents/p3")).toBeUndefined();
    expect(store.get("/incidents/p9")).toBeDefined();
    store.save();
    // The file holds the bytes in base64: a third more than they are.
    expect(statSync(file).size).toBeLessThanOrEqual(10_000);
    const restored = new SnapshotStore({ file, buildId: "b" });
    expect(restored.load()).toBe(2);
    expect(["/incidents/p8", "/incidents/p9"].map((k) => restored.get(k)?.version)).toEqual([1, 1]);
  });

  it("survives a failed save (disk full, a directory in the way): logged once, no temp file, retried", async () => {
    const file = tempFile();
    mkdirSync(file);
    const logged: string[] = [];
    const store = new SnapshotStore({ file, buildId: "b", saveDelayMs: 5, log: (line) => logged.push(line) });
    store.set(await makeSnapshot("/", 1, 200, "text/html", Buffer.from("one")));
    // Thrown from the save timer, the error would be uncaught: the whole server would exit.
    await vi.waitFor(() => expect(logged.join("\n")).toMatch(/ERROR saving the public snapshots/));
    expect(readdirSync(path.dirname(file))).toEqual(["snapshots.json"]);
    // Tried again (after 10, 20, 40… ms here) without a change to bring it, and not logged again each time.
    await new Promise((r) => setTimeout(r, 100));
    expect(logged).toHaveLength(1);
    rmdirSync(file);
    await vi.waitFor(() => expect(existsSync(file)).toBe(true), { timeout: 5000 });
    expect(logged[1]).toMatch(/saved again, after \d+ failures/);
    const restored = new SnapshotStore({ file, buildId: "b" });
    expect(restored.load()).toBe(1);
    expect(restored.get("/")?.identity.toString()).toBe("one");
  });

  it("treats another build's snapshots as a fallback, never as current", async () => {
    const file = tempFile();
    const store = new SnapshotStore({ file, buildId: "old" });
    store.set(await makeSnapshot("/", 3, 200, "text/html", Buffer.from("old build")));
    store.save();
    const next = new SnapshotStore({ file, buildId: "new" });
    next.load();
    expect(next.get("/")?.version).toBe(-1);
  });

  it("stores a fresh render quickly compressed, then the best: same bytes decoded, same ETag, smaller", async () => {
    const body = Buffer.from(
      Array.from(
        { length: 1000 },
        (_, i) => `<li class="bar b${(i * 7919) % 97}">day ${i}: ${(i * 104729) % 9973}</li>`,
      ).join(""),
    );
    const fast = await makeSnapshot("/", 1, 200, "text/html", body, "fast");
    const best = await finishSnapshot(fast);
    for (const snap of [fast, best]) {
      expect(brotliDecompressSync(snap.br)).toEqual(body);
      expect(gunzipSync(snap.gzip)).toEqual(body);
    }
    expect(best.etag).toBe(fast.etag);
    expect(best.br.length).toBeLessThan(fast.br.length);
    const direct = await makeSnapshot("/", 1, 200, "text/html", body);
    expect([direct.gzip, direct.br]).toEqual([best.gzip, best.br]);
  });

  it("keeps the same ETag for the same bytes and bounds its size", async () => {
    const a = await makeSnapshot("/", 1, 200, "text/html", Buffer.from("same"));
    const b = await makeSnapshot("/", 2, 200, "text/html", Buffer.from("same"));
    expect(a.etag).toBe(b.etag);
    const store = new SnapshotStore({ maxEntries: 2 });
    for (const k of ["/a", "/b", "/c"]) store.set(await makeSnapshot(k, 1, 404, "text/html", Buffer.from(k)));
    expect(store.size).toBe(2);
    expect(store.get("/a")).toBeUndefined();
  });
});

describe("static HTML", () => {
  it("drops Next's scripts and inlines the stylesheet", () => {
    const out = staticHtml(
      '<html><head><link rel="stylesheet" ' +
        'href="/_next/static/chunks/a.css" ' +
        'data-precedence="next"/><link rel="preload" as="script" ' +
        'href="/x.js"/><script src="/x.js" ' +
        'async=""></script></head><body><p>hi</p><script>self.__next_' +
        'f.push([1,"\\u003c/script"])</script></body></html>',
      (href) => (href === "/_next/static/chunks/a.css" ? "p{color:red}" : null),
    );
    expect(out).toBe("<html><head><style>p{color:red}</style></head><body><p>hi</p></body></html>");
  });

  it("inlines each page's own rules: the pruned stylesheet is kept per set of classes, never shared", () => {
    const css = ".a{color:red}.b{color:blue}";
    const page = (cls: string) =>
      `<head><link rel="stylesheet" href="/_next/static/s.css"/></head><body><p class="${cls}">x</p>` +
      // A class named only inside the RSC payload is nothing a reader without JavaScript sees.
      `<script>self.__next_f.push([1,"<i class=\\"b\\">"])</script></body>`;
    const read = () => css;
    for (let round = 0; round < 2; round++) {
      expect(staticHtml(page("a"), read)).toContain("<style>.a{color:red}</style>");
      expect(staticHtml(page("b"), read)).toContain("<style>.b{color:blue}</style>");
    }
  });

  it("keeps a script marked data-keep", () => {
    const out = staticHtml(
      '<body><p>hi</p><script data-keep="">run()</script><script>self.__next_f.push([1])</script></body>',
      () => null,
    );
    expect(out).toBe('<body><p>hi</p><script data-keep="">run()</script></body>');
  });
});

describe("pruneCss", () => {
  const css =
    "@layer theme{:root,:host{--color-red:#f00;--color-blue:#00f;" +
    '--font-sans:ui-sans-serif, "Segoe ' +
    'UI";--default-font:var(--font-sans)}}' +
    "@layer base{*{margin:0}html{font-family:var(--default-font)}}" +
    "@layer utilities{.text-red{color:var(--color-red)}.text-blue{color:var(--color-blue)}.dark\\:text-red{@media " +
    "(prefers-color-scheme:dark){color:red}}" +
    ".\\[\\&_a\\]\\:underline " +
    "a{text-decoration:underline}:where(.space-y-2>:not(:last-chi" +
    "ld)){margin:1px}.py-0\\.5{padding:1px}.a:not(.b){color:red}}" +
    "@media (width>=40rem){.sm\\:flex{display:flex}.sm\\:grid{dis" +
    'play:grid}}@property --tw-x{syntax:"*";inherits:false}';

  it("keeps exactly the rules the page's classes can match, and the theme variables they read", () => {
    const used = usedClasses('<p class="text-red dark:text-red [&amp;_a]:underline py-0.5 a sm:flex">x</p>');
    const out = pruneCss(css, used);
    for (const kept of [
      ".text-red{",
      ".dark\\:text-red{",
      ".\\[\\&_a\\]\\:underline a{",
      ".py-0\\.5{",
      ".a:not(.b){",
      ".sm\\:flex{",
      "*{margin:0}",
      "--color-red:#f00",
      '--font-sans:ui-sans-serif, "Segoe UI"',
      "--default-font:var(--font-sans)",
    ]) {
      expect(out, kept).toContain(kept);
    }
    for (const dropped of [".text-blue{", "--color-blue", "space-y-2", ".sm\\:grid", "@property --tw-x"])
      expect(out, dropped).not.toContain(dropped);
    expect(out).toContain("@media (width>=40rem){");
  });

  it(
    "drops the theme variables nothing reads from every theme " +
      "block, and the registrations of unread custom properties",
    () => {
      const theme =
        "@layer properties{@supports (x:y){*,:before{--tw-read:0;--tw-unread:0;--tw-shadow:0 0 #0000}}}" +
        "@layer theme{:root,:host{--color-red:#f00;--color-blue:#00f}@supports (color:lab(0% 0 " +
        "0)){:root,:host{--color-red:lab(50% 80 60);--color-blue:lab(40% 30 -80)}}}" +
        ".a{color:var(--color-red);margin:var(--tw-read);--tw-unread:1}" +
        '@property --tw-read{syntax:"*";inherits:false;initial-value:' +
        '0}@property --tw-unread{syntax:"*";inherits:false;initial-va' +
        "lue:0}@keyframes spin{to{rotate:1turn}}";
      const out = pruneCss(theme, new Set(["a"]));
      for (const kept of [
        "--color-red:#f00",
        "--color-red:lab(50% 80 60)",
        "--tw-read:0",
        "@property --tw-read{",
        "@keyframes spin{",
        "--tw-unread:1}",
      ])
        expect(out, kept).toContain(kept);
      for (const dropped of ["--color-blue", "@property --tw-unread", "--tw-unread:0", "--tw-shadow"])
        expect(out, dropped).not.toContain(dropped);
    },
  );

  it("with the page's element types, drops rules only for elements the page lacks", () => {
    const tags = usedTags('<html><body><p class="x">a <a href="/">b</a></p><svg><path d=""/></svg></body></html>');
    const base =
      "hr{height:0}abbr:where([title]){text-decoration:underline}co" +
      "de,kbd{font-size:1em}a{color:inherit}:where(select:is([multi" +
      "ple],[size])) optgroup{font-weight:bold}" +
      "svg,video{display:block}.x a{color:red}.x " +
      "table{margin:0}::file-selector-button{margin:0}:-moz-focusri" +
      "ng:where(:not(iframe)){outline:auto}[hidden]:where(:not([hid" +
      "den=until-found])){display:none}" +
      ".\\[\\&_a\\]\\:u a{text-decoration:underline}tbody{color:red}";
    const out = pruneCss(base, usedClasses('<p class="x [&amp;_a]:u">'), tags);
    for (const kept of [
      "a{color:inherit}",
      "svg,video{",
      ".x a{",
      "::file-selector-button{",
      ":-moz-focusring",
      "[hidden]:where(",
      "\\:u a{",
      "tbody{",
    ])
      expect(out, kept).toContain(kept);
    for (const dropped of ["hr{", "abbr", "code,kbd", "optgroup", ".x table"])
      expect(out, dropped).not.toContain(dropped);
    // Without the element types, only classes count.
    expect(pruneCss("hr{height:0}", new Set())).toBe("hr{height:0}");
  });

  it("drops grouping rules left empty", () => {
    expect(pruneCss("@media (width>=40rem){.sm\\:grid{display:grid}}.x{color:red}", new Set(["x"]))).toBe(
      ".x{color:red}",
    );
  });
});
