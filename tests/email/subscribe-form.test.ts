import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createComponent } from "@/lib/components/components";
import { CLI_ACTOR } from "@/lib/context";
import { startServer, type RunningServer } from "../helpers/server";

// Issue 9, item 8: "Choose components" opened a collapsed list, and a bad
// address led to a separate "Go back" page that lost what was entered. The
// form comes back with the error beside the field, without JavaScript.

/** The markup before the first component checkbox sits inside a <details> that is not open. */
function listIsCollapsed(html: string): boolean {
  const before = html.slice(0, html.indexOf('name="component"'));
  let depth = 0;
  for (const m of before.matchAll(/<details\b([^>]*)>|<\/details>/g)) {
    if (m[0] === "</details>") depth = Math.max(0, depth - 1);
    else if (!/\bopen\b/.test(m[1])) depth++;
  }
  return depth > 0;
}

describe("the subscribe form on the real server", () => {
  let server: RunningServer;
  let api: string;
  let web: string;
  beforeAll(async () => {
    server = await startServer();
    const ctx = { db: server.db, now: () => new Date(), actor: CLI_ACTOR };
    api = (await createComponent(ctx, { name: "Public API" })).id;
    web = (await createComponent(ctx, { name: "Web app" })).id;
  });
  afterAll(() => server.stop());

  const post = (form: [string, string][], ip: string) =>
    fetch(`${server.url}/subscriptions/new`, {
      method: "POST",
      body: new URLSearchParams(form),
      redirect: "manual",
      headers: { "x-forwarded-for": ip },
    });
  const get = async (path: string) => (await fetch(`${server.url}${path}`)).text();

  it("“Choose components” opens with the component list expanded", async () => {
    const html = await get("/subscriptions");
    expect(html).toContain(`value="${api}"`);
    expect(listIsCollapsed(html)).toBe(false);
  });

  it(
    "a bad address comes back to the form with the error beside " +
      "the field, the address and the ticked components kept",
    async () => {
      const res = await post(
        [
          ["email", "ann at example"],
          ["component", web],
          ["website", ""],
        ],
        "203.0.113.10",
      );
      expect(res.status).toBe(303);
      const location = res.headers.get("location")!;
      expect(location.startsWith("/subscriptions?")).toBe(true);
      const html = await get(location);
      expect(html).not.toContain("Go back");
      expect(html).toMatch(
        /<p id="subscribe-email-error" role="alert"[^>]*>Enter a valid email address, like name@example.com.<\/p>/,
      );
      const field = /<input[^>]*id="subscribe-email"[^>]*>/.exec(html)![0];
      expect(field).toContain('value="ann at example"');
      expect(field).toContain('aria-invalid="true"');
      expect(field).toContain('aria-describedby="subscribe-email-error"');
      expect(
        /<input[^>]*value="([0-9a-z]+)"[^>]*checked=""|<input[^>]*checked=""[^>]*value="([0-9a-z]+)"/
          .exec(html)
          ?.slice(1)
          .find(Boolean),
      ).toBe(web);
      expect(html).not.toMatch(new RegExp(`checked=""[^>]*value="${api}"|value="${api}"[^>]*checked=""`));
      // Nothing was stored for the rejected request.
      expect((await server.db.all<{ n: number }>(sql`select count(*) as n from subscriber`))[0].n).toBe(0);
    },
  );

  it("what comes back through the query is escaped, and only known error codes show", async () => {
    const res = await post([["email", `"><script>alert(1)</script>`]], "203.0.113.11");
    const html = await get(res.headers.get("location")!);
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const forged = await get(
      `/subscriptions?error=${encodeURIComponent("Your account is locked, call +1 555")}&email=x`,
    );
    expect(forged).not.toContain("account is locked");
    expect(forged).not.toContain('role="alert"');
  });

  it("a good address still gets the one answer for every outcome, whether the address is known or not", async () => {
    const answers = [];
    for (const [email, ip] of [
      ["known@example.com", "203.0.113.20"],
      ["known@example.com", "203.0.113.21"],
      ["other@example.com", "203.0.113.22"],
    ]) {
      const res = await post(
        [
          ["email", email],
          ["component", api],
        ],
        ip,
      );
      answers.push(`${res.status} ${res.headers.get("location")}`);
    }
    expect(answers).toEqual(Array(3).fill("303 /subscriptions/check-email"));
  });
});
