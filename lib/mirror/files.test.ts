import { describe, expect, it } from "vitest";
import { NOT_FOUND_PAGE, PUBLIC_ROUTES } from "../snapshots/routes";
import { classifyRef, fileForKey, MIRROR_FORM_NOTE, mirrorHtml, rootRelativeRefs } from "./files";
import { siteKeys } from "./site";
import { redact } from "./targets/types";

describe("mirror files", () => {
  it("maps every kind of public key to a file a static host serves", () => {
    expect(fileForKey("/")).toBe("index.html");
    expect(fileForKey("/incidents/abc123")).toBe("incidents/abc123/index.html");
    expect(fileForKey("/incidents/abc123/og.png")).toBe("incidents/abc123/og.png");
    expect(fileForKey("/api/v2/summary.json")).toBe("api/v2/summary.json");
    expect(fileForKey("/history")).toBe("history/index.html");
    expect(fileForKey("/history?page=1")).toBe("history/index.html");
    expect(fileForKey("/history?quarter=2026-Q3")).toBe("history/2026-Q3/index.html");
    expect(fileForKey("/history?quarter=2026-Q5")).toBe("history/index.html");
    expect(fileForKey("/embed")).toBe("embed/index.html");
    expect(fileForKey(NOT_FOUND_PAGE)).toBe("404.html");
  });

  it("lists a key for every public route, fixed or patterned", () => {
    const index = {
      incidents: new Set(["inc1"]),
      components: new Set(["cmp1"]),
      history: { oldest: "2025-Q4", newest: "2026-Q2" },
    };
    const { fixed, perIncident } = siteKeys(index);
    const keys = [...fixed, ...[...perIncident.values()].flat()];
    // A new route in PUBLIC_ROUTES that the mirror cannot list fails here.
    for (const r of PUBLIC_ROUTES)
      expect(
        keys.some((k) => (typeof r.path === "string" ? k === r.path : r.path.test(k))),
        String(r.path),
      ).toBe(true);
    // Every quarter but the newest (that one is /history), empty ones between included.
    expect(keys.filter((k) => k.startsWith("/history?"))).toEqual([
      "/history?quarter=2026-Q1",
      "/history?quarter=2025-Q4",
    ]);
    expect(keys).toContain(NOT_FOUND_PAGE);
  });

  it("makes links absolute to the public URL, history pages paths, and forms say they need the live site", () => {
    const html = [
      '<a href="/incidents/x1">i</a><a href="/history?quarter=2026-Q2">2</a><a href="/history">1</a>',
      '<a href="https://example.com/">e</a>',
      '<form method="post" action="/subscriptions/new"><button>Go</button></form>',
      "<style>@font-face{src:url(/_next/static/media/f.woff2)}</style>",
    ].join("");
    const out = mirrorHtml(html, "https://status.example.com");
    expect(out).toContain('href="https://status.example.com/incidents/x1"');
    expect(out).toContain('href="https://status.example.com/history/2026-Q2/"');
    expect(out).toContain('href="https://status.example.com/history"');
    expect(out).toContain('href="https://example.com/"');
    expect(out).toContain('action="https://status.example.com/subscriptions/new"');
    expect(out).toContain("url(https://status.example.com/_next/static/media/f.woff2)");
    expect(out).toContain(`${MIRROR_FORM_NOTE}</form>`);
    expect(rootRelativeRefs(html).sort()).toEqual([
      "/_next/static/media/f.woff2",
      "/history",
      "/history?quarter=2026-Q2",
      "/incidents/x1",
      "/subscriptions/new",
    ]);
    expect(classifyRef("/_next/static/media/f.woff2")).toBe("asset");
    expect(classifyRef("/subscriptions/new")).toBe("needsOrigin");
    expect(classifyRef("/incidents/x1")).toBe("page");
  });

  it("scrubs secrets and URL credentials from error text", () => {
    expect(redact("push to https://x-access-token:ghp_abc123@github.com/a/b failed", [])).toBe(
      "push to https://***@github.com/a/b failed",
    );
    expect(redact("bad key wJalrXUtnFEMI/K7MDENG", ["wJalrXUtnFEMI/K7MDENG"])).toBe("bad key ***");
  });
});
