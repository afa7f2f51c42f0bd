import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent, updateComponent } from "@/lib/components/components";
import { getOutboxEmail, listOutbox } from "@/lib/email/outbox";
import { createIncident } from "@/lib/incidents/incidents";
import { getPage } from "@/lib/page/page";
import { DEFAULT_SUBSCRIBE_LIMITS } from "@/lib/subscribers/limits";
import { followIncident, subscribe } from "@/lib/subscribers/subscribe";
import { runDueWork } from "@/lib/worker/run";
import { deps, outboxMailer, SECRET } from "./helpers";

// Issue 9, item 8: the confirmation email never said which components the
// person had picked, so they could not tell what they were confirming.

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
const cfg = { secret: SECRET, limits: DEFAULT_SUBSCRIBE_LIMITS };
const pub = () => ({ db: t.db, now: t.clock.now });
beforeEach(async () => {
  t = await createTestCtx();
  pageId = (await getPage(t.db)).id;
});
afterEach(() => t.close());

const drain = () => runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db)), { budgetMs: 10_000 });
async function mailTo(to: string) {
  const item = (await listOutbox(t.db)).find((m) => m.to === to);
  if (!item) throw new Error(`no email to ${to}`);
  return (await getOutboxEmail(t.db, item.id))!;
}

describe("the confirmation email names what was chosen", () => {
  it(
    "lists the chosen components, in page order, in the HTML and " + "the text; none chosen reads as all of them",
    async () => {
      const api = await createComponent(t.ctx, { name: "Public API" });
      const web = await createComponent(t.ctx, { name: "Dashboard & Web" });
      await createComponent(t.ctx, { name: "Billing" });
      const secret = await createComponent(t.ctx, { name: "Internal cluster" });
      await subscribe(
        pub(),
        pageId,
        { email: "some@example.com", componentIds: [web.id, api.id, secret.id], ip: "192.0.2.1" },
        cfg,
      );
      // Hidden after it was chosen: its name must not reach the email.
      await updateComponent(t.ctx, { id: secret.id, hidden: true });
      await subscribe(pub(), pageId, { email: "all@example.com", ip: "192.0.2.2" }, cfg);
      await drain();

      const some = await mailTo("some@example.com");
      expect(some.text).toContain("Components you chose: Public API, Dashboard & Web.");
      expect(some.html).toContain("Components you chose: Public API, Dashboard &amp; Web.");
      expect(some.text).not.toContain("Billing");
      expect(some.text).not.toContain("Internal cluster");
      const all = await mailTo("all@example.com");
      expect(all.text).toContain("Components you chose: all of them.");
    },
  );

  it("a new address following one incident is told which incident, and nothing about components", async () => {
    await createComponent(t.ctx, { name: "Public API" });
    const { incident } = await createIncident(t.ctx, { name: "Login failures", body: "Looking into it" });
    await followIncident(
      pub(),
      pageId,
      { email: "follower@example.com", incidentId: incident.id, ip: "192.0.2.3" },
      cfg,
    );
    await drain();
    const mail = await mailTo("follower@example.com");
    expect(mail.text).toContain("The incident you follow: Login failures.");
    expect(mail.text).not.toContain("Components you chose");
  });

  it("each confirmation carries its own recipient's scope, never another's", async () => {
    const api = await createComponent(t.ctx, { name: "Public API" });
    const web = await createComponent(t.ctx, { name: "Web" });
    await subscribe(pub(), pageId, { email: "a@example.com", componentIds: [api.id], ip: "192.0.2.4" }, cfg);
    await subscribe(pub(), pageId, { email: "b@example.com", componentIds: [web.id], ip: "192.0.2.5" }, cfg);
    await drain();
    expect((await mailTo("a@example.com")).text).toContain("Components you chose: Public API.");
    expect((await mailTo("b@example.com")).text).toContain("Components you chose: Web.");
    expect(
      (
        await t.db.all<{ n: number }>(
          sql`select count(*) as n from notification where kind = 'subscription_confirmation'`,
        )
      )[0].n,
    ).toBe(2);
  });
});
