import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "@/db/constants";
import { createTestCtx } from "@/tests/helpers/test-db";
import { getOutboxEmail, listOutbox, readOutboxEmail } from "@/lib/email/outbox";
import { createIncident } from "@/lib/incidents/incidents";
import { addSubscriber } from "@/lib/subscribers/admin";
import { runDueWork } from "@/lib/worker/run";
import { deps, outboxMailer, SECRET } from "../email/helpers";

// Outbox mode (issue 10, item 6): stored emails hold live confirm and manage
// links. Owners and admins see them; editors and viewers see them redacted.
let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date());
});
afterEach(() => t.close());

const drain = () => runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db)), { budgetMs: 10_000 });
const TOKEN = /token=([A-Za-z0-9_-]{43})/g;
const tokensIn = (s: string) => [...s.matchAll(TOKEN)].map((m) => m[1]);

async function storedEmails() {
  await addSubscriber(t.ctx, SECRET, { email: "pending@example.com" });
  await addSubscriber(t.ctx, SECRET, { email: "active@example.com", skipConfirmation: true });
  await createIncident(t.ctx, { name: "Outage", body: "Looking into it", notify: true });
  await drain();
  const items = await listOutbox(t.db);
  expect(items.map((i) => i.to).sort()).toEqual(["active@example.com", "pending@example.com"]);
  return items;
}

describe("stored emails in the console", () => {
  it.each(["owner", "admin"] as Role[])("an %s sees them exactly as stored, token links included", async (role) => {
    for (const item of await storedEmails()) {
      const raw = (await getOutboxEmail(t.db, item.id))!;
      expect(tokensIn(raw.text).length).toBeGreaterThan(0);
      expect(await readOutboxEmail(t.as(role), item.id)).toEqual(raw);
    }
  });

  it.each(["editor", "viewer"] as Role[])(
    "an %s sees every token redacted in the html, the text and the headers, and the rest unchanged",
    async (role) => {
      for (const item of await storedEmails()) {
        const raw = (await getOutboxEmail(t.db, item.id))!;
        const secrets = new Set([
          ...tokensIn(raw.html),
          ...tokensIn(raw.text),
          ...tokensIn(JSON.stringify(raw.headers)),
        ]);
        expect(secrets.size).toBeGreaterThan(0);
        const shown = (await readOutboxEmail(t.as(role), item.id))!;
        const all = JSON.stringify(shown);
        for (const token of secrets) expect(all).not.toContain(token);
        expect(shown.text).toContain("token=[redacted]");
        expect(shown.html).toContain("token=[redacted]");
        if (item.to === "active@example.com")
          expect(shown.headers["List-Unsubscribe"]).toMatch(
            /^<https:\/\/status\.example\.com\/subscriptions\/one-click\?token=\[redacted\]>, <mailto:/,
          );
        expect(shown.text.replaceAll("token=[redacted]", "").split("\n")).toEqual(
          raw.text.replace(TOKEN, "").split("\n"),
        );
        expect({ ...shown, html: "", text: "", headers: {} }).toEqual({ ...raw, html: "", text: "", headers: {} });
      }
    },
  );

  it("an unknown id is undefined for everyone", async () => {
    expect(await readOutboxEmail(t.as("viewer"), "nope")).toBeUndefined();
  });
});
