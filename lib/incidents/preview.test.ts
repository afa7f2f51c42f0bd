import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident, notification } from "@/db/schema";
import { createComponent, listComponents, updateComponent } from "../components/components";
import { getPage } from "../page/page";
import { previewPost, type PreviewPostValues } from "./preview";

let close: (() => void) | undefined;
afterEach(() => close?.());

const values = (over: Partial<PreviewPostValues> = {}): PreviewPostValues => ({
  incident: null,
  name: "API unavailable",
  body: "We are **looking** into it. <script>alert(1)</script>",
  status: "identified",
  components: {},
  componentIds: [],
  at: undefined,
  notify: true,
  backfilled: false,
  unfilled: [],
  ...over,
});

async function setup() {
  const t = await createTestCtx();
  close = t.close;
  const api = await createComponent(t.ctx, { name: "API" });
  const web = await createComponent(t.ctx, { name: "Website" });
  const secret = await createComponent(t.ctx, { name: "Internal DB" });
  await updateComponent(t.ctx, { id: secret.id, hidden: true });
  const page = await getPage(t.db);
  const args = {
    page,
    components: await listComponents(t.db, page.id),
    root: "https://status.example.com",
    now: t.clock.now(),
  };
  return { ...t, api, web, secret, args };
}

describe("previewPost", () => {
  it("renders the public entry and the email from the form's values, saving nothing", async () => {
    const t = await setup();
    const p = await previewPost(
      t.args,
      values({ components: { [t.api.id]: "major_outage", [t.secret.id]: "major_outage" }, componentIds: [t.web.id] }),
    );
    if (p.error !== undefined) throw new Error(p.error);
    expect(p.statusLabel).toBe("Identified");
    expect(p.timeIso).toBe(t.clock.now().toISOString());
    expect(p.bodyHtml).toContain("<strong>looking</strong>");
    expect(p.bodyHtml).not.toContain("<script");
    expect(p.email.subject).toBe("[Acme Status] Identified: API unavailable");
    expect(p.email.text).toContain("API");
    expect(p.email.text).toContain("Website");
    // The email is public: a hidden component is never named.
    expect(p.email.text).not.toContain("Internal DB");
    expect(p.email.html).toContain("https://status.example.com/subscriptions/manage");
    expect(p.notify).toBe(true);
    expect(await t.db.$count(incident)).toBe(0);
    expect(await t.db.$count(notification)).toBe(0);
  });

  it("an update previews under the incident's own name, at the form's time, and backfill never notifies", async () => {
    const t = await setup();
    const at = new Date("2026-02-01T08:30:00Z");
    const p = await previewPost(
      t.args,
      values({ incident: { id: "abc123", name: "Login errors" }, name: "", status: "resolved", at, backfilled: true }),
    );
    if (p.error !== undefined) throw new Error(p.error);
    expect(p.email.subject).toBe("[Acme Status] Resolved: Login errors");
    expect(p.timeIso).toBe(at.toISOString());
    expect(p.notify).toBe(false);
    // An unreadable time previews as now.
    const now = await previewPost(t.args, values({ at: new Date(Number.NaN) }));
    expect(now).toMatchObject({ timeIso: t.clock.now().toISOString() });
  });

  it("says what is missing instead of previewing", async () => {
    const t = await setup();
    expect(await previewPost(t.args, values({ name: "  " }))).toEqual({
      error: "Give the incident a name to preview it.",
    });
    expect(await previewPost(t.args, values({ body: " " }))).toEqual({ error: "Write a message to preview it." });
    expect(await previewPost(t.args, values({ status: "exploded" }))).toEqual({ error: "Pick a status." });
    expect(await previewPost(t.args, values({ unfilled: ["{{component}}", "{{component}}"] }))).toMatchObject({
      unfilled: ["{{component}}"],
    });
  });
});
